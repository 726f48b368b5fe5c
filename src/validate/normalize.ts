import { formatPath } from '../diagnostics.js'
import type { Config, IncidentRecord } from './schema.js'
import type { Finding } from './schema-diagnostics.js'
import type { Instant } from './timestamps.js'
import { parseTimestamp } from './timestamps.js'

type Written = IncidentRecord
type WrittenEvent = Written['timeline'][number]
type WrittenMetric = NonNullable<Written['metrics']>[number]

/** Key timestamps as instants; `null` where the record has none. `impact_ended` defaults to `resolved`. */
export interface KeyTimes {
  impact_started: Instant
  detected: Instant
  acknowledged: Instant | null
  cause_identified: Instant | null
  mitigated: Instant | null
  resolved: Instant | null
  impact_ended: Instant | null
}

/** A timeline event as written, with `at` read as an instant. */
export type TimelineEvent = Omit<WrittenEvent, 'at'> & { at: Instant }
/** A metric as written, with each point's time read as an instant. */
export type Metric = Omit<WrittenMetric, 'series'> & { series: Array<{ at: Instant; value: number }> }
/** An affected service; the shorthand `- checkout` becomes `{ id: 'checkout' }`. */
export interface Service {
  id: string
  impact?: 'outage' | 'partial' | 'degraded'
}
/** A contributing factor; the shorthand of a plain string becomes `{ text }`. */
export interface ContributingFactor {
  text: string
  category?: string
}
/** The root cause, its contributing factors always in the object form. */
export type RootCause = Omit<NonNullable<Written['root_cause']>, 'contributing_factors'> & {
  contributing_factors: ContributingFactor[]
}

/** A validated incident: defaults applied, timestamps read as instants, shorthand forms expanded. */
export interface Incident extends Omit<
  Written,
  'timestamps' | 'timeline' | 'metrics' | 'services' | 'root_cause' | 'timezone'
> {
  /** The file the record came from. */
  file: string
  /** IANA zone for display: the record's `timezone`, else the config's. */
  timezone: string
  /** True when the record set `timezone` itself. */
  timezone_set: boolean
  timestamps: KeyTimes
  timeline: TimelineEvent[]
  metrics: Metric[]
  services: Service[]
  root_cause?: RootCause
  /** The timestamps exactly as written, for messages. */
  written: Written
}

/**
 * Reads every timestamp of a schema-valid record as an instant (offset-less ones in the record's zone)
 * and expands shorthand forms. Problems come back as findings; the incident only when there are none.
 */
export function normalizeIncident(
  record: Written,
  file: string,
  config: Config,
): { incident?: Incident; findings: Finding[] } {
  const findings: Finding[] = []
  // The schema has checked the zone and every calendar date; what is left is reading offset-less
  // times in the record's zone.
  const readZone = record.timezone

  const read = (value: string, path: Array<string | number>): Instant => {
    const parsed = parseTimestamp(value, readZone)
    if (parsed.ok) return parsed.instant
    findings.push({
      code: parsed.code,
      path,
      message: `\`${formatPath(path)}\`: ${parsed.message}`,
      hint: parsed.hint,
    })
    return Number.NaN
  }
  const optional = (value: string | undefined, key: string) =>
    value === undefined ? null : read(value, ['timestamps', key])

  const t = record.timestamps
  const resolved = optional(t.resolved, 'resolved')
  const timestamps: KeyTimes = {
    impact_started: read(t.impact_started, ['timestamps', 'impact_started']),
    detected: read(t.detected, ['timestamps', 'detected']),
    acknowledged: optional(t.acknowledged, 'acknowledged'),
    cause_identified: optional(t.cause_identified, 'cause_identified'),
    mitigated: optional(t.mitigated, 'mitigated'),
    resolved,
    impact_ended: t.impact_ended === undefined ? resolved : optional(t.impact_ended, 'impact_ended'),
  }
  const timeline = record.timeline.map((event, i) => ({
    ...event,
    at: read(event.at, ['timeline', i, 'at']),
  }))
  const metrics = (record.metrics ?? []).map((metric, m) => ({
    ...metric,
    series: metric.series.map((point, p) => ({
      at: read(point.at, ['metrics', m, 'series', p, 'at']),
      value: point.value,
    })),
  }))
  if (record.action_items)
    for (const [i, item] of record.action_items.entries())
      if (item.issue) read(item.issue.synced_at, ['action_items', i, 'issue', 'synced_at'])
  if (findings.length > 0) return { findings }

  const { timezone: _zone, root_cause, services, ...rest } = record
  const incident: Incident = {
    ...rest,
    file,
    timezone: readZone ?? config.timezone,
    timezone_set: readZone !== undefined,
    timestamps,
    timeline,
    metrics,
    services: (services ?? []).map((s) => (typeof s === 'string' ? { id: s } : s)),
    ...(root_cause && {
      root_cause: {
        ...root_cause,
        contributing_factors: (root_cause.contributing_factors ?? []).map((f) =>
          typeof f === 'string' ? { text: f } : f,
        ),
      },
    }),
    written: record,
  }
  return { incident, findings }
}
