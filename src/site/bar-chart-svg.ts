import { scaleBand, scaleLinear, scalePoint } from 'd3-scale'
import { line } from 'd3-shape'
import { formatDuration } from '../model/format-duration.js'
import type { ChartFrame } from './chart-style.js'
import {
  chartSvg,
  chartWidth,
  drawable,
  drawLegend,
  durationAxis,
  formatValue,
  gridLines,
  keyColours,
  labelEvery,
  margin,
  noData,
  rowHeight,
  valueAxis,
} from './chart-style.js'
import type { Markup } from './svg.js'
import { el } from './svg.js'
import { textWidth, truncate } from './timeline-style.js'

export { chartCss } from './chart-style.js'

/** Options every chart of this module takes. */
export interface ChartOptions {
  /** What the chart shows; the SVG's `<title>` (the page shows its own heading). */
  title: string
  /** Width in px (default 640, at least 320); the height follows. */
  width?: number
  /** Prefix of the ids inside the SVG, unique per page (default from the title). */
  idPrefix?: string
  /** Embed the `<style>` block (default true); a page that includes `chartCss` once can omit it. */
  embedStyle?: boolean
}

/** One bar of `barChartSvg`. */
export interface Bar {
  label: string
  value: number
  unit?: string
}

/** One column of `stackedColumnsSvg`: its label and a value per key. */
export interface Column {
  label: string
  segments: ReadonlyArray<{ key: string; value: number }>
}

/** Options of `stackedColumnsSvg`. */
export interface StackedColumnsOptions extends ChartOptions {
  /** The keys in stacking order (bottom first) and legend order; key `i` is drawn as `pm-key-i`. */
  keys: readonly string[]
}

/** One point of `lineChartSvg`; `null` for no value (a gap in the line). */
export interface LinePoint {
  label: string
  value: number | null
}

/** Options of `lineChartSvg`. */
export interface LineChartOptions extends ChartOptions {
  /** `duration` for milliseconds shown as `2h 15m`; any other text is the values' unit. */
  unit?: 'duration' | (string & {})
}

/** Columns and lines list every value in `<desc>` up to this many; beyond, only a summary. */
const maxListed = 24

/**
 * Horizontal bars with their values written at their ends (for `impact.groups`, say). Labels go
 * beside the bars when they fit, above them otherwise. A unit shared by every bar is written once.
 */
