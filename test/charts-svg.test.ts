import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExample } from './helpers/example.js'
import { attributes, expectWellFormedSvg } from './helpers/svg-checks.js'
import { barChartSvg, lineChartSvg, stackedColumnsSvg } from '../src/site/bar-chart-svg.js'
import { chartCss } from '../src/site/chart-style.js'
import { el } from '../src/site/svg.js'
import { metricChartSvg, metricTable, spellsBeyond } from '../src/site/metric-chart-svg.js'
import type { Incident, Metric } from '../src/validate/normalize.js'

let example: Incident

beforeAll(async () => {
  example = await loadExample()
})

const pt = (hhmm: string, day = 22) => Date.parse(`2025-01-${day}T${hhmm}:00-08:00`)
const metricNamed = (name: string) => example.metrics.find((m) => m.name === name)!
const hostile = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'evil\u202Egnp.exe', "a'b&c"]
const hour = 3_600_000

/**
 * Checks, without an XML parser, that the output is one well-formed, self-contained SVG whose record
 * text stayed text: strict tags that balance, text without `<`/`>` and only the entities `escapeXml`
 * writes, no script, no event handlers, no references out, no bidi overrides and no NaN.
 */
function expectSafe(svg: string): void {
  expect(svg.match(/<svg/g)).toHaveLength(1)
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
  expectWellFormedSvg(svg)
  expect(svg).not.toMatch(/<script|<foreignObject|<image|<img|<use|<a |xlink:|href=|@import|url\(/i)
  expect(attributes(svg).filter(([name]) => /^on/i.test(name))).toEqual([])
  expect(svg).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/)
  expect(svg).not.toContain('NaN')
  expect(svg).not.toContain('Infinity')
}

/** The SVG without its stylesheet, which names every class. */
function drawing(svg: string): string {
  return svg.replace(/<style>[^<]*<\/style>/, '')
}

/** The `<desc>` text, unescaped enough to read. */
function descOf(svg: string): string {
  return /<desc id="[^"]+">([^<]*)<\/desc>/.exec(svg)![1]!.replace(/&amp;/g, '&')
}

/** The texts of `<text>` elements inside the first `<g class="…name…">`. */
function textsIn(svg: string, className: string): string[] {
  const start = svg.indexOf(`<g class="${className}"`)
  expect(start, className).toBeGreaterThanOrEqual(0)
  let depth = 0
  let end = start
  for (const m of svg.slice(start).matchAll(/<(\/?)g[\s>]/g)) {
    depth += m[1] ? -1 : 1
    if (depth === 0) {
      end = start + m.index
      break
    }
  }
  return [...svg.slice(start, end).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)
}

function labelledBy(svg: string): void {
  const ids = /aria-labelledby="([^"]+)"/.exec(svg)![1]!.split(' ')
  expect(ids).toHaveLength(2)
  expect(svg).toContain(`<title id="${ids[0]}">`)
  expect(svg).toContain(`<desc id="${ids[1]}">`)
  expect(svg).toContain('role="img"')
}

