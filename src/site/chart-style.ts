import { scaleLinear, scaleUtc } from 'd3-scale'
import { formatDuration } from '../model/format-duration.js'
import { instantAt, wallClock } from '../model/local-time.js'
import type { Instant } from '../validate/timestamps.js'
import type { Child, Markup } from './svg.js'
import { el, raw } from './svg.js'
import { textWidth, truncate } from './timeline-style.js'

/**
 * The stylesheet of the metric, bar, stacked-column and line charts, embedded in each SVG (or, with
 * `embedStyle: false`, once in the page). The rest of this module is what the charts share: the
 * `<svg>` element, number formats, ticks, axes, legends and label placement.
 *
 * Note: every rule is scoped by `.pm-chart` because a `<style>` inside an inline SVG applies to the
 * whole HTML page. Text and axes use `currentColor`, so an inline chart takes the page's text colour;
 * only a chart opened on its own (`:root`) sets its colours and background. Labels drawn over the plot
 * get a halo in `--pm-chart-bg`, which a page with another background colour can set.
 *
 * The `pm-key-N` colours are the Okabe–Ito palette (told apart with the common colour-vision
 * deficiencies), ordered so that neighbouring keys differ in hue and lightness, the same in light and
 * dark mode; segments are also separated by a gap and listed in the `<desc>`, so colour is never the
 * only way to read them.
 */
export const chartCss = `
.pm-chart{--pm-chart-bg:#fff;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:12px;max-width:100%;height:auto}
:root.pm-chart{color:#1f2328;background:#fff}
.pm-chart text{fill:currentColor}
.pm-chart .pm-muted{fill-opacity:.75}
.pm-chart .pm-strong{font-weight:600}
.pm-chart .pm-halo{paint-order:stroke;stroke:var(--pm-chart-bg);stroke-width:4px;stroke-linejoin:round}
.pm-chart .pm-axis-line,.pm-chart .pm-tick{stroke:currentColor;stroke-opacity:.6}
.pm-chart .pm-grid{stroke:currentColor;stroke-opacity:.12}
.pm-chart .pm-zero{stroke:currentColor;stroke-opacity:.6}
.pm-chart .pm-series{fill:none;stroke:#0969da;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
.pm-chart .pm-area{fill:#0969da;fill-opacity:.1}
.pm-chart .pm-dot{fill:#0969da}
.pm-chart .pm-peak{fill:#0969da;stroke:var(--pm-chart-bg);stroke-width:2}
.pm-chart .pm-baseline{stroke:currentColor;stroke-opacity:.7;stroke-dasharray:6 4}
.pm-chart .pm-threshold{stroke:#cf222e;stroke-width:1.5}
.pm-chart text.pm-threshold-label{fill:#cf222e}
.pm-chart .pm-marker{stroke:currentColor;stroke-opacity:.55;stroke-dasharray:2 3}
.pm-chart .pm-phase{fill-opacity:.08}
.pm-chart .pm-swatch{fill-opacity:.35}
.pm-chart .pm-phase-detect{fill:#bf8700}
.pm-chart .pm-phase-acknowledge{fill:#cf222e}
.pm-chart .pm-phase-mitigate{fill:#0969da}
.pm-chart .pm-phase-resolve{fill:#1a7f37}
.pm-chart .pm-bar{fill:#0969da}
.pm-chart .pm-key-0{fill:#d55e00}
.pm-chart .pm-key-1{fill:#0072b2}
.pm-chart .pm-key-2{fill:#e69f00}
.pm-chart .pm-key-3{fill:#009e73}
.pm-chart .pm-key-4{fill:#56b4e9}
.pm-chart .pm-key-5{fill:#cc79a7}
.pm-chart .pm-key-6{fill:#f0e442}
.pm-chart .pm-key-7{fill:#8c8c8c}
@media (prefers-color-scheme:dark){
.pm-chart{--pm-chart-bg:#0d1117}
:root.pm-chart{color:#e6edf3;background:#0d1117}
.pm-chart .pm-series{stroke:#4493f8}
.pm-chart .pm-area{fill:#4493f8;fill-opacity:.15}
.pm-chart .pm-dot,.pm-chart .pm-peak,.pm-chart .pm-bar{fill:#4493f8}
.pm-chart .pm-threshold{stroke:#ff7b72}
.pm-chart text.pm-threshold-label{fill:#ff7b72}
.pm-chart .pm-phase{fill-opacity:.12}
.pm-chart .pm-phase-detect{fill:#d29922}
.pm-chart .pm-phase-acknowledge{fill:#f85149}
.pm-chart .pm-phase-mitigate{fill:#4493f8}
.pm-chart .pm-phase-resolve{fill:#3fb950}
}
`.trim()

