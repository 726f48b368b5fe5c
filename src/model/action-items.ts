import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import { parseDate } from '../validate/timestamps.js'

type ActionItem = NonNullable<Incident['action_items']>[number]

const dayMs = 86_400_000

/**
 * When an action item is due, as the instant its due day ends (UTC): its own `due`, else
 * `resolved` + the policy's days for the incident's severity; `null` when neither applies.
 */
export function dueInstant(
  item: ActionItem,
  incident: Pick<Incident, 'severity' | 'timestamps'>,
  config: Config,
): Instant | null {
  if (item.due !== undefined) {
    const parsed = parseDate(item.due)
    return parsed.ok ? parsed.instant + dayMs : null
  }
  const days = config.policy.action_item_due_days[incident.severity]
  const resolved = incident.timestamps.resolved
  if (days === undefined || resolved === null) return null
  return resolved + days * dayMs
}

/** True for items that still need work. */
export function isOpen(item: Pick<ActionItem, 'status'>): boolean {
  return item.status === 'open' || item.status === 'in_progress'
}

/** Open and past due at the reference time `at` (a parameter: the model never reads the clock). */
export function isOverdue(
  item: ActionItem,
  incident: Pick<Incident, 'severity' | 'timestamps'>,
  config: Config,
  at: Instant,
): boolean {
  const due = dueInstant(item, incident, config)
  return isOpen(item) && due !== null && at >= due
}