describe('metricChartSvg: the §9 example', () => {
  let pool: string
  beforeAll(() => {
    pool = metricChartSvg(metricNamed('db_pool_utilisation'), example)
  })

  it('is one safe, well-formed SVG labelled by its title and description', () => {
    for (const metric of example.metrics) expectSafe(metricChartSvg(metric, example))
    labelledBy(pool)
    const id = 'pm-metric-2025-01-22-connection-pool-exhaustion-db_pool_utilisation'
    expect(pool).toContain(`aria-labelledby="${id}-title ${id}-desc"`)
    expect(pool).toContain(`<title id="${id}-title">db_pool_utilisation (%)</title>`)
  })

  it('describes baseline, peak, threshold and the time above it', () => {
    const desc = descOf(pool)
    expect(desc).toContain('db_pool_utilisation in %, 21 samples from 11:45 to 16:15 on 22 January 2025')
    expect(desc).toContain('(America/Los_Angeles)')
    expect(desc).toContain('Baseline 40 %.')
    expect(desc).toContain('Peak 100 % at 12:42.')
    // 76 → 82 between 12:03 and 12:10 crosses 80 at 12:07:40; 100 → 0 between 13:30 and 13:45 at 13:33.
    expect(desc).toContain('Threshold 80 %: above it for 1h 25m, from 12:07 to 13:33.')
    expect(desc).toContain('Marked: detected 12:03, mitigated 15:02, resolved 15:47.')
    expect(descOf(metricChartSvg(metricNamed('api_latency_p99'), example))).toContain(
      'Peak 5,000 ms at 12:31.',
    )
  })

  it('labels the time axis in Pacific time', () => {
    const ticks = textsIn(pool, 'pm-axis pm-axis-x')
    expect(ticks).toEqual(['12:00', '12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00'])
    const narrow = metricChartSvg(metricNamed('db_pool_utilisation'), example, { width: 480 })
    expect(textsIn(narrow, 'pm-axis pm-axis-x')).toEqual(['12:00', '13:00', '14:00', '15:00', '16:00'])
  })

  it('labels the y axis on round values, with the unit', () => {
    expect(textsIn(pool, 'pm-axis pm-axis-y')).toEqual(['0', '20', '40', '60', '80', '100'])
    expect(pool).toContain('class="pm-unit pm-muted">%</text>')
    expect(textsIn(metricChartSvg(metricNamed('api_latency_p99'), example), 'pm-axis pm-axis-y')).toContain(
      '5,000',
    )
  })

  it('draws and labels the baseline, the threshold, the peak and the key moments', () => {
    expect(pool).toMatch(/<line class="pm-baseline"/)
    expect(pool).toMatch(/<line class="pm-threshold"/)
    expect(pool).toContain('>threshold 80 %</text>')
    expect(pool).toContain('>baseline 40 %</text>')
    expect(pool.match(/<circle class="pm-peak"/g)).toHaveLength(1)
    expect(pool).toContain('>peak 100 % at 12:42</text>')
    expect(textsIn(pool, 'pm-markers')).toEqual(['detected 12:03', 'mitigated 15:02', 'resolved 15:47'])
    expect(pool.match(/<line class="pm-marker"/g)).toHaveLength(3)
  })

  it('labels in the key what does not fit on its line', () => {
    // The error rate's baseline (0.1 %) and threshold (1 %) lie within 2 px of each other.
    const svg = metricChartSvg(metricNamed('error_rate'), example)
    expect(svg).toContain('>threshold 1 %</text>')
    expect(textsIn(svg, 'pm-chart-key')).toEqual(['baseline 0.1 %'])
    expect(textsIn(pool, 'pm-chart-key')).toEqual([])
  })

  it('leaves out baseline and threshold lines the record does not give', () => {
    const { baseline: _b, threshold: _t, ...bare } = metricNamed('db_pool_utilisation')
    const svg = metricChartSvg(bare, example)
    expect(drawing(svg)).not.toMatch(/pm-baseline|pm-threshold/)
    expect(descOf(svg)).not.toMatch(/Baseline|Threshold/)
    expect(descOf(svg)).toContain('Peak 100 % at 12:42.')
    expectSafe(svg)
  })

  it('shades the phases on request, with a key', () => {
    const svg = metricChartSvg(metricNamed('error_rate'), example, { phases: true })
    for (const phase of ['acknowledge', 'mitigate', 'resolve'])
      expect(svg).toContain(`<g class="pm-phase pm-phase-${phase}">`)
    // The detect phase lasted 0m: no band.
    expect(drawing(svg)).not.toContain('pm-phase-detect')
    expect(textsIn(svg, 'pm-chart-key')).toEqual(['acknowledge', 'mitigate', 'resolve', 'baseline 0.1 %'])
    expect(pool).not.toContain('<g class="pm-phase')
  })

  it('takes markers, a width and an id prefix, and can leave its stylesheet to the page', () => {
    const svg = metricChartSvg(metricNamed('db_pool_utilisation'), example, {
      width: 360,
      idPrefix: 'metric 0',
      markers: [{ at: pt('12:31'), label: 'pool at 99 %' }],
      embedStyle: false,
    })
    expect(svg).toMatch(/^<svg [^>]*width="360" height="\d+" viewBox="0 0 360 \d+"/)
    expect(svg).toContain('aria-labelledby="metric-0-title metric-0-desc"')
    expect(textsIn(svg, 'pm-markers')).toEqual(['pool at 99 % 12:31'])
    expect(svg).not.toContain('<style')
    expect(pool).toContain('@media (prefers-color-scheme:dark)')
    expect(metricChartSvg(metricNamed('error_rate'), example, { width: 10 })).toMatch(
      /^<svg [^>]*width="320"/,
    )
    expectSafe(svg)
  })

  it('is deterministic', () => {
    expect(metricChartSvg(metricNamed('db_pool_utilisation'), example)).toBe(pool)
  })
})