/** How many `pm-key-N` colours there are; key `i` gets colour `i mod keyColours`. */
export const keyColours = 8
/** Space around a chart's content, px. */
export const margin = 12
/** Height of a line of 12 px text, px. */
export const rowHeight = 16

/** What the `<svg>` element of every chart needs. */
export interface ChartFrame {
  /** `pm-chart-…`: the kind of chart, a class next to `pm-chart`. */
  kind: string
  /** Prefix of the ids inside the SVG (cleaned into an XML name). */
  idPrefix: string
  title: string
  desc: string
  width: number
  height: number
  embedStyle?: boolean
}

/**
 * The `<svg>` element every chart shares: `role="img"` (charts hold nothing focusable) labelled by its
 * `<title>` and `<desc>`, the stylesheet unless the page includes it, then the content.
 */
export function chartSvg(frame: ChartFrame, content: Child): string {
  const prefix = idPrefix(frame.idPrefix)
  const height = Math.ceil(frame.height)
  const svg = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: `pm-chart ${frame.kind}`,
      width: frame.width,
      height,
      viewBox: `0 0 ${frame.width} ${height}`,
      role: 'img',
      'aria-labelledby': `${prefix}-title ${prefix}-desc`,
    },
    [
      el('title', { id: `${prefix}-title` }, frame.title),
      el('desc', { id: `${prefix}-desc` }, frame.desc),
      frame.embedStyle !== false && el('style', {}, raw(chartCss)),
      content,
    ],
  )
  return `${svg.value}\n`
}

/** Ids must be XML names: anything else in the prefix becomes `-`. */
export function idPrefix(prefix: string): string {
  const cleaned = prefix.replace(/[^A-Za-z0-9_-]/g, '-')
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `pm-${cleaned}`
}

/** A chart width from an option: whole px, at least 320 (default `fallback`). */
export function chartWidth(width: number | undefined, fallback: number): number {
  return Number.isFinite(width) ? Math.max(320, Math.round(width!)) : fallback
}

// Note: built once; constructing an Intl.NumberFormat per value cost a build 5 % of its time.
const numbers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const tinyNumbers = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 })

/**
 * A number for people, with thousands separators and at most two decimals (two significant digits
 * for tiny values), followed by ` unit` when given: `4,120,000`, `0.09 %`, `5,000 ms`.
 *
 * Note: the locale is fixed (`en-US`), so output does not depend on the machine.
 */
export function formatValue(value: number, unit?: string): string {
  const tiny = value !== 0 && Math.abs(value) < 0.01
  const text = (tiny ? tinyNumbers : numbers).format(value).replace(/^-/, '−')
  return unit ? `${text} ${unit}` : text
}

/**
 * A value as drawn: within ±1e300, so that the span of a scale stays finite (a value near the
 * largest double would make it infinite). Labels and descriptions show the value itself.
 */
export function drawable(value: number): number {
  return Math.min(1e300, Math.max(-1e300, value))
}

/** True when `first` and `last` fall on different local dates in `zone`. */
export function crossesMidnight(first: Instant, last: Instant, zone: string): boolean {
  const a = wallClock(first, zone)
  const b = wallClock(last, zone)
  return a.toISOString().slice(0, 10) !== b.toISOString().slice(0, 10)
}

/**
 * About `count` tick instants between `start` and `end` on whole local hours/minutes/days: d3 picks
 * the ticks on wall-clock time, and each is read back as that wall-clock time in `zone` (so a +05:30
 * zone gets ticks on its own hours).
 */
export function localTimeTicks(start: Instant, end: Instant, zone: string, count: number): Instant[] {
  const ticks = scaleUtc()
    .domain([wallClock(start, zone), wallClock(end, zone)])
    .ticks(count)
  const instants = ticks.map((d) => instantAt(d.getTime(), zone))
  return [...new Set(instants)].filter((at) => at >= start && at <= end)
}

/** A box taken by a label, in px. */
export interface Box {
  x0: number
  x1: number
  y0: number
  y1: number
}

/** True when two boxes overlap. */
export function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

/**
 * How many category labels along an axis, `step` px apart, to step over so that the shown ones (every
 * `k`-th from the first) do not overlap: the smallest such `k`.
 */
