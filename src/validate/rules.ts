import type { DataPath, DiagnosticCode } from '../diagnostics.js'
import type { Incident, KeyTimes } from './normalize.js'
import type { Config } from './schema.js'
import type { Instant } from './timestamps.js'

/** What a rule sees, and how it reports a problem at a path of the record. */
export interface RuleContext {
  incident: Incident
  config: Config
  /** Reference time for rules about "now" (overdue items). */
  at: Instant
  /** `index` points at a character inside a text value. */
  report: (code: DiagnosticCode, path: DataPath, message: string, hint?: string, index?: number) => void
}

export type Rule = (context: RuleContext) => void

const keyOrder: Array<keyof KeyTimes> = [
  'impact_started',
  'detected',
  'acknowledged',
  'mitigated',
  'resolved',
]

/** impact_started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved; reported on the later field. */
export const keyTimestampsInOrder: Rule = ({ incident, report }) => {
  const t = incident.timestamps
  const written = incident.written.timestamps
  let previous: keyof KeyTimes | undefined
  for (const key of keyOrder) {
    const value = t[key]
    if (value === null) continue
    if (previous && value < t[previous]!)
      report(
        'TIMESTAMPS_OUT_OF_ORDER',
        ['timestamps', key],
        `\`${key}\` (${written[key]}) is earlier than \`${previous}\` (${written[previous]})`,
        `Key timestamps run ${keyOrder.join(' ≤ ')}; fix whichever is wrong.`,
      )
    else previous = key
  }
  const cause = t.cause_identified
  if (cause !== null) {
    if (cause < t.detected)
      report(
        'TIMESTAMPS_OUT_OF_ORDER',
        ['timestamps', 'cause_identified'],
        `\`cause_identified\` (${written.cause_identified}) is earlier than \`detected\` (${written.detected})`,
        'The cause is identified after the incident is detected.',
      )
    else if (t.resolved !== null && cause > t.resolved)
      report(
        'TIMESTAMPS_OUT_OF_ORDER',
        ['timestamps', 'cause_identified'],
        `\`cause_identified\` (${written.cause_identified}) is later than \`resolved\` (${written.resolved})`,
        'A cause found after resolution belongs in the timeline as a `diagnose` event; set `cause_identified` no later than `resolved`.',
      )
  }
  if (t.impact_ended !== null && t.impact_ended < t.impact_started)
    report(
      'TIMESTAMPS_OUT_OF_ORDER',
      ['timestamps', incident.written.timestamps.impact_ended === undefined ? 'resolved' : 'impact_ended'],
      `\`impact_ended\` is earlier than \`impact_started\` (${written.impact_started})`,
      'Impact ends after it starts.',
    )
}

/** `resolved` and `root_cause` may be missing only while the record is a draft. */
export const requiredUnlessDraft: Rule = ({ incident, report }) => {
  if (incident.status === 'draft') return
  if (incident.timestamps.resolved === null)
    report(
      'MISSING_KEY',
      ['timestamps', 'resolved'],
      `\`timestamps.resolved\` is required once the status is \`${incident.status}\``,
      'Add `resolved:` to `timestamps`, or keep `status: draft` while the incident is open.',
    )
  if (!incident.root_cause)
    report(
      'MISSING_KEY',
      ['root_cause'],
      `\`root_cause\` is required once the status is \`${incident.status}\``,
      'Add `root_cause:` with at least a `summary`, or keep `status: draft`.',
    )
}

/** Timeline entries sorted by `at`; reported on the first event that is earlier than the one before it. */
export const timelineIsChronological: Rule = ({ incident, report }) => {
  for (const [i, event] of incident.timeline.entries()) {
    const previous = incident.timeline[i - 1]
    if (previous && event.at < previous.at)
      report(
        'TIMELINE_OUT_OF_ORDER',
        ['timeline', i, 'at'],
        `timeline[${i}] (${incident.written.timeline[i]!.at}) is earlier than timeline[${i - 1}] (${incident.written.timeline[i - 1]!.at})`,
        'Sort timeline entries by `at`, or fix the timestamp.',
      )
  }
}

/** Metric samples in time order, so charts draw left to right. */
export const metricSeriesChronological: Rule = ({ incident, report }) => {
  for (const [m, metric] of incident.metrics.entries())
    for (const [p, point] of metric.series.entries()) {
      const previous = metric.series[p - 1]
      if (previous && point.at < previous.at)
        report(
          'TIMELINE_OUT_OF_ORDER',
          ['metrics', m, 'series', p, 'at'],
          `sample ${p} of metric \`${metric.name}\` is earlier than the sample before it`,
          'Sort the series by `at`.',
        )
    }
}

/** Action item ids unique within the incident; the second use is reported, naming the first. */
export const actionItemIdsUnique: Rule = ({ incident, report }) => {
  const seen = new Map<string, number>()
  for (const [i, item] of (incident.action_items ?? []).entries()) {
    const first = seen.get(item.id)
    if (first === undefined) seen.set(item.id, i)
    else
      report(
        'DUPLICATE_ID',
        ['action_items', i, 'id'],
        `action item id \`${item.id}\` is already used by action_items[${first}]`,
        'Give each action item its own id (`AI-1`, `AI-2`, …).',
      )
  }
}

/** `not_doing` items say why. */
export const notDoingHasReason: Rule = ({ incident, report }) => {
  for (const [i, item] of (incident.action_items ?? []).entries())
    if (item.status === 'not_doing' && !item.not_doing_reason?.trim())
      report(
        'NOT_DOING_WITHOUT_REASON',
        ['action_items', i, 'status'],
        `action item ${item.id} is \`not_doing\` without a reason`,
        'Add `not_doing_reason:` saying why the team decided against it.',
      )
}

/** Severity, services and SLOs must be ones the configuration defines. */
export const namesAreConfigured: Rule = ({ incident, config, report }) => {
  const levels = config.severities.map((s) => s.name)
  if (!levels.includes(incident.severity))
    report(
      'UNKNOWN_SEVERITY',
      ['severity'],
      `\`severity\` must be one of ${levels.map((l) => `\`${l}\``).join(', ')}, got \`${incident.severity}\``,
      'Use a configured level, or add it to `severities` in postmortem.config.yaml.',
    )
  if (config.services && config.services.length > 0) {
    const known = new Set(config.services.map((s) => (typeof s === 'string' ? s : s.id)))
    for (const [i, service] of incident.services.entries())
      if (!known.has(service.id))
        report(
          'UNKNOWN_SERVICE',
          typeof incident.written.services?.[i] === 'string' ? ['services', i] : ['services', i, 'id'],
          `service \`${service.id}\` is not in the configured \`services\``,
          'Fix the id, or add the service to `services` in postmortem.config.yaml.',
        )
  }
  for (const [i, slo] of (incident.impact?.slo ?? []).entries())
    if (!Object.hasOwn(config.slos, slo.id))
      report(
        'UNKNOWN_SLO',
        ['impact', 'slo', i, 'id'],
        `SLO \`${slo.id}\` is not defined in the configuration`,
        'Add it under `slos:` in postmortem.config.yaml with a `target` and `window`.',
      )
}

/** The semantic rules: every record must pass them. */
export const rules: readonly Rule[] = [
  requiredUnlessDraft,
  keyTimestampsInOrder,
  timelineIsChronological,
  metricSeriesChronological,
  actionItemIdsUnique,
  notDoingHasReason,
  namesAreConfigured,
]
