import { describe, expect, it } from 'vitest'
import { editRecordText } from '../../src/load/edit-record.js'
import { parseSource } from '../../src/load/parse-source.js'
import type { MergeOptions } from '../../src/import/merge.js'
import { planMerge } from '../../src/import/merge.js'
import type { ImportedEvent, SourceResult } from '../../src/import/source.js'
import { formatTime, recordTimeStyle } from '../../src/import/time-style.js'
import type { Incident } from '../../src/validate/normalize.js'
import { defaultConfig } from '../../src/validate/schema.js'
import { validateSource } from '../../src/validate/validate-incident.js'

const record = `# A record with comments: the import must leave these lines alone.
id: 2025-03-01-checkout
title: Checkout errors
status: draft
severity: SEV2
timestamps:
  impact_started: 2025-03-01T10:00:00Z
  detected: 2025-03-01T10:04:00Z # paged
summary: Checkout failed.
timeline:
  # Times are UTC.
  - at: 2025-03-01T10:00:00Z
    kind: trigger
    text: Config push   # from the deploy log

  - at: 2025-03-01T10:04:00Z
    kind: detect
    text: Checkout error rate alert fired.
# The end.
`

function incidentOf(text: string): Incident {
  const result = validateSource(parseSource(Buffer.from(text), '2025-03-01-checkout.yaml'), {
    config: defaultConfig(),
    at: Date.UTC(2025, 5, 1),
  })
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return result.incident!
}

const utc = (time: string) => Date.parse(`2025-03-01T${time}Z`)
const event = (time: string, text: string, extra: Partial<ImportedEvent> = {}): ImportedEvent => ({
  at: utc(time),
  kind: 'note',
  text,
  origin: `line ${text}`,
  ...extra,
})
const source = (events: ImportedEvent[], metrics: SourceResult['metrics'] = []): SourceResult => ({
  events,
  metrics,
  skipped: [],
  diagnostics: [],
})
const options: MergeOptions = { margin: 3_600_000, overwrite: false, maxPoints: 200 }

describe('planMerge: events', () => {
  it('inserts events in order after those at the same instant, drops duplicates, and keeps every other byte', () => {
    const plan = planMerge(
      incidentOf(record),
      source([
        event('10:04:00', 'B'),
        event('10:02:30.750', 'A'),
        event('10:04:00', 'Checkout error rate alert fired.', { kind: 'detect' }),
        event('09:59:00', 'early', { actor: 'ci-bot', source: { title: 'CI', url: 'https://ci.test/1' } }),
        event('10:02:30', 'A'),
      ]),
      options,
    )
    expect(plan.edits).toEqual([
      {
        op: 'insert',
        path: ['timeline', 0],
        items: [
          {
            at: '2025-03-01T09:59:00Z',
            kind: 'note',
            text: 'early',
            actor: 'ci-bot',
            source: { title: 'CI', url: 'https://ci.test/1' },
          },
        ],
      },
      {
        op: 'insert',
        path: ['timeline', 2],
        items: [{ at: '2025-03-01T10:02:30Z', kind: 'note', text: 'A' }],
      },
      {
        op: 'insert',
        path: ['timeline', 4],
        items: [{ at: '2025-03-01T10:04:00Z', kind: 'note', text: 'B' }],
      },
    ])
    expect(plan.skipped.map((s) => [s.reason, s.origin, s.time])).toEqual([
      ['duplicate', 'line A', '2025-03-01T10:02:30Z'],
      ['duplicate', 'line Checkout error rate alert fired.', '2025-03-01T10:04:00Z'],
    ])
    const { text } = editRecordText(record, plan.edits)
    expect(text).toBe(`# A record with comments: the import must leave these lines alone.
id: 2025-03-01-checkout
title: Checkout errors
status: draft
severity: SEV2
timestamps:
  impact_started: 2025-03-01T10:00:00Z
  detected: 2025-03-01T10:04:00Z # paged
summary: Checkout failed.
timeline:
  # Times are UTC.
  - at: 2025-03-01T09:59:00Z
    kind: note
    text: early
    actor: ci-bot
    source:
      title: CI
      url: https://ci.test/1
  - at: 2025-03-01T10:00:00Z
    kind: trigger
    text: Config push   # from the deploy log

  - at: 2025-03-01T10:02:30Z
    kind: note
    text: A
  - at: 2025-03-01T10:04:00Z
    kind: detect
    text: Checkout error rate alert fired.
  - at: 2025-03-01T10:04:00Z
    kind: note
    text: B
# The end.
`)
    // Merging the same source into the result plans nothing.
    const again = planMerge(
      incidentOf(text),
      source([event('10:04:00', 'B'), event('09:59:00', 'early')]),
      options,
    )
    expect(again.edits).toEqual([])
    expect(again.skipped.map((s) => s.reason)).toEqual(['duplicate', 'duplicate'])
  })

  it('skips events outside the incident window plus the margin, or outside --since/--until, and says so', () => {
    const resolved = record.replace('# paged\n', '# paged\n  resolved: 2025-03-01T11:00:00Z\n')
    const events = [
      event('08:59:00', 'too early'),
      event('09:01:00', 'in margin'),
      event('12:01:00', 'too late'),
    ]
    const plan = planMerge(incidentOf(resolved), source(events), options)
    expect(plan.added.map((e) => e.text)).toEqual(['in margin'])
    expect(plan.skipped.map((s) => [s.reason, s.text, s.detail])).toEqual([
      ['outside-window', 'too early', 'more than 1 h before impact started'],
      ['outside-window', 'too late', 'more than 1 h after the incident was resolved'],
    ])
    const bounded = planMerge(incidentOf(resolved), source(events), {
      ...options,
      since: utc('09:00:00'),
      until: utc('13:00:00'),
    })
    expect(bounded.added.map((e) => e.text)).toEqual(['in margin', 'too late'])
    expect(bounded.skipped.map((s) => [s.reason, s.text])).toEqual([['before-since', 'too early']])
    // A record without `resolved` has no end to its window.
    expect(planMerge(incidentOf(record), source(events), options).added.map((e) => e.text)).toEqual([
      'in margin',
      'too late',
    ])
  })
})