export function labelEvery(labels: readonly string[], step: number): number {
  const widest = Math.max(0, ...labels.map((l) => textWidth(l)))
  return step > 0 ? Math.max(1, Math.ceil((widest + 8) / step)) : Math.max(1, labels.length)
}

/** Where a label goes: its anchor point and `text-anchor`. */
export interface LabelPlace {
  x: number
  y: number
  anchor: 'start' | 'middle' | 'end'
}

/** A label drawn over the plot, with a halo in the background colour so lines do not cut it. */
export function halo(place: LabelPlace, text: string, className: string): Markup {
  const attrs = { x: place.x, y: place.y, 'text-anchor': place.anchor, class: `pm-halo ${className}` }
  return el('text', attrs, text)
}

/** `No data`, centred at `x`, `y`. */
export function noData(x: number, y: number): Markup {
  return halo({ x, y, anchor: 'middle' }, 'No data', 'pm-muted')
}

/**
 * Where to label a horizontal line at `ly` across `plot`: at the right end, the left end, the middle
 * or a quarter point, above or below the line, the first place inside the plot that overlaps no
 * `taken` box nor the polyline `points`; failing that, the first that overlaps no taken box; failing
 * that, none. The place chosen is added to `taken`.
 */
export function placeOnLine(
  text: string,
  ly: number,
  points: ReadonlyArray<readonly [number, number]>,
  plot: Box,
  taken: Box[],
): LabelPlace | undefined {
  const w = textWidth(text)
  const candidates: Array<LabelPlace & { box: Box }> = []
  for (const fraction of [1, 0, 0.5, 0.75, 0.25])
    for (const baseline of [ly - 5, ly + 14]) {
      const cx = plot.x0 + w / 2 + 4 + fraction * (plot.x1 - plot.x0 - w - 8)
      const box = { x0: cx - w / 2 - 2, x1: cx + w / 2 + 2, y0: baseline - 11, y1: baseline + 3 }
      if (box.y0 < plot.y0 || box.y1 > plot.y1) continue
      const anchor = fraction === 1 ? 'end' : fraction === 0 ? 'start' : 'middle'
      const x = anchor === 'end' ? plot.x1 - 4 : anchor === 'start' ? plot.x0 + 4 : cx
      candidates.push({ x, y: baseline, anchor, box })
    }
  const free = candidates.filter((c) => !taken.some((t) => overlaps(t, c.box)))
  const best = free.find((c) => !crossesPolyline(c.box, points)) ?? free[0]
  if (best) taken.push(best.box)
  return best
}

/** True when the polyline through `points` (in x order) passes through `box`. */
function crossesPolyline(box: Box, points: ReadonlyArray<readonly [number, number]>): boolean {
  if (points.length === 1) {
    const [px, py] = points[0]!
    return px >= box.x0 && px <= box.x1 && py >= box.y0 && py <= box.y1
  }
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1]!
    const [bx, by] = points[i]!
    const x0 = Math.max(ax, box.x0)
    const x1 = Math.min(bx, box.x1)
    if (x0 > x1) continue
    const at = (px: number) => ay + ((by - ay) * (px - ax)) / (bx - ax)
    const [ya, yb] = bx === ax ? [ay, by] : [at(x0), at(x1)]
    if (Math.max(ya, yb) >= box.y0 && Math.min(ya, yb) <= box.y1) return true
  }
  return false
}

/** An entry of a legend: a swatch (its classes) or a line sample (its class), and its text. */
export type LegendItem = { swatch: string; text: string } | { line: string; text: string }

/** A legend from `left` to `right`, its first line's baseline at `y`, entries wrapped to the width. */
export function drawLegend(
  entries: readonly LegendItem[],
  left: number,
  right: number,
  y: number,
): { items: Markup[]; bottom: number } {
  const items: Markup[] = []
  let x = left
  for (const entry of entries) {
    const text = truncate(entry.text, right - left - 22)
    const w = 22 + textWidth(text) + 16
    if (x + w > right + 16 && x > left) [x, y] = [left, y + rowHeight + 2]
    items.push(
      el('g', { class: 'pm-legend-item' }, [
        'swatch' in entry
          ? el('rect', { class: entry.swatch, x, y: y - 9, width: 16, height: 10, rx: 2 })
          : el('line', { class: entry.line, x1: x, x2: x + 16, y1: y - 4, y2: y - 4 }),
        el('text', { x: x + 22, y }, text),
      ]),
    )
    x += w
  }
  return { items, bottom: entries.length > 0 ? y + 4 : y - rowHeight }
}

