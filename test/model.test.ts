import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { actionItemHealth, dueDay, isOverdue } from '../src/model/action-items.js'
import { communications } from '../src/model/communications.js'
import { durations } from '../src/model/durations.js'
import { budgetMinutes, errorBudget, windowMinutes } from '../src/model/error-budget.js'
import { deriveFigures } from '../src/model/figures.js'
import { distribution, summarize } from '../src/model/rollups.js'
import type { Incident, KeyTimes, TimelineEvent } from '../src/validate/normalize.js'
import type { Config } from '../src/validate/schema.js'
import { defaultConfig } from '../src/validate/schema.js'

const minute = 60_000
const t0 = Date.UTC(2025, 0, 22, 20, 3) // 12:03 PST
const config: Config = { ...defaultConfig(), slos: { api: { target: 99.9, window: '30d' } } }

function times(partial: Partial<KeyTimes>): KeyTimes {
  return {
    impact_started: t0,
    detected: t0,
    acknowledged: null,
    cause_identified: null,
    mitigated: null,
    resolved: null,
    impact_ended: null,
    ...partial,
  }
}

function event(
  offsetMinutes: number,
  kind: TimelineEvent['kind'],
  extra: Partial<TimelineEvent> = {},
): TimelineEvent {
  return { at: t0 + offsetMinutes * minute, kind, text: 'x', ...extra }
}

/** A minimal incident for model tests: only what the figures read. */
function incident(partial: Partial<Incident>): Incident {
  return {
    id: 'x',
    title: 'x',
    status: 'published',
    visibility: 'public',
    type: 'outage',
    severity: 'SEV1',
    summary: 'x',
    file: 'x.yaml',
    timezone: 'UTC',
    timezone_set: false,
    timestamps: times({}),
    timeline: [],
    metrics: [],
    services: [],
    written: {} as Incident['written'],
    ...partial,
  }
}

describe('durations', () => {
  it('follow the formulas of SPEC §4', () => {
    const d = durations({
      timestamps: times({
        detected: t0 + 5 * minute,
        acknowledged: t0 + 9 * minute,
        mitigated: t0 + 60 * minute,
        resolved: t0 + 90 * minute,
        impact_ended: t0 + 80 * minute,
      }),
    })
    expect(d).toEqual({
      time_to_detect: 5 * minute,
      time_to_acknowledge: 4 * minute,
      time_to_mitigate: 60 * minute,
      time_to_resolve: 90 * minute,
      impact_duration: 80 * minute,
    })
  })

  it('are null, never NaN or negative, when an input is missing', () => {
    const d = durations({ timestamps: times({}) })
    expect(d.time_to_acknowledge).toBeNull()
    expect(d.time_to_resolve).toBeNull()
    expect(d.impact_duration).toBeNull()
  })

  it('are never negative or NaN for any instants (property)', () => {
    const instant = fc.option(fc.integer({ min: 0, max: 4e12 }), { nil: null })
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        instant,
        instant,
        instant,
        instant,
        instant,
        (start, det, ack, mit, res, end) => {
          const d = durations({
            timestamps: times({
              impact_started: start,
              detected: det ?? start,
              acknowledged: ack,
              mitigated: mit,
              resolved: res,
              impact_ended: end,
            }),
          })
          for (const v of Object.values(d)) expect(v === null || (Number.isFinite(v) && v >= 0)).toBe(true)
        },
      ),
    )
  })
})

describe('communications', () => {
  it('one update at 12:47 and resolved at 15:47 give a 3 h gap (SPEC §4)', () => {
    const c = communications({
      timestamps: times({ resolved: t0 + 224 * minute }),
      timeline: [event(0, 'detect'), event(44, 'communicate')],
    })
    expect(c).toEqual({ first_update_after_detect: 44 * minute, longest_gap: 180 * minute })
  })

  it('ignore internal updates and take the longest silence among several', () => {
    const c = communications({
      timestamps: times({ resolved: t0 + 100 * minute }),
      timeline: [
        event(10, 'communicate'),
        event(15, 'communicate', { visibility: 'internal' }),
        event(30, 'communicate'),
        event(80, 'communicate'),
      ],
    })
    expect(c).toEqual({ first_update_after_detect: 10 * minute, longest_gap: 50 * minute })
  })

  it('count a first update after resolution, with no gap to measure', () => {
    const c = communications({
      timestamps: times({ resolved: t0 + 60 * minute }),
      timeline: [event(70, 'communicate')],
    })
    expect(c).toEqual({ first_update_after_detect: 70 * minute, longest_gap: null })
  })

  it('are null without public updates or without resolution', () => {
    expect(communications({ timestamps: times({ resolved: t0 + minute }), timeline: [] })).toEqual({
      first_update_after_detect: null,
      longest_gap: null,
    })
    expect(
      communications({ timestamps: times({}), timeline: [event(5, 'communicate')] }).longest_gap,
    ).toBeNull()
  })
})

describe('error budget', () => {
  it('reads windows and budgets', () => {
    expect(windowMinutes('30d')).toBe(43_200)
    expect(windowMinutes('12h')).toBe(720)
    expect(budgetMinutes({ target: 99.9, window: '30d' })).toBeCloseTo(43.2, 9)
  })

  it('burns 555.6 % for 240 bad minutes against 99.9 % over 30 days (SPEC §4)', () => {
    const burn = errorBudget(
      {
        impact: { slo: [{ id: 'api' }] },
        timestamps: times({ resolved: t0 + 240 * minute, impact_ended: t0 + 240 * minute }),
      },
      config,
    )
    expect(burn).toHaveLength(1)
    expect(burn[0]!.bad_minutes).toBe(240)
    expect(burn[0]!.burn_percent!.toFixed(1)).toBe('555.6')
  })

  it('uses bad_minutes when the record gives them, and skips SLOs the config lacks', () => {
    const burn = errorBudget(
      {
        impact: { slo: [{ id: 'api', bad_minutes: 21.6 }, { id: 'other' }] },
        timestamps: times({ resolved: t0 + 240 * minute }),
      },
      config,
    )
    expect(burn).toEqual([{ slo: 'api', bad_minutes: 21.6, burn_percent: expect.closeTo(50, 9) as number }])
  })
})

