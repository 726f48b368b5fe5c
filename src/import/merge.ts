/**
 * Plans how a source's events, key times and metrics go into a record: pure, no I/O.
 *
 * - Events: times to the second; outside `since`/`until`, or — on a side without an explicit bound —
 *   more than `margin` before `impact_started` or after `resolved`, they are skipped (and reported).
 *   The same instant with the same text as an event in the record (or earlier in the source) is a
 *   duplicate. The rest go into the timeline in order, after the events already at the same instant.
 * - Key times (PagerDuty): the first kept event that fills `detected`/`acknowledged`/`resolved` sets it
 *   when the record has none, or replaces a different one with `overwrite`.
 * - Metrics: samples outside `since`/`until` are dropped, then at most `maxPoints` kept (peaks kept);
 *   a new name is added, an existing one with other samples is replaced only with `overwrite`.
 * Re-importing the same source plans nothing: every event is a duplicate and every value the same.
 */
import { isDeepStrictEqual } from 'node:util'
import type { RecordEdit } from '../load/edit-record.js'
import type { Incident } from '../validate/normalize.js'
import type { Instant } from '../validate/timestamps.js'
import type { FillableTimestamp, ImportedEvent, SkippedItem, SourceResult } from './source.js'
import type { TimeStyle } from './time-style.js'
import { formatTime, recordTimeStyle } from './time-style.js'

/** How a source is merged. */
export interface MergeOptions {
  /** Events and samples before this are skipped (instead of the window's start). */
  since?: Instant
  /** Events and samples after this are skipped (instead of the window's end). */
  until?: Instant
  /** How far outside the incident (impact_started … resolved) events are still taken, ms. */
  margin: number
  /** Replace key times and metrics the record already has. */
  overwrite: boolean
  /** At most this many samples per metric. */
  maxPoints: number
}

/** An event as it will be written into the record. */
export interface WrittenEvent {
  at: string
  kind: string
  text: string
  actor?: string
  source?: { title: string; url: string }
  public_text?: string
}

/** A key time the import sets, or would set but keeps. */
export interface TimestampChange {
  key: FillableTimestamp
  value: string
  previous?: string
  action: 'set' | 'kept' | 'same'
}

/** What happens to one imported metric. */
export interface MetricChange {
  name: string
  /** Samples written, and samples read (after since/until). */
  points: number
  of: number
  action: 'added' | 'replaced' | 'kept' | 'same' | 'empty'
}

/** The merge plan: edits for the record file and a report of every decision. */
export interface MergePlan {
  edits: RecordEdit[]
  added: Array<WrittenEvent & { origin: string }>
  timestamps: TimestampChange[]
  metrics: MetricChange[]
  skipped: SkippedItem[]
}

const fillOrder: FillableTimestamp[] = ['detected', 'acknowledged', 'resolved']

/** Plans the merge of a parsed source into a validated record. */
export function planMerge(incident: Incident, source: SourceResult, options: MergeOptions): MergePlan {
  const style = recordTimeStyle(incident.written)
  const plan: MergePlan = {
    edits: [],
    added: [],
    timestamps: [],
    metrics: [],
    skipped: source.skipped.map((s) => ({ ...s })),
  }
  const kept = keepInWindow(incident, source.events, options, plan.skipped)
  planEvents(incident, kept, style, plan)
  planTimestamps(incident, kept, style, options, plan)
  planMetrics(incident, source, style, options, plan)
  for (const item of plan.skipped) if (item.at !== undefined) item.time = formatTime(item.at, style)
  return plan
}

function keepInWindow(
  incident: Incident,
  events: readonly ImportedEvent[],
  options: MergeOptions,
  skipped: SkippedItem[],
): ImportedEvent[] {
  const { impact_started, resolved, impact_ended } = incident.timestamps
  const end = Math.max(resolved ?? -Infinity, impact_ended ?? -Infinity)
  const hours = `${Math.round((options.margin / 3_600_000) * 10) / 10} h`
  const kept: ImportedEvent[] = []
  for (const original of [...events].sort((a, b) => a.at - b.at)) {
    const event = { ...original, at: Math.floor(original.at / 1000) * 1000 }
    const skip = (reason: SkippedItem['reason'], detail: string) =>
      skipped.push({ reason, origin: event.origin, at: event.at, text: event.text, detail })
    if (options.since !== undefined && event.at < options.since) skip('before-since', 'before --since')
    else if (options.until !== undefined && event.at > options.until) skip('after-until', 'after --until')
    else if (options.since === undefined && event.at < impact_started - options.margin)
      skip('outside-window', `more than ${hours} before impact started`)
    else if (options.until === undefined && end > -Infinity && event.at > end + options.margin)
      skip('outside-window', `more than ${hours} after the incident was resolved`)
    else kept.push(event)
  }
  return kept
}