/** The ticks of a value axis, the domain they span and how to write them. */
export interface ValueAxis {
  domain: [number, number]
  ticks: number[]
  format: (t: number) => string
  labelWidth: number
}

/**
 * d3's ticks over `values`, the domain extended to round values; with `whole`, only whole numbers
 * (and never more ticks than units). Labels by `format`, else by d3's `tickFormat`.
 */
export function valueAxis(
  values: [number, number],
  count: number,
  whole = false,
  format?: (t: number) => string,
): ValueAxis {
  // Note: a span of denormal size (or none) makes d3's tick arithmetic fail; it becomes one unit.
  const [lo, hi] = values[1] - values[0] > 1e-200 ? values : [values[0], values[0] + 1]
  const n = whole ? Math.max(1, Math.min(count, Math.floor(hi - lo))) : count
  const scale = scaleLinear().domain([lo, hi]).nice(n)
  const ticks = scale.ticks(n).filter((t) => !whole || Number.isInteger(t))
  const write = format ?? scale.tickFormat(n)
  return {
    domain: scale.domain() as [number, number],
    ticks,
    format: write,
    labelWidth: Math.max(0, ...ticks.map((t) => textWidth(write(t)))),
  }
}

/**
 * Ticks on whole minutes, hours or days for durations in ms: d3's ticks over the values measured in
 * the largest unit that keeps at least two of it, scaled back to milliseconds.
 */
export function durationAxis(values: [number, number], count: number): ValueAxis {
  const max = Math.max(Math.abs(values[0]), Math.abs(values[1]))
  const unit = max >= 2 * 86_400_000 ? 86_400_000 : max >= 2 * 3_600_000 ? 3_600_000 : 60_000
  const axis = valueAxis([values[0] / unit, values[1] / unit], count)
  const ticks = axis.ticks.map((t) => t * unit)
  return {
    domain: axis.domain.map((d) => d * unit) as [number, number],
    ticks,
    format: formatDuration,
    labelWidth: Math.max(0, ...ticks.map((t) => textWidth(formatDuration(t)))),
  }
}

/** Horizontal grid lines at the ticks (the zero line stronger), labelled on the left. */
export function gridLines(axis: ValueAxis, y: (v: number) => number, left: number, right: number): Markup {
  return el(
    'g',
    { class: 'pm-axis pm-axis-y' },
    axis.ticks.map((t) => [
      el('line', { class: t === 0 ? 'pm-zero' : 'pm-grid', x1: left, x2: right, y1: y(t), y2: y(t) }),
      el('text', { x: left - 8, y: y(t) + 4, 'text-anchor': 'end' }, axis.format(t)),
    ]),
  )
}

/** What a local-time axis needs of a chart's frame. */
export interface TimeAxisFrame {
  left: number
  right: number
  width: number
  crossesMidnight: boolean
  x: (at: Instant) => number
  /** An instant formatted as local time of the chart's zone (date-fns patterns). */
  local: (at: Instant, pattern: string) => string
}

/**
 * A time axis at height `y` in the chart's zone: the line, a tick and `HH:mm` label per tick, and the
 * date under the first tick of each day when the span crosses midnight. Labels at the edges are
 * anchored so they stay inside the chart.
 */
export function localTimeAxis(
  ticks: readonly Instant[],
  y: number,
  frame: TimeAxisFrame,
  className = 'pm-axis',
): Markup {
  let previousDay = ''
  return el('g', { class: className }, [
    el('line', { class: 'pm-axis-line', x1: frame.left, x2: frame.right, y1: y, y2: y }),
    ticks.map((at) => {
      const tx = frame.x(at)
      const day = frame.local(at, 'd MMM')
      const showDay = frame.crossesMidnight && day !== previousDay
      previousDay = day
      const anchor = tx - 20 < 2 ? 'start' : tx + 20 > frame.width - 2 ? 'end' : 'middle'
      return [
        el('line', { class: 'pm-tick', x1: tx, x2: tx, y1: y, y2: y + 4 }),
        el('text', { x: tx, y: y + 17, 'text-anchor': anchor }, frame.local(at, 'HH:mm')),
        showDay && el('text', { x: tx, y: y + 31, 'text-anchor': anchor, class: 'pm-muted' }, day),
      ]
    }),
  ])
}