describe('action items', () => {
  const resolved = Date.UTC(2025, 0, 1, 18, 0)
  const base = { type: 'prevent', priority: 'P1', title: 't' } as const
  const record = incident({
    severity: 'SEV1',
    timestamps: times({ resolved }),
    action_items: [
      { ...base, id: 'AI-1', status: 'open', due: '2025-01-10' },
      { ...base, id: 'AI-2', status: 'in_progress' },
      { ...base, id: 'AI-3', status: 'done' },
      { ...base, id: 'AI-4', status: 'not_doing', not_doing_reason: 'r' },
    ],
  })

  it('derive a due day from the policy when none is set (SEV1: resolved + 15 days)', () => {
    expect(dueDay(record.action_items![1]!, record, config)).toBe(Date.UTC(2025, 0, 16))
    expect(dueDay(record.action_items![0]!, record, config)).toBe(Date.UTC(2025, 0, 10))
  })

  it('are overdue only after their due day has ended, at the reference time', () => {
    const item = record.action_items![0]!
    expect(isOverdue(item, record, config, Date.UTC(2025, 0, 10, 23, 59))).toBe(false)
    expect(isOverdue(item, record, config, Date.UTC(2025, 0, 11))).toBe(true)
  })

  it('count by status with a completion percent', () => {
    expect(actionItemHealth(record, config, Date.UTC(2025, 0, 12))).toEqual({
      total: 4,
      open: 2,
      in_progress: 1,
      done: 1,
      not_doing: 1,
      overdue: 1,
      completion_percent: (1 / 3) * 100,
    })
  })
})

describe('roll-ups', () => {
  it('compute mean, median and nearest-rank p90', () => {
    expect(distribution([10, null, 20, 30, 40])).toEqual({ count: 4, mean: 25, median: 25, p90: 40 })
    expect(distribution([5, 1, 3])).toEqual({ count: 3, mean: 3, median: 3, p90: 5 })
    expect(distribution(Array.from({ length: 10 }, (_, i) => i + 1)).p90).toBe(9)
    expect(distribution([null])).toEqual({ count: 0, mean: null, median: null, p90: null })
  })

  it('give what sorting an array of the values gives', () => {
    const reference = (values: Array<number | null>) => {
      const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b)
      const n = xs.length
      if (n === 0) return { count: 0, mean: null, median: null, p90: null }
      const mid = Math.floor(n / 2)
      return {
        count: n,
        mean: xs.reduce((a, b) => a + b, 0) / n,
        median: n % 2 === 1 ? xs[mid] : (xs[mid - 1]! + xs[mid]!) / 2,
        p90: xs[Math.ceil(0.9 * n) - 1],
      }
    }
    // Note: durations are whole milliseconds (differences of timestamps), sometimes unknown.
    const duration = fc.oneof(fc.integer({ min: -86_400_000, max: 864_000_000 }), fc.constant(null))
    fc.assert(
      fc.property(fc.array(duration, { maxLength: 300 }), (values) => {
        expect(distribution(values)).toEqual(reference(values))
      }),
      { numRuns: 2000 },
    )
  })

  it('count by severity, service and month, sum impact, and put budget burn in windows', () => {
    const at = Date.UTC(2025, 2, 1)
    const a = incident({
      id: 'a',
      severity: 'SEV1',
      services: [{ id: 'api' }, { id: 'web' }],
      impact: { slo: [{ id: 'api' }] },
      timestamps: times({ resolved: t0 + 60 * minute, impact_ended: t0 + 60 * minute }),
    })
    const b = incident({
      id: 'b',
      severity: 'SEV2',
      services: [{ id: 'api' }],
      impact: { slo: [{ id: 'api', bad_minutes: 43.2 }] },
      timestamps: times({
        impact_started: Date.UTC(2025, 1, 20),
        detected: Date.UTC(2025, 1, 20),
        resolved: Date.UTC(2025, 1, 20, 0, 30),
        impact_ended: Date.UTC(2025, 1, 20, 0, 30),
      }),
    })
    const items = [a, b].map((i) => ({ incident: i, figures: deriveFigures(i, config, at) }))
    const r = summarize(items, config, at)
    expect(r.incidents).toBe(2)
    expect(r.by_severity).toEqual({ SEV1: 1, SEV2: 1, SEV3: 0, SEV4: 0 })
    expect(r.by_service).toEqual({ api: 2, web: 1 })
    expect(r.by_month).toEqual({ '2025-01': 1, '2025-02': 1 })
    expect(r.impact_minutes_by_service).toEqual({ api: 90, web: 60 })
    expect(r.durations.time_to_resolve).toEqual({
      count: 2,
      mean: 45 * minute,
      median: 45 * minute,
      p90: 60 * minute,
    })
    // Windows of 30 days back from 1 March: b (20 Feb) is in the current one, a (22 Jan) in the second.
    const slo = r.error_budget[0]!
    expect(slo.windows.map((w) => [w.incidents, Math.round(w.burn_percent * 10) / 10])).toEqual([
      [['b'], 100],
      [['a'], 138.9],
    ])
  })
})