function planEvents(incident: Incident, events: readonly ImportedEvent[], style: TimeStyle, plan: MergePlan) {
  const seen = new Set(incident.timeline.map((e) => `${e.at}\u0000${e.text}`))
  const timeline = incident.timeline
  // Groups of new events by the index of the existing event they go before.
  const groups = new Map<number, WrittenEvent[]>()
  for (const event of events) {
    const key = `${event.at}\u0000${event.text}`
    if (seen.has(key)) {
      plan.skipped.push({
        reason: 'duplicate',
        origin: event.origin,
        at: event.at,
        text: event.text,
        detail: 'already in the timeline',
      })
      continue
    }
    seen.add(key)
    const written: WrittenEvent = {
      at: formatTime(event.at, style),
      kind: event.kind,
      text: event.text,
      ...(event.actor && { actor: event.actor }),
      ...(event.source && { source: event.source }),
      ...(event.public_text && { public_text: event.public_text }),
    }
    plan.added.push({ ...written, origin: event.origin })
    const index = upperBound(timeline, event.at)
    groups.set(index, [...(groups.get(index) ?? []), written])
  }
  let inserted = 0
  for (const [index, items] of [...groups].sort((a, b) => a[0] - b[0])) {
    plan.edits.push({ op: 'insert', path: ['timeline', index + inserted], items })
    inserted += items.length
  }
}

/** The number of events at or before `at` (the timeline is sorted: the validator says so). */
function upperBound(timeline: ReadonlyArray<{ at: Instant }>, at: Instant): number {
  let [lo, hi] = [0, timeline.length]
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (timeline[mid]!.at <= at) lo = mid + 1
    else hi = mid
  }
  return lo
}

function planTimestamps(
  incident: Incident,
  events: readonly ImportedEvent[],
  style: TimeStyle,
  options: MergeOptions,
  plan: MergePlan,
) {
  for (const key of fillOrder) {
    const first = events.find((e) => e.fills === key)
    if (!first) continue
    const value = formatTime(first.at, style)
    const previous = incident.written.timestamps[key]
    if (previous === undefined) {
      plan.timestamps.push({ key, value, action: 'set' })
      plan.edits.push({ op: 'set', path: ['timestamps', key], value })
    } else if (incident.timestamps[key] === first.at)
      plan.timestamps.push({ key, value, previous, action: 'same' })
    else if (options.overwrite) {
      plan.timestamps.push({ key, value, previous, action: 'set' })
      plan.edits.push({ op: 'set', path: ['timestamps', key], value })
    } else {
      plan.timestamps.push({ key, value, previous, action: 'kept' })
      plan.skipped.push({
        reason: 'timestamp-set',
        origin: first.origin,
        at: first.at,
        detail: `timestamps.${key} is already ${previous}; --overwrite replaces it with ${value}`,
      })
    }
  }
}

function planMetrics(
  incident: Incident,
  source: SourceResult,
  style: TimeStyle,
  options: MergeOptions,
  plan: MergePlan,
) {
  const existing = incident.written.metrics ?? []
  const added: unknown[] = []
  for (const metric of source.metrics) {
    const inRange = metric.points.filter(
      (p) =>
        (options.since === undefined || p.at >= options.since) &&
        (options.until === undefined || p.at <= options.until),
    )
    const series = downsample(inRange, options.maxPoints).map((p) => ({
      at: formatTime(p.at, style),
      value: p.value,
    }))
    const change: MetricChange = {
      name: metric.name,
      points: series.length,
      of: inRange.length,
      action: 'added',
    }
    plan.metrics.push(change)
    if (series.length === 0) {
      change.action = 'empty'
      continue
    }
    const index = existing.findIndex((m) => m.name === metric.name)
    if (index === -1) {
      added.push({ name: metric.name, unit: metric.unit, series })
      continue
    }
    const old = existing[index]!
    const same = isDeepStrictEqual(
      old.series.map((p) => ({ at: p.at, value: p.value })),
      series,
    )
    if (same && old.unit === metric.unit) change.action = 'same'
    else if (!options.overwrite) {
      change.action = 'kept'
      plan.skipped.push({
        reason: 'metric-exists',
        origin: metric.origin,
        detail: `the record already has a metric \`${metric.name}\`; --overwrite replaces its samples`,
      })
    } else {
      change.action = 'replaced'
      if (!same) plan.edits.push({ op: 'set', path: ['metrics', index, 'series'], value: series })
      if (old.unit !== metric.unit)
        plan.edits.push({ op: 'set', path: ['metrics', index, 'unit'], value: metric.unit })
    }
  }
  if (added.length > 0) plan.edits.push({ op: 'append', path: ['metrics'], items: added })
}

/**
 * At most `max` samples, peaks kept: the samples are cut into `max / 2` buckets of equal count, and the
 * lowest and the highest sample of each bucket are kept, in time order (one bucket, its highest, when
 * `max` is 1). Highs and lows survive where plain averaging or every-nth sampling would lose them.
 */
export function downsample<P extends { value: number }>(points: readonly P[], max: number): P[] {
  if (points.length <= max) return [...points]
  const pick = (from: number, to: number, highOnly: boolean) => {
    let [lo, hi] = [from, from]
    for (let i = from; i < to; i++) {
      if (points[i]!.value < points[lo]!.value) lo = i
      if (points[i]!.value > points[hi]!.value) hi = i
    }
    return highOnly || lo === hi ? [hi] : [Math.min(lo, hi), Math.max(lo, hi)]
  }
  if (max < 2) return pick(0, points.length, true).map((i) => points[i]!)
  const buckets = Math.floor(max / 2)
  const out: P[] = []
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * points.length) / buckets)
    const to = Math.floor(((b + 1) * points.length) / buckets)
    for (const i of pick(from, to, false)) out.push(points[i]!)
  }
  return out
}