export function barChartSvg(bars: readonly Bar[], options: ChartOptions): string {
  const width = chartWidth(options.width, 640)
  const list = bars.filter((b) => Number.isFinite(b.value))
  // A long unit shared by every bar is written once, over the bars; a short one after each value.
  const units = new Set(list.map((b) => b.unit))
  const shared = units.size === 1 && (list[0]?.unit?.length ?? 0) > 3 ? list[0]!.unit : undefined
  const valueText = (b: Bar) => formatValue(b.value, shared ? undefined : b.unit)

  const top = margin + (shared ? rowHeight + 4 : 0)
  const labelWidth = Math.max(0, ...list.map((b) => textWidth(b.label)))
  const valueWidth = Math.max(0, ...list.map((b) => textWidth(valueText(b))))
  const negative = list.some((b) => b.value < 0)
  const beside = {
    left: margin + labelWidth + 10 + (negative ? valueWidth + 6 : 0),
    right: width - margin - valueWidth - 6,
  }
  const side = labelWidth <= width * 0.3 && beside.right - beside.left >= 120
  const [left, right] = side ? [beside.left, beside.right] : [margin, width - margin]
  const step = side ? 26 : 42
  const barHeight = side ? 16 : 14

  const values = list.map((b) => drawable(b.value))
  const lo = Math.min(0, ...values)
  const hi = Math.max(0, ...values) > lo ? Math.max(0, ...values) : lo + 1
  const xScale = scaleLinear().domain([lo, hi]).range([left, right])
  const x = (v: number) => xScale(drawable(v))
  const rows = list.map((bar, i) => {
    const rowTop = top + i * step
    const barY = side ? rowTop + 2 : rowTop + rowHeight + 2
    const [x0, x1] = [x(Math.min(0, bar.value)), x(Math.max(0, bar.value))]
    const w = bar.value === 0 ? 0 : Math.max(1, x1 - x0)
    const textY = side ? barY + barHeight / 2 + 4 : rowTop + 12
    const value = side
      ? bar.value < 0
        ? el('text', { x: x0 - 6, y: textY, 'text-anchor': 'end' }, valueText(bar))
        : el('text', { x: x0 + w + 6, y: textY }, valueText(bar))
      : el('text', { x: right, y: textY, 'text-anchor': 'end' }, valueText(bar))
    const labelRoom = side ? labelWidth : right - left - valueWidth - 12
    return el('g', { class: 'pm-bar-row' }, [
      el('title', {}, `${bar.label}: ${formatValue(bar.value, bar.unit)}`),
      el('text', { x: margin, y: textY }, truncate(bar.label, labelRoom)),
      w > 0 && el('rect', { class: 'pm-bar', x: x0, y: barY, width: w, height: barHeight, rx: 2 }),
      value,
    ])
  })
  const bottom = top + Math.max(1, list.length) * step
  const zeroX = x(0)
  // Beside the labels, one zero line for all bars; under them, one per bar (it would cut the labels).
  const zeroLines = side
    ? el('line', { class: 'pm-zero', x1: zeroX, x2: zeroX, y1: top - 2, y2: bottom - 6 })
    : list.map((_, i) => {
        const barY = top + i * step + rowHeight + 2
        return el('line', { class: 'pm-zero', x1: zeroX, x2: zeroX, y1: barY - 2, y2: barY + barHeight + 2 })
      })
  return chartSvg(
    frame('pm-chart-bars', options, width, bottom + margin - 6, describeBars(list, options.title)),
    [
      shared &&
        el('text', { x: margin, y: margin + 10, class: 'pm-muted' }, truncate(shared, width - 2 * margin)),
      list.length > 0 && zeroLines,
      rows,
      list.length === 0 && noData(width / 2, top + step / 2),
    ],
  )
}

function describeBars(bars: readonly Bar[], title: string): string {
  if (bars.length === 0) return `${title}: no data.`
  return `${title}: ${bars.map((b) => `${b.label} ${formatValue(b.value, b.unit)}`).join(', ')}.`
}

/**
 * Stacked columns, one per label (incidents per month by severity, say), with a legend, the total
 * over each column where it fits, and a y axis on d3's ticks (whole numbers for whole-number data).
 * Keys are stacked bottom first in the order of `options.keys`; keys found only in the data follow.
 */
export function stackedColumnsSvg(columns: readonly Column[], options: StackedColumnsOptions): string {
  const width = chartWidth(options.width, 640)
  const keys = [...new Set([...options.keys, ...columns.flatMap((c) => c.segments.map((s) => s.key))])]
  const table = columns.map((c) =>
    keys.map((key) =>
      c.segments
        .filter((s) => s.key === key && Number.isFinite(s.value) && s.value > 0)
        .reduce((sum, s) => sum + s.value, 0),
    ),
  )
  const totals = table.map((row) => row.reduce((a, b) => a + b, 0))

  const legend = drawLegend(
    keys.map((key, k) => ({ swatch: `pm-key-${k % keyColours}`, text: key })),
    margin,
    width - margin,
    margin + 10,
  )
  const top = legend.bottom + 14
  const plotHeight = Math.min(220, Math.max(150, Math.round(width * 0.28)))
  const bottom = top + plotHeight
  const max = Math.max(0, ...totals)
  const whole = table.flat().every((v) => Number.isInteger(v))
  const axis = valueAxis([0, max > 0 ? max : 1], 5, whole, (t) => formatValue(t))
  const left = margin + axis.labelWidth + 8
  const right = width - margin
  const y = scaleLinear()
    .domain(axis.domain)
    .range([bottom, top + 16])
  const band = scaleBand<number>()
    .domain(columns.map((_, i) => i))
    .range([left, right])
    .paddingInner(0.25)
    .paddingOuter(0.15)
  const showTotals = band.step() >= Math.max(0, ...totals.map((t) => textWidth(formatValue(t)))) + 4

  const drawn = columns.map((column, i) => {
    const bx = band(i)!
    let base = bottom
    const segments = keys.map((key, k) => {
      const value = table[i]![k]!
      if (value === 0) return null
      const h = bottom - y(value)
      base -= h
      // Note: a 1 px gap between segments tells neighbours apart whatever their colours.
      const gap = h > 3 ? 1 : 0
      return el('rect', {
        class: `pm-key-${k % keyColours}`,
        x: bx,
        y: base + gap,
        width: band.bandwidth(),
        height: Math.max(1, h - gap),
      })
    })
    return el('g', { class: 'pm-column' }, [
      el('title', {}, `${column.label}: ${breakdown(keys, table[i]!, totals[i]!)}`),
      segments,
      showTotals &&
        el(
          'text',
          { x: bx + band.bandwidth() / 2, y: base - 5, 'text-anchor': 'middle', class: 'pm-muted' },
          formatValue(totals[i]!),
        ),
    ])
  })
  const desc = describeColumns(columns, keys, table, totals, options.title)
  return chartSvg(frame('pm-chart-columns', options, width, bottom + 26, desc), [
    legend.items,
    gridLines(axis, y, left, right),
    drawn,
    categoryAxis(
      columns.map((c) => c.label),
      (i) => band(i)! + band.bandwidth() / 2,
      band.step(),
      bottom,
      left,
      right,
    ),
    columns.length === 0 && noData((left + right) / 2, (top + bottom) / 2),
  ])
}