describe('metricChartSvg: other series', () => {
  const metric = (series: Array<[number, number]>, extra: Partial<Metric> = {}): Metric => ({
    name: 'latency',
    unit: 'ms',
    series: series.map(([at, value]) => ({ at, value })),
    ...extra,
  })

  it('dates the axis when the series crosses midnight', () => {
    const svg = metricChartSvg(
      metric([
        [pt('20:00'), 1],
        [pt('04:00', 23), 3],
      ]),
      example,
    )
    const ticks = textsIn(svg, 'pm-axis pm-axis-x')
    expect(ticks).toContain('22 Jan')
    expect(ticks).toContain('23 Jan')
    expect(ticks).toContain('00:00')
    expect(descOf(svg)).toContain('from 22 January 2025 20:00 to 23 January 2025 04:00')
    expect(
      metricTable(
        metric([
          [pt('20:00'), 1],
          [pt('04:00', 23), 3],
        ]),
        example,
      )[1]!.time,
    ).toBe('23 Jan 04:00')
  })

  it('puts time ticks on whole local hours in a zone with a half-hour offset', () => {
    const kolkata = { ...example, timezone: 'Asia/Kolkata' }
    const at = (hhmm: string) => Date.parse(`2025-01-22T${hhmm}:00+05:30`)
    const svg = metricChartSvg(
      metric([
        [at('09:10'), 1],
        [at('13:50'), 2],
      ]),
      kolkata,
      { markers: [], width: 480 },
    )
    expect(textsIn(svg, 'pm-axis pm-axis-x')).toEqual(['10:00', '11:00', '12:00', '13:00'])
  })

  it('marks the lowest value when low values are the bad ones', () => {
    const svg = metricChartSvg(
      metric(
        [
          [pt('12:00'), 99.95],
          [pt('12:30'), 97],
          [pt('13:00'), 99.9],
        ],
        { name: 'availability', unit: '%', baseline: 99.9, threshold: 99 },
      ),
      example,
    )
    expect(descOf(svg)).toContain('Lowest 97 % at 12:30.')
    expect(descOf(svg)).toMatch(/Threshold 99 %: below it for \d+m, from 12:\d\d to 12:\d\d\./)
    expectSafe(svg)
  })

  it('says when the series never passed the threshold, and counts separate spells', () => {
    const low = metric(
      [
        [pt('12:00'), 1],
        [pt('13:00'), 2],
      ],
      { threshold: 5 },
    )
    expect(descOf(metricChartSvg(low, example))).toContain('Threshold 5 ms: never above it.')
    const spells = spellsBeyond(
      [
        { at: 0, value: 10 },
        { at: 10, value: 0 },
        { at: 20, value: 10 },
      ],
      5,
      'above',
    )
    expect(spells).toEqual([
      [0, 5],
      [15, 20],
    ])
  })

  it('draws one sample, no samples, and all-zero samples without NaN', () => {
    const one = metricChartSvg(metric([[pt('12:00'), 42]], { threshold: 40, baseline: 10 }), example)
    expectSafe(one)
    expect(descOf(one)).toContain('one sample at 22 January 2025 12:00')
    expect(one).toContain('>peak 42 ms at 12:00</text>')
    const none = metricChartSvg(metric([]), example)
    expectSafe(none)
    expect(none).toContain('>No data</text>')
    expect(descOf(none)).toBe('latency in ms: no samples.')
    const zeros = metricChartSvg(
      metric([
        [pt('12:00'), 0],
        [pt('13:00'), 0],
      ]),
      example,
    )
    expectSafe(zeros)
    expect(metricTable(metric([]), example)).toEqual([])
  })

  it('escapes hostile metric names, units and marker labels', () => {
    for (const text of hostile) {
      const svg = metricChartSvg(
        metric(
          [
            [pt('12:00'), 1],
            [pt('13:00'), 2],
          ],
          { name: text, unit: text, threshold: 1.5 },
        ),
        example,
        { markers: [{ at: pt('12:30'), label: text }], idPrefix: text },
      )
      expectSafe(svg)
    }
  })

  it('stays safe for any series', () => {
    const sample = fc.record({
      at: fc.integer({ min: pt('10:00'), max: pt('18:00') }),
      value: fc.double({ min: -1e12, max: 1e12, noNaN: true }),
    })
    fc.assert(
      fc.property(
        fc.array(sample, { maxLength: 30 }),
        fc.option(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 0, max: 1200 }),
        (series, threshold, width) => {
          const m: Metric = { name: 'm', unit: 'u', series, ...(threshold !== undefined && { threshold }) }
          const svg = metricChartSvg(m, example, { width, embedStyle: false })
          expect(svg).not.toContain('NaN')
          expect(svg.match(/<svg/g)).toHaveLength(1)
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('metricTable', () => {
  it('lists the samples in local time with their values and units', () => {
    const rows = metricTable(metricNamed('api_latency_p99'), example)
    expect(rows).toHaveLength(18)
    expect(rows[0]).toEqual({ at: pt('11:45'), time: '11:45', value: '196 ms' })
    expect(rows[7]).toEqual({ at: pt('12:31'), time: '12:31', value: '5,000 ms' })
    expect(metricTable(metricNamed('error_rate'), example)[0]!.value).toBe('0.07 %')
  })
})

describe('barChartSvg', () => {
  const groups = () =>
    example.impact!.groups!.map((g) => ({ label: g.name, value: g.value, ...(g.unit && { unit: g.unit }) }))

  it('draws the §9 impact groups with their values, the shared unit once', () => {
    const svg = barChartSvg(groups(), { title: 'Impact by group' })
    expectSafe(svg)
    labelledBy(svg)
    expect(svg).toContain('<title id="pm-chart-Impact-by-group-title">Impact by group</title>')
    expect(svg.match(/<rect class="pm-bar"/g)).toHaveLength(4)
    for (const value of ['4,120,000', '2,870,000', '1,960,000', '740,000'])
      expect(svg).toContain(`>${value}</text>`)
    expect(svg).toContain('>failed requests</text>')
    expect(descOf(svg)).toBe(
      'Impact by group: us-west 4,120,000 failed requests, us-east 2,870,000 failed requests, eu-west 1,960,000 failed requests, ap-southeast 740,000 failed requests.',
    )
    expect(barChartSvg(groups(), { title: 'Impact by group' })).toBe(svg)
  })

  it('writes short and mixed units after each value', () => {
    const svg = barChartSvg(
      [
        { label: 'a', value: 574.1, unit: '%' },
        { label: 'b', value: 3, unit: 'h' },
      ],
      { title: 'Mixed' },
    )
    expect(svg).toContain('>574.1 %</text>')
    expect(svg).toContain('>3 h</text>')
  })

  it('puts labels above the bars when they are long or the chart narrow', () => {
    const svg = barChartSvg([{ label: 'a rather long group name for a label', value: 5 }], {
      title: 't',
      width: 360,
    })
    expectSafe(svg)
    expect(svg).toContain('>a rather long group name for a label</text>')
  })

  it('draws zeros, negatives, nothing and hostile labels without NaN', () => {
    const zeros = barChartSvg(
      [
        { label: 'a', value: 0 },
        { label: 'b', value: 0 },
      ],
      { title: 'Zeros' },
    )
    expectSafe(zeros)
    expect(zeros).not.toContain('class="pm-bar"')
    expect(zeros.match(/>0<\/text>/g)).toHaveLength(2)
    const mixed = barChartSvg(
      [
        { label: 'up', value: 5 },
        { label: 'down', value: -3 },
      ],
      { title: 'Signs' },
    )
    expectSafe(mixed)
    expect(mixed).toContain('>−3</text>')
    const empty = barChartSvg([], { title: 'Empty' })
    expectSafe(empty)
    expect(empty).toContain('>No data</text>')
    expect(descOf(empty)).toBe('Empty: no data.')
    for (const text of hostile)
      expectSafe(barChartSvg([{ label: text, value: 1, unit: text }], { title: text, idPrefix: text }))
  })
})

describe('stackedColumnsSvg', () => {
  const keys = ['SEV1', 'SEV2', 'SEV3', 'SEV4']
  const column = (label: string, counts: number[]) => ({
    label,
    segments: keys.map((key, i) => ({ key, value: counts[i] ?? 0 })),
  })
  const columns = [column('2025-01', [1, 0, 2]), column('2025-02', []), column('2025-03', [0, 1, 3, 2])]

  it('stacks the keys with a legend, totals and whole-number ticks', () => {
    const svg = stackedColumnsSvg(columns, { title: 'Incidents per month by severity', keys })
    expectSafe(svg)
    labelledBy(svg)
    expect(textsIn(svg, 'pm-legend-item')).toEqual(['SEV1'])
    for (const [i, key] of keys.entries()) {
      expect(svg).toContain(`<rect class="pm-key-${i}"`)
      expect(svg).toContain(`>${key}</text>`)
    }
    // SEV1, SEV3 in January; SEV2, SEV3, SEV4 in March.
    expect(
      svg.match(/<rect class="pm-key-\d" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"\/>/g),
    ).toHaveLength(5)
    expect(textsIn(svg, 'pm-axis pm-axis-y').every((t) => /^\d+$/.test(t))).toBe(true)
    expect(textsIn(svg, 'pm-axis pm-axis-x')).toEqual(['2025-01', '2025-02', '2025-03'])
    expect(svg).toContain('<title>2025-01: 3 (SEV1 1, SEV3 2)</title>')
    expect(svg).toContain('<title>2025-02: 0</title>')
    const desc = descOf(svg)
    expect(desc).toContain(
      'Incidents per month by severity, 2025-01 to 2025-03: 9 (SEV1 1, SEV2 1, SEV3 5, SEV4 2) in total.',
    )
    expect(desc).toContain('Most in 2025-03: 6.')
    expect(desc).toContain('None in 2025-02.')
    expect(stackedColumnsSvg(columns, { title: 'Incidents per month by severity', keys })).toBe(svg)
  })

  it('adds keys found only in the data, and thins labels that would overlap', () => {
    const svg = stackedColumnsSvg([{ label: 'x', segments: [{ key: 'SEV5', value: 1 }] }], {
      title: 't',
      keys,
    })
    expect(svg).toContain('<rect class="pm-key-4"')
    expect(svg).toContain('>SEV5</text>')
    const many = Array.from({ length: 36 }, (_, i) => column(`2025-${String(i + 1).padStart(2, '0')}`, [1]))
    const labels = textsIn(stackedColumnsSvg(many, { title: 't', keys, width: 360 }), 'pm-axis pm-axis-x')
    expect(labels.length).toBeLessThan(36)
    expect(labels[0]).toBe('2025-01')
  })

  it('draws empty months, no columns and hostile labels without NaN', () => {
    const zeros = stackedColumnsSvg([column('2025-01', []), column('2025-02', [])], { title: 'Zeros', keys })
    expectSafe(zeros)
    expect(descOf(zeros)).toContain('0 in total')
    const empty = stackedColumnsSvg([], { title: 'Empty', keys })
    expectSafe(empty)
    expect(empty).toContain('>No data</text>')
    for (const text of hostile)
      expectSafe(
        stackedColumnsSvg([{ label: text, segments: [{ key: text, value: 2 }] }], {
          title: text,
          keys: [text],
          idPrefix: text,
        }),
      )
  })
})

describe('lineChartSvg', () => {
  const months = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05']

  it('draws durations on an axis of whole hours, with gaps for missing months', () => {
    const values = [3.73 * hour, null, 2.1 * hour, 1.4 * hour, 4.6 * hour]
    const svg = lineChartSvg(
      months.map((label, i) => ({ label, value: values[i]! })),
      { title: 'Mean time to resolve per month', unit: 'duration' },
    )
    expectSafe(svg)
    labelledBy(svg)
    expect(textsIn(svg, 'pm-axis pm-axis-y')).toEqual(['0m', '1h 0m', '2h 0m', '3h 0m', '4h 0m', '5h 0m'])
    // The line starts again after the gap; the lone January value is a dot.
    const d = /<path class="pm-series" d="([^"]+)"/.exec(svg)![1]!
    expect(d.match(/M/g)).toHaveLength(2)
    expect(svg.match(/<circle class="pm-dot"/g)).toHaveLength(4)
    expect(svg).toContain('<title>2025-01: 3h 44m</title>')
    const desc = descOf(svg)
    expect(desc).toContain('highest 4h 36m in 2025-05, lowest 1h 24m in 2025-04, latest 4h 36m in 2025-05.')
    expect(desc).toContain('No data for 2025-02.')
  })

  it('shows other units on the axis', () => {
    const svg = lineChartSvg(
      months.map((label, i) => ({ label, value: i * 2.5 })),
      { title: 'Burn', unit: '%' },
    )
    expect(textsIn(svg, 'pm-axis pm-axis-y')).toContain('10')
    expect(svg).toContain('>%</text>')
    expect(descOf(svg)).toContain('highest 10 % in 2025-05')
  })

  it('draws all-null, single and empty series, and hostile labels, without NaN', () => {
    const none = lineChartSvg(
      months.map((label) => ({ label, value: null })),
      { title: 'Nothing', unit: 'duration' },
    )
    expectSafe(none)
    expect(drawing(none)).not.toContain('pm-series')
    expect(none).toContain('>No data</text>')
    expect(descOf(none)).toBe('Nothing: no data.')
    const one = lineChartSvg([{ label: '2025-01', value: 0 }], { title: 'One', unit: 'duration' })
    expectSafe(one)
    expect(descOf(one)).toBe('One, 2025-01: 0m in 2025-01.')
    expectSafe(lineChartSvg([], { title: 'Empty' }))
    for (const text of hostile)
      expectSafe(
        lineChartSvg(
          [
            { label: text, value: 1 },
            { label: 'b', value: 2 },
          ],
          { title: text, unit: text },
        ),
      )
  })
})

describe('bar, column and line charts', () => {
  it('stay safe for any values', () => {
    const value = fc.double({ min: -1e12, max: 1e12, noNaN: true })
    const label = fc.string({ maxLength: 12 })
    fc.assert(
      fc.property(
        fc.array(fc.record({ label, value }), { maxLength: 15 }),
        fc.array(fc.option(value, { nil: null }), { maxLength: 15 }),
        fc.integer({ min: 0, max: 1200 }),
        (bars, points, width) => {
          const options = { title: 't', width, embedStyle: false }
          const svgs = [
            barChartSvg(bars, options),
            stackedColumnsSvg(
              bars.map((b) => ({ label: b.label, segments: [{ key: 'k', value: Math.abs(b.value) }] })),
              { ...options, keys: ['k'] },
            ),
            lineChartSvg(
              points.map((v, i) => ({ label: String(i), value: v })),
              { ...options, unit: 'duration' },
            ),
            lineChartSvg(
              points.map((v, i) => ({ label: String(i), value: v })),
              options,
            ),
          ]
          for (const svg of svgs) {
            expect(svg).not.toContain('NaN')
            expect(svg.match(/<svg/g)).toHaveLength(1)
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('chartCss', () => {
  it('scopes every rule to .pm-chart and has a dark scheme', () => {
    const rules = chartCss
      .replace(/@media[^{]+\{/, '')
      .split('}')
      .map((r) => r.trim())
      .filter((r) => r.includes('{'))
    for (const rule of rules)
      for (const selector of rule.slice(0, rule.indexOf('{')).split(','))
        expect(selector.trim()).toMatch(/^(:root)?\.pm-chart\b/)
    expect(chartCss).toContain('@media (prefers-color-scheme:dark)')
  })
})

describe('el, the SVG builder under every chart', () => {
  it('refuses bad element and attribute names and event handlers, every time they are asked for', () => {
    for (let round = 0; round < 2; round++) {
      expect(el('g', { class: 'a', 'data-x': 1.234 }, 'x < y').value).toBe(
        '<g class="a" data-x="1.23">x &lt; y</g>',
      )
      expect(() => el('g', { onload: 'alert(1)' })).toThrow('attribute not allowed: onload')
      expect(() => el('g', { OnClick: 'x' })).toThrow('attribute not allowed: OnClick')
      expect(() => el('g', { 'a b': 'x' })).toThrow('attribute not allowed: a b')
      expect(() => el('script x', {})).toThrow('not an element name: script x')
    }
  })
})
