import type { LintCode } from '../diagnostics.js'
import { dueDay, isOpen, isOverdue } from '../model/action-items.js'
import { communications, publicUpdates } from '../model/communications.js'
import { durations } from '../model/durations.js'
import { findBlame, peopleNames, proseFields } from './blameless.js'
import type { Incident } from './normalize.js'
import type { Rule } from './rules.js'
import type { Config } from './schema.js'

// Note: lint rules compute figures with the pure model functions, so warnings and reports agree.

const minute = 60_000

/** True for the levels that get the stricter SEV1–2 lint: `major: true`, else the first two configured. */
export function isMajor(incident: Pick<Incident, 'severity'>, config: Config): boolean {
  const index = config.severities.findIndex((s) => s.name === incident.severity)
  if (index < 0) return false
  return config.severities[index]!.major ?? index < 2
}

/** Blameless language in every prose field. */
export const blamelessLanguage: Rule = ({ incident, report }) => {
  const people = peopleNames(incident)
  for (const field of proseFields(incident))
    for (const finding of findBlame(field.text, people))
      report(
        'BLAMEFUL_LANGUAGE',
        field.path,
        `blameful wording \`${finding.phrase}\``,
        `Blameless postmortems focus on systems: ${finding.suggestion}.`,
        finding.index,
      )
}

/** SEV1–2 postmortems record lessons and contributing factors. */
export const majorIncidentsAreComplete: Rule = ({ incident, config, report }) => {
  if (incident.status === 'draft' || !isMajor(incident, config)) return
  const l = incident.lessons
  if (!l || (l.went_well?.length ?? 0) + (l.went_wrong?.length ?? 0) + (l.got_lucky?.length ?? 0) === 0)
    report(
      'MISSING_LESSONS',
      l ? ['lessons'] : ['severity'],
      `${incident.severity} incident has no lessons`,
      'Add `lessons:` with `went_well`, `went_wrong` and `got_lucky` entries.',
    )
  if (incident.root_cause && incident.root_cause.contributing_factors.length === 0)
    report(
      'MISSING_CONTRIBUTING_FACTORS',
      ['root_cause'],
      `${incident.severity} incident has no contributing factors`,
      'Add `contributing_factors:` under `root_cause`: the conditions that let the trigger cause an outage.',
    )
}

/** Open action items have an owner and are not past due at the reference time. */
export const actionItemsAreHealthy: Rule = ({ incident, config, at, report }) => {
  for (const [i, item] of (incident.action_items ?? []).entries()) {
    if (!isOpen(item)) continue
    if (!item.owner)
      report(
        'ACTION_ITEM_NO_OWNER',
        ['action_items', i, 'id'],
        `action item ${item.id} has no owner`,
        'Add `owner:` (a GitHub handle becomes the issue assignee).',
      )
    if (isOverdue(item, incident, config, at)) {
      const due = new Date(dueDay(item, incident, config)!).toISOString().slice(0, 10)
      report(
        'ACTION_ITEM_OVERDUE',
        ['action_items', i, item.due === undefined ? 'id' : 'due'],
        `action item ${item.id} is ${item.status.replace('_', ' ')} and was due ${due}`,
        'Finish it, agree a new `due` date, or set `status: not_doing` with a `not_doing_reason`.',
      )
    }
  }
}

/** Slow detection on a SEV1–2 needs a `detect` action item. */
export const slowDetectionHasAction: Rule = ({ incident, config, report }) => {
  if (!isMajor(incident, config)) return
  const ttd = durations(incident).time_to_detect
  const limit = config.policy.time_to_detect_minutes * minute
  if (ttd === null || ttd <= limit) return
  if ((incident.action_items ?? []).some((item) => item.type === 'detect')) return
  report(
    'MISSING_DETECT_ACTION',
    ['timestamps', 'detected'],
    `time to detect was ${Math.round(ttd / minute)} min (policy: ${config.policy.time_to_detect_minutes}) and no action item has \`type: detect\``,
    'Add an action item with `type: detect` that would catch this sooner.',
  )
}

/** Public communication met the policy: a first update soon after detection, then no long silences. */
export const communicationMeetsPolicy: Rule = ({ incident, config, report }) => {
  const { first_update_after_detect: first, longest_gap: gap } = communications(incident)
  const firstLimit = config.policy.first_update_minutes * minute
  const gapLimit = config.policy.communication_gap_minutes * minute
  const updates = publicUpdates(incident)
  if (first !== null && first > firstLimit)
    report(
      'LATE_FIRST_UPDATE',
      ['timeline', incident.timeline.indexOf(updates[0]!), 'at'],
      `the first public update came ${Math.round(first / minute)} min after detection (policy: ${config.policy.first_update_minutes})`,
      'If this is what happened, keep it and accept it under `lint.allow` with a reason; track the fix as an action item.',
    )
  else if (first === null && incident.visibility === 'public' && incident.status !== 'draft') {
    const open = (incident.timestamps.resolved ?? Number.POSITIVE_INFINITY) - incident.timestamps.detected
    if (open > firstLimit)
      report(
        'LATE_FIRST_UPDATE',
        ['timeline'],
        'a public incident has no public update (a `communicate` event that is not internal)',
        'Record the status-page or customer updates as `kind: communicate` events.',
      )
  }
  if (gap !== null && gap > gapLimit) {
    const resolved = incident.timestamps.resolved!
    const points = [...updates.filter((u) => u.at < resolved).map((u) => u.at), resolved]
    let end = 1
    for (let i = 1; i < points.length; i++) if (points[i]! - points[i - 1]! === gap) end = i
    const endEvent = updates.find((u) => u.at === points[end])
    report(
      'COMMUNICATION_GAP',
      endEvent ? ['timeline', incident.timeline.indexOf(endEvent), 'at'] : ['timestamps', 'resolved'],
      `${Math.round(gap / minute)} min passed without a public update while unresolved (policy: ${config.policy.communication_gap_minutes})`,
      'If this is what happened, keep it and accept it under `lint.allow` with a reason; track the fix as an action item.',
    )
  }
}

/** The lint rules: warnings that `--strict` turns into failures. */
export const lintRules: readonly Rule[] = [
  blamelessLanguage,
  majorIncidentsAreComplete,
  actionItemsAreHealthy,
  slowDetectionHasAction,
  communicationMeetsPolicy,
]

/** Codes a record accepts under `lint.allow`. */
export function allowedCodes(incident: Incident): Map<LintCode, number> {
  return new Map((incident.lint?.allow ?? []).map((entry, i) => [entry.code, i]))
}