/** `3 (SEV1 1, SEV2 2)`: a column's total and its non-zero keys. */
function breakdown(keys: readonly string[], row: readonly number[], total: number): string {
  const parts = keys.flatMap((key, k) => (row[k]! > 0 ? [`${key} ${formatValue(row[k]!)}`] : []))
  return parts.length > 1 ? `${formatValue(total)} (${parts.join(', ')})` : (parts[0] ?? formatValue(total))
}

function describeColumns(
  columns: readonly Column[],
  keys: readonly string[],
  table: readonly number[][],
  totals: readonly number[],
  title: string,
): string {
  if (columns.length === 0) return `${title}: no data.`
  const sum = totals.reduce((a, b) => a + b, 0)
  const byKey = keys.map((_, k) => table.reduce((s, row) => s + row[k]!, 0))
  const most = totals.indexOf(Math.max(...totals))
  const empty = columns.filter((_, i) => totals[i] === 0).map((c) => c.label)
  const span = columns.length === 1 ? columns[0]!.label : `${columns[0]!.label} to ${columns.at(-1)!.label}`
  return [
    `${title}, ${span}: ${breakdown(keys, byKey, sum)} in total.`,
    sum > 0 && columns.length > 1 && `Most in ${columns[most]!.label}: ${formatValue(totals[most]!)}.`,
    empty.length > 0 && empty.length < columns.length && `None in ${empty.join(', ')}.`,
    columns.length > 1 &&
      columns.length <= maxListed &&
      `By column: ${columns.map((c, i) => `${c.label} ${breakdown(keys, table[i]!, totals[i]!)}`).join('; ')}.`,
  ]
    .filter(Boolean)
    .join(' ')
}

/**
 * A line over labelled points (mean time to resolve per month, say), a dot on each value, a gap for
 * each `null`. With `unit: 'duration'` values are milliseconds and the axis shows durations.
 */