describe('planMerge: key times', () => {
  const paged = [
    event('10:03:00', 'Triggered', { kind: 'detect', fills: 'detected' }),
    event('10:06:00', 'Acknowledged', { kind: 'escalate', fills: 'acknowledged' }),
    event('10:09:00', 'Acknowledged again', { kind: 'escalate', fills: 'acknowledged' }),
  ]

  it('fills empty key times from the first event of their sort, and keeps set ones', () => {
    const plan = planMerge(incidentOf(record), source(paged), options)
    expect(plan.timestamps).toEqual([
      { key: 'detected', value: '2025-03-01T10:03:00Z', previous: '2025-03-01T10:04:00Z', action: 'kept' },
      { key: 'acknowledged', value: '2025-03-01T10:06:00Z', action: 'set' },
    ])
    expect(plan.edits.filter((e) => e.path[0] === 'timestamps')).toEqual([
      { op: 'set', path: ['timestamps', 'acknowledged'], value: '2025-03-01T10:06:00Z' },
    ])
    expect(plan.skipped.map((s) => [s.reason, s.detail])).toEqual([
      [
        'timestamp-set',
        'timestamps.detected is already 2025-03-01T10:04:00Z; --overwrite replaces it with 2025-03-01T10:03:00Z',
      ],
    ])
    const text = editRecordText(record, plan.edits).text
    expect(text).toContain(
      '  detected: 2025-03-01T10:04:00Z # paged\n  acknowledged: 2025-03-01T10:06:00Z\nsummary:',
    )
  })

  it('replaces set key times with --overwrite, and reports equal ones as the same', () => {
    const plan = planMerge(incidentOf(record), source(paged), { ...options, overwrite: true })
    expect(plan.edits.filter((e) => e.path[0] === 'timestamps')).toEqual([
      { op: 'set', path: ['timestamps', 'detected'], value: '2025-03-01T10:03:00Z' },
      { op: 'set', path: ['timestamps', 'acknowledged'], value: '2025-03-01T10:06:00Z' },
    ])
    const same = planMerge(
      incidentOf(record),
      source([event('10:04:00', 'T', { fills: 'detected' })]),
      options,
    )
    expect(same.timestamps.map((t) => t.action)).toEqual(['same'])
  })
})

