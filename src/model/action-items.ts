import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import { parseDate } from '../validate/timestamps.js'

type ActionItem = NonNullable<Incident['action_items']>[number]

const dayMs = 86_400_000

/** `due` dates as read: the pages over all incidents ask for every item's, more than once. */
const dueDays = new Map<string, Instant | null>()

/**
 * The day an action item is due, as the instant that day starts (UTC): its own `due`, else the day
 * of `resolved` + the policy's days for the incident's severity; `null` when neither applies.
 */
export function dueDay(
  item: Pick<ActionItem, 'due'>,
  incident: Pick<Incident, 'severity' | 'timestamps'>,
  config: Config,
): Instant | null {
  if (item.due !== undefined) {
    let day = dueDays.get(item.due)
    if (day === undefined) {
      const parsed = parseDate(item.due)
      day = parsed.ok ? parsed.instant : null
      // Note: a bound, not an LRU: a repository has a few thousand distinct due dates.
      if (dueDays.size >= 20_000) dueDays.clear()
      dueDays.set(item.due, day)
    }
    return day
  }
  const days = config.policy.action_item_due_days[incident.severity]
  const resolved = incident.timestamps.resolved
  if (days === undefined || resolved === null) return null
  const at = resolved + days * dayMs
  return at - (at % dayMs)
}

/** True for items that still need work. */
export function isOpen(item: Pick<ActionItem, 'status'>): boolean {
  return item.status === 'open' || item.status === 'in_progress'
}

/**
 * Open and past due at the reference time `at` (a parameter: the model never reads the clock):
 * an item is overdue once its due day has ended.
 */
export function isOverdue(
  item: Pick<ActionItem, 'status' | 'due'>,
  incident: Pick<Incident, 'severity' | 'timestamps'>,
  config: Config,
  at: Instant,
): boolean {
  const due = dueDay(item, incident, config)
  return isOpen(item) && due !== null && at >= due + dayMs
}

/** Counts of a record's action items at a reference time. */
export interface ActionItemHealth {
  total: number
  /** `open` + `in_progress`: still to do. */
  open: number
  in_progress: number
  done: number
  not_doing: number
  /** Open and past due at the reference time. */
  overdue: number
  /** `done ÷ (total − not_doing)` as a percent; `null` when nothing is to be done. */
  completion_percent: number | null
}

/** Action-item health of one incident at reference time `at`. */
export function actionItemHealth(
  incident: Pick<Incident, 'action_items' | 'severity' | 'timestamps'>,
  config: Config,
  at: Instant,
): ActionItemHealth {
  const items = incident.action_items ?? []
  const count = (status: ActionItem['status']) => items.filter((i) => i.status === status).length
  const done = count('done')
  const notDoing = count('not_doing')
  const planned = items.length - notDoing
  return {
    total: items.length,
    open: items.filter(isOpen).length,
    in_progress: count('in_progress'),
    done,
    not_doing: notDoing,
    overdue: items.filter((i) => isOverdue(i, incident, config, at)).length,
    completion_percent: planned === 0 ? null : (done / planned) * 100,
  }
}