export function lineChartSvg(points: readonly LinePoint[], options: LineChartOptions): string {
  const width = chartWidth(options.width, 640)
  const isDuration = options.unit === 'duration'
  const unit = isDuration ? undefined : options.unit
  const show = (v: number) => (isDuration ? formatDuration(v) : formatValue(v, unit))
  const clean = points.map((p) => ({
    label: p.label,
    value: p.value !== null && Number.isFinite(p.value) ? p.value : null,
  }))
  const values = clean.flatMap((p) => (p.value === null ? [] : [drawable(p.value)]))

  const top = margin + (unit ? rowHeight + 4 : 4)
  const plotHeight = Math.min(220, Math.max(150, Math.round(width * 0.28)))
  const bottom = top + plotHeight
  const lo = Math.min(0, ...values)
  const hi = Math.max(0, ...values)
  const domain: [number, number] = hi > lo ? [lo, hi] : [lo, lo + (isDuration ? 3_600_000 : 1)]
  const axis = isDuration ? durationAxis(domain, 5) : valueAxis(domain, 5, false, (t) => formatValue(t))
  const left = margin + axis.labelWidth + 8
  const right = width - margin
  const yScale = scaleLinear()
    .domain(axis.domain)
    .range([bottom, top + 8])
  const y = (v: number) => yScale(drawable(v))
  const xs = scalePoint<number>()
    .domain(clean.map((_, i) => i))
    .range([left, right])
    .padding(0.5)
  const px = (i: number) => xs(i)!
  const path = line<{ value: number | null }>()
    .defined((p) => p.value !== null)
    .x((_, i) => px(i))
    .y((p) => y(p.value!))
    .digits(2)(clean)
  const dots = clean.map(
    (p, i) =>
      p.value !== null &&
      el(
        'circle',
        { class: 'pm-dot', cx: px(i), cy: y(p.value), r: 3.5 },
        el('title', {}, `${p.label}: ${show(p.value)}`),
      ),
  )
  return chartSvg(
    frame('pm-chart-line', options, width, bottom + 26, describeLine(clean, show, options.title)),
    [
      unit && el('text', { x: margin, y: margin + 10, class: 'pm-muted' }, truncate(unit, width / 2)),
      gridLines(axis, y, left, right),
      values.length > 1 && path && el('path', { class: 'pm-series', d: path }),
      dots,
      categoryAxis(
        clean.map((p) => p.label),
        px,
        xs.step(),
        bottom,
        left,
        right,
      ),
      values.length === 0 && noData((left + right) / 2, (top + bottom) / 2),
    ],
  )
}

function describeLine(
  points: ReadonlyArray<{ label: string; value: number | null }>,
  show: (v: number) => string,
  title: string,
): string {
  const known = points.filter((p): p is { label: string; value: number } => p.value !== null)
  if (known.length === 0) return `${title}: no data.`
  const pick = (better: (a: number, b: number) => boolean) =>
    known.reduce((best, p) => (better(p.value, best.value) ? p : best))
  const [high, low, latest] = [pick((a, b) => a > b), pick((a, b) => a < b), known.at(-1)!]
  const missing = points.filter((p) => p.value === null).map((p) => p.label)
  const span = points.length === 1 ? points[0]!.label : `${points[0]!.label} to ${points.at(-1)!.label}`
  return [
    `${title}, ${span}:`,
    known.length === 1
      ? `${show(latest.value)} in ${latest.label}.`
      : `highest ${show(high.value)} in ${high.label}, lowest ${show(low.value)} in ${low.label}, latest ${show(latest.value)} in ${latest.label}.`,
    missing.length > 0 && `No data for ${missing.join(', ')}.`,
    points.length > 1 &&
      points.length <= maxListed &&
      `By point: ${points.map((p) => `${p.label} ${p.value === null ? 'none' : show(p.value)}`).join('; ')}.`,
  ]
    .filter(Boolean)
    .join(' ')
}

/** The category labels under the plot, thinned so that shown ones do not overlap. */
function categoryAxis(
  labels: readonly string[],
  x: (i: number) => number,
  step: number,
  bottom: number,
  left: number,
  right: number,
): Markup {
  const every = labelEvery(labels, step)
  const room = Math.min(right - left, step * every - 8)
  return el(
    'g',
    { class: 'pm-axis pm-axis-x' },
    labels.map((label, i) => {
      if (i % every !== 0) return null
      const text = truncate(label, room)
      // Centred under its column, but never out of the picture.
      const half = textWidth(text) / 2
      const at = Math.min(Math.max(x(i), half + 2), right + margin - half - 2)
      return el('text', { x: at, y: bottom + 17, 'text-anchor': 'middle' }, text)
    }),
  )
}

/** The frame of a chart of this module: ids from the title unless given. */
function frame(kind: string, options: ChartOptions, width: number, height: number, desc: string): ChartFrame {
  return {
    kind,
    idPrefix: options.idPrefix ?? `pm-chart-${options.title}`,
    title: options.title,
    desc,
    width,
    height,
    embedStyle: options.embedStyle,
  }
}