describe('planMerge: metrics', () => {
  const points = Array.from({ length: 10 }, (_, i) => ({ at: utc(`10:0${i}:00`), value: i === 6 ? 50 : i }))
  const metric = { name: 'errors', unit: '%', points, origin: '$.data.result[0]' }

  it('adds a new metric, down-sampled within --since/--until, and plans nothing when it is already there', () => {
    const plan = planMerge(incidentOf(record), source([], [metric]), {
      ...options,
      maxPoints: 4,
      since: utc('10:01:00'),
    })
    expect(plan.metrics).toEqual([{ name: 'errors', points: 4, of: 9, action: 'added' }])
    const series = [
      { at: '2025-03-01T10:01:00Z', value: 1 },
      { at: '2025-03-01T10:04:00Z', value: 4 },
      { at: '2025-03-01T10:05:00Z', value: 5 },
      { at: '2025-03-01T10:06:00Z', value: 50 },
    ]
    expect(plan.edits).toEqual([
      { op: 'append', path: ['metrics'], items: [{ name: 'errors', unit: '%', series }] },
    ])
    const text = editRecordText(record, plan.edits).text
    expect(text).toContain(
      'metrics:\n  - name: errors\n    unit: "%"\n    series:\n      - at: 2025-03-01T10:01:00Z\n',
    )
    const again = planMerge(incidentOf(text), source([], [metric]), {
      ...options,
      maxPoints: 4,
      since: utc('10:01:00'),
    })
    expect(again.edits).toEqual([])
    expect(again.metrics.map((m) => m.action)).toEqual(['same'])
    // Other samples for a metric the record has: kept, unless --overwrite.
    const other = planMerge(incidentOf(text), source([], [metric]), options)
    expect(other.metrics.map((m) => m.action)).toEqual(['kept'])
    expect(other.skipped.map((s) => s.reason)).toEqual(['metric-exists'])
    const replaced = planMerge(incidentOf(text), source([], [metric]), { ...options, overwrite: true })
    expect(replaced.metrics.map((m) => m.action)).toEqual(['replaced'])
    expect(replaced.edits.map((e) => [e.op, e.path])).toEqual([['set', ['metrics', 0, 'series']]])
  })
})

describe('record time style', () => {
  const instant = Date.UTC(2025, 0, 22, 20, 47, 5, 900)

  it('writes times the way the record writes its own', () => {
    const la = { timezone: 'America/Los_Angeles', timeline: [{ at: '2025-01-22T12:03:00-08:00' }] }
    expect(formatTime(instant, recordTimeStyle(la))).toBe('2025-01-22T12:47:05-08:00')
    // The zone's offset at that instant: summer time in July.
    expect(formatTime(Date.UTC(2025, 6, 1, 19), recordTimeStyle(la))).toBe('2025-07-01T12:00:00-07:00')
    const berlin = { timezone: 'Europe/Berlin', timeline: [{ at: '2025-09-14T02:00:00' }] }
    expect(formatTime(instant, recordTimeStyle(berlin))).toBe('2025-01-22T21:47:05')
    const london = { timezone: 'Europe/London', timeline: [{ at: '2025-06-03T01:18:00Z' }, { at: 'x' }] }
    expect(formatTime(instant, recordTimeStyle(london))).toBe('2025-01-22T20:47:05Z')
    const india = { timeline: [{ at: '2025-01-22T10:00:00+05:30' }] }
    expect(formatTime(instant, recordTimeStyle(india))).toBe('2025-01-23T02:17:05+05:30')
    // No timeline: the key times decide; nothing at all: the zone's offsets, else UTC.
    expect(recordTimeStyle({ timestamps: { detected: '2025-01-22T12:03:00' }, timezone: 'UTC' })).toEqual({
      kind: 'local',
      zone: 'UTC',
    })
    expect(recordTimeStyle({ timezone: 'Asia/Tokyo' })).toEqual({ kind: 'zone', zone: 'Asia/Tokyo' })
    expect(recordTimeStyle({})).toEqual({ kind: 'utc' })
  })

  it('gives a local time its offset where DST makes it ambiguous', () => {
    const style = { kind: 'local', zone: 'America/New_York' } as const
    // 2025-11-02 01:30 happens twice in New York: at 05:30Z (EDT) and 06:30Z (EST).
    const first = formatTime(Date.UTC(2025, 10, 2, 5, 30), style)
    const second = formatTime(Date.UTC(2025, 10, 2, 6, 30), style)
    // The validator reads the bare local time as the first of the two; the second gets its offset.
    expect([first, second]).toEqual(['2025-11-02T01:30:00', '2025-11-02T01:30:00-05:00'])
    expect(formatTime(Date.UTC(2025, 10, 2, 12), style)).toBe('2025-11-02T07:00:00')
  })
})
