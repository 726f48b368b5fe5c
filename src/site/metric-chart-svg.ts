import { formatInZone } from '../model/local-time.js'
import { scaleLinear, scaleUtc } from 'd3-scale'
import { area, line } from 'd3-shape'
import { formatDuration } from '../model/format-duration.js'
import { phases } from '../model/phases.js'
import type { Incident, Metric } from '../validate/normalize.js'
import type { Instant } from '../validate/timestamps.js'
import type { Box, LegendItem, ValueAxis } from './chart-style.js'
import {
  chartSvg,
  chartWidth,
  crossesMidnight,
  drawLegend,
  drawable,
  formatValue,
  gridLines,
  halo,
  localTimeAxis,
  localTimeTicks,
  margin,
  noData,
  placeOnLine,
  rowHeight,
  valueAxis,
} from './chart-style.js'
import type { Child, Markup } from './svg.js'
import { el } from './svg.js'
import { textWidth, truncate } from './timeline-style.js'

export { chartCss } from './chart-style.js'

/** A key moment drawn as a labelled vertical line. */
export interface ChartMarker {
  at: Instant
  label: string
}

/** Options of `metricChartSvg`. */
export interface MetricChartOptions {
  /** Width in px (default 720, at least 320); the height follows. */
  width?: number
  /** Prefix of the ids inside the SVG, unique per page (default `pm-metric-<incident id>-<metric name>`). */
  idPrefix?: string
  /** Key moments (default: the incident's detected, mitigated and resolved timestamps). */
  markers?: readonly ChartMarker[]
  /** Shade the response phases behind the series (default false). */
  phases?: boolean
  /** Embed the `<style>` block (default true); a page that includes `chartCss` once can omit it. */
  embedStyle?: boolean
}

/** One sample for a table under the chart. */
export interface MetricRow {
  at: Instant
  /** `HH:mm` in the incident's zone; `d MMM HH:mm` when the series crosses midnight. */
  time: string
  /** The value for people, with the unit: `5,000 ms`. */
  value: string
}

type Sample = Metric['series'][number]
type Direction = 'above' | 'below'

const labelRows = 3
const headroom = 24
const maxMarkerLabel = 180

/** The plot's extent, its scales and local time. */
interface Frame {
  width: number
  left: number
  right: number
  top: number
  bottom: number
  domain: [Instant, Instant]
  x: (at: Instant) => number
  y: (value: number) => number
  /** The y axis (the plot adds room for the peak's label beyond its domain). */
  axis: ValueAxis
  zero: number
  crossesMidnight: boolean
  /** An instant as local time of the incident's zone (date-fns patterns). */
  local: (at: Instant, pattern: string) => string
  /** An instant as a short local time: `HH:mm`, with the date when the series crosses midnight. */
  time: (at: Instant) => string
}

/**
 * One metric series of an incident as a self-contained line chart: a time axis in the incident's
 * zone, a y axis in the metric's unit, dashed baseline and labelled threshold lines when the record
 * gives them, the peak marked and labelled, and vertical lines at key moments. `<title>` names the
 * metric and `<desc>` says what the chart shows. No scripts; the same input always gives the same
 * output.
 */
export function metricChartSvg(metric: Metric, incident: Incident, options: MetricChartOptions = {}): string {
  const width = chartWidth(options.width, 720)
  const series = samples(metric)
  const direction = badDirection(metric)
  const markers = (options.markers ?? defaultMarkers(incident)).filter((m) => Number.isFinite(m.at))
  const { frame, markerLabels } = frameFor(metric, incident, series, markers, width)
  const extreme = extremeOf(series, direction)

  // Labels inside the plot avoid each other and the reference lines; the peak's comes first.
  const references = referenceLines(metric)
  const taken: Box[] = references.map(({ value }) => {
    const ly = frame.y(value)
    return { x0: frame.left, x1: frame.right, y0: ly - 1, y1: ly + 1 }
  })
  const peak = extreme && drawPeak(extreme, metric.unit, direction, frame, taken)
  const points = series.map((p) => [frame.x(p.at), frame.y(p.value)] as const)
  const plot = { x0: frame.left, x1: frame.right, y0: frame.top, y1: frame.bottom }
  const refs = references.map((ref) => ({
    ...ref,
    place: placeOnLine(ref.text, frame.y(ref.value), points, plot, taken),
  }))
  // What could not be labelled in place, and the phase colours, are explained in a key under the axis.
  const keyItems: LegendItem[] = [
    ...(options.phases === true
      ? phaseList(incident, frame).map((p) => ({ swatch: `pm-swatch pm-phase-${p.name}`, text: p.name }))
      : []),
    ...refs.filter((r) => !r.place).map((r) => ({ line: `pm-${r.kind}`, text: r.text })),
  ]
  const key = drawLegend(
    keyItems,
    frame.left,
    frame.width - margin,
    frame.bottom + (frame.crossesMidnight ? 56 : 42),
  )

  return chartSvg(
    {
      kind: 'pm-chart-metric',
      idPrefix: options.idPrefix ?? `pm-metric-${incident.id}-${metric.name}`,
      title: `${metric.name} (${metric.unit})`,
      desc: describe(
        metric,
        series,
        direction,
        markerLabels.map((l) => l.marker),
        frame,
        incident,
      ),
      width,
      height: key.bottom + 8,
      embedStyle: options.embedStyle,
    },
    [
      options.phases === true && el('g', { class: 'pm-phases' }, drawPhases(incident, frame)),
      gridLines(frame.axis, frame.y, frame.left, frame.right),
      el(
        'text',
        { x: margin, y: frame.top - 8, class: 'pm-unit pm-muted' },
        truncate(metric.unit, (frame.right - frame.left) / 2),
      ),
      drawSeries(series, frame),
      el('g', { class: 'pm-markers' }, drawMarkers(markerLabels, frame)),
      el(
        'g',
        { class: 'pm-references' },
        refs.map(({ kind, value, text, place }) => {
          const ly = frame.y(value)
          return [
            el('line', { class: `pm-${kind}`, x1: frame.left, x2: frame.right, y1: ly, y2: ly }),
            place && halo(place, text, kind === 'threshold' ? 'pm-threshold-label' : 'pm-muted'),
          ]
        }),
      ),
      peak,
      xAxis(frame, incident.timezone),
      el('g', { class: 'pm-chart-key' }, key.items),
      series.length === 0 && noData((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2),
    ],
  )
}

/**
 * The samples of `metric` as a table under the chart, in time order: local time in the incident's
 * zone and the value with its unit. The page builds the HTML table.
 */
export function metricTable(metric: Metric, incident: Incident): MetricRow[] {
  const series = samples(metric)
  const zone = incident.timezone
  const pattern =
    series.length > 0 && crossesMidnight(series[0]!.at, series.at(-1)!.at, zone) ? 'd MMM HH:mm' : 'HH:mm'
  return series.map(({ at, value }) => ({
    at,
    time: formatInZone(at, zone, pattern),
    value: formatValue(value, metric.unit),
  }))
}

/** The finite samples, in time order. */
function samples(metric: Metric): Sample[] {
  return metric.series
    .filter((s) => Number.isFinite(s.at) && Number.isFinite(s.value))
    .sort((a, b) => a.at - b.at)
}

/**
 * Which side of the threshold is bad: above, unless the baseline lies above the threshold (a success
 * rate with a floor, say).
 */
function badDirection(metric: Metric): Direction {
  const { baseline, threshold } = metric
  return baseline !== undefined && threshold !== undefined && baseline > threshold ? 'below' : 'above'
}

function defaultMarkers(incident: Incident): ChartMarker[] {
  const t = incident.timestamps
  const keys: Array<[string, Instant | null]> = [
    ['detected', t.detected],
    ['mitigated', t.mitigated],
    ['resolved', t.resolved],
  ]
  return keys.flatMap(([label, at]) => (at === null ? [] : [{ at, label }]))
}

/** The first sample with the highest value (the lowest, when low values are the bad ones). */
function extremeOf(series: readonly Sample[], direction: Direction): Sample | undefined {
  let best: Sample | undefined
  for (const s of series)
    if (!best || (direction === 'above' ? s.value > best.value : s.value < best.value)) best = s
  return best
}

interface MarkerLabel {
  marker: ChartMarker
  text: string
  /** Centre of the label; `undefined` when it fits in no row (the `<desc>` still says it). */
  at?: number
  row?: number
}

function frameFor(
  metric: Metric,
  incident: Incident,
  series: readonly Sample[],
  markers: readonly ChartMarker[],
  width: number,
): { frame: Frame; markerLabels: MarkerLabel[] } {
  const zone = incident.timezone
  const local = (at: Instant, pattern: string) => formatInZone(at, zone, pattern)
  // Time: the samples' extent; one sample (or none) gets half an hour either side.
  let [first, last] =
    series.length > 0 ? [series[0]!.at, series.at(-1)!.at] : [incident.timestamps.impact_started, NaN]
  if (!(last > first)) [first, last] = [first - 1_800_000, first + 1_800_000]
  const domain: [Instant, Instant] = [first, last]

  // Values: the samples, baseline and threshold, and zero.
  const values = [...series.map((s) => s.value), metric.baseline ?? 0, metric.threshold ?? 0, 0].map(drawable)
  const plotHeight = Math.min(240, Math.max(160, Math.round(width * 0.3)))
  const axis = valueAxis([Math.min(...values), Math.max(...values)], Math.round(plotHeight / 45))
  const [lo, hi] = axis.domain
  const left = margin + axis.labelWidth + 8
  const right = width - margin - 8
  const timeScale = scaleUtc().domain(domain).range([left, right])
  const x = (at: Instant) => timeScale(at)

  // Marker labels in rows above the plot; row 0 starts with the unit label over the y axis.
  const unitWidth = textWidth(truncate(metric.unit, (right - left) / 2))
  const rows = Array.from({ length: labelRows }, (_, r): Array<[number, number]> =>
    r === 0 ? [[0, margin + unitWidth + 8]] : [],
  )
  const markerLabels = markers
    .filter((m) => m.at >= first && m.at <= last)
    .sort((a, b) => a.at - b.at)
    .map((marker): MarkerLabel => {
      const text = truncate(`${marker.label} ${local(marker.at, 'HH:mm')}`, maxMarkerLabel)
      const w = textWidth(text)
      const at = Math.min(Math.max(x(marker.at), w / 2 + 2), width - w / 2 - 2)
      const span: [number, number] = [at - w / 2 - 4, at + w / 2 + 4]
      const row = rows.findIndex((spans) => spans.every(([a, b]) => span[1] <= a || span[0] >= b))
      if (row === -1) return { marker, text }
      rows[row]!.push(span)
      return { marker, text, at, row }
    })
  const rowsUsed = Math.max(1, ...markerLabels.map((m) => (m.row ?? 0) + 1))
  const top = margin + rowsUsed * rowHeight + 4
  const bottom = top + plotHeight
  const direction = badDirection(metric)
  const valueScale = scaleLinear()
    .domain([lo, hi])
    .range(direction === 'above' ? [bottom, top + headroom] : [bottom - headroom, top])
  return {
    frame: {
      width,
      left,
      right,
      top,
      bottom,
      domain,
      x,
      y: (value) => valueScale(drawable(value)),
      axis,
      zero: valueScale(0),
      crossesMidnight: crossesMidnight(first, last, zone),
      local,
      time: (at) => local(at, crossesMidnight(first, last, zone) ? 'd MMM HH:mm' : 'HH:mm'),
    },
    markerLabels,
  }
}

/** The time axis in the incident's zone; across midnight, the date under the first tick of each day. */
function xAxis(frame: Frame, zone: string): Markup {
  const ticks = localTimeTicks(
    frame.domain[0],
    frame.domain[1],
    zone,
    Math.max(2, Math.round((frame.right - frame.left) / 90)),
  )
  return localTimeAxis(ticks, frame.bottom, frame, 'pm-axis pm-axis-x')
}

/** The area under the series, its line, and a dot per sample when samples are far enough apart. */
function drawSeries(series: readonly Sample[], frame: Frame): Child {
  if (series.length === 0) return null
  const px = (s: Sample) => frame.x(s.at)
  const py = (s: Sample) => frame.y(s.value)
  const spacing = series.length > 1 ? (frame.right - frame.left) / (series.length - 1) : Infinity
  return el('g', { class: 'pm-series-group' }, [
    series.length > 1 && [
      el('path', { class: 'pm-area', d: area<Sample>().x(px).y0(frame.zero).y1(py).digits(2)(series)! }),
      el('path', { class: 'pm-series', d: line<Sample>().x(px).y(py).digits(2)(series)! }),
    ],
    spacing >= 14 && series.map((s) => el('circle', { class: 'pm-dot', cx: px(s), cy: py(s), r: 2.5 })),
  ])
}

/** The peak (or low) point, marked and labelled with its value and time, above (or below) it. */
function drawPeak(extreme: Sample, unit: string, direction: Direction, frame: Frame, taken: Box[]): Markup {
  const [px, py] = [frame.x(extreme.at), frame.y(extreme.value)]
  const text = `${direction === 'above' ? 'peak' : 'lowest'} ${formatValue(extreme.value, unit)} at ${frame.time(extreme.at)}`
  const w = textWidth(text)
  const cx = Math.min(Math.max(px, frame.left + w / 2 + 2), frame.right - w / 2 - 2)
  const baseline = direction === 'above' ? py - 10 : py + 20
  const box = { x0: cx - w / 2, x1: cx + w / 2, y0: baseline - 11, y1: baseline + 3 }
  taken.push(box, { x0: px - 5, x1: px + 5, y0: py - 5, y1: py + 5 })
  return el('g', { class: 'pm-peak-group' }, [
    el('circle', { class: 'pm-peak', cx: px, cy: py, r: 4.5 }),
    halo({ x: cx, y: baseline, anchor: 'middle' }, text, 'pm-strong'),
  ])
}

interface Reference {
  kind: 'baseline' | 'threshold'
  value: number
  text: string
}

/** The threshold and baseline lines the record gives, threshold first (its label is placed first). */
function referenceLines(metric: Metric): Reference[] {
  const lines: Reference[] = []
  for (const kind of ['threshold', 'baseline'] as const) {
    const value = metric[kind]
    if (value !== undefined && Number.isFinite(value))
      lines.push({ kind, value, text: `${kind} ${formatValue(value, metric.unit)}` })
  }
  return lines
}

/** Vertical lines at the key moments, each up to its label in the rows above the plot. */
function drawMarkers(labels: readonly MarkerLabel[], frame: Frame): Markup[] {
  const labelY = (row: number) => frame.top - 8 - row * rowHeight
  const lower = labels.filter((l) => l.row !== undefined)
  return labels.map(({ marker, text, at, row }) => {
    const mx = frame.x(marker.at)
    // The line reaches up to its label unless it would cut through a label in a lower row.
    const cuts =
      row !== undefined && lower.some((l) => l.row! < row && Math.abs(l.at! - mx) < textWidth(l.text) / 2 + 2)
    const y1 = row === undefined || cuts ? frame.top : labelY(row) + 4
    return el('g', { class: 'pm-marker-group' }, [
      el('line', { class: 'pm-marker', x1: mx, x2: mx, y1, y2: frame.bottom }),
      at !== undefined &&
        row !== undefined &&
        el('text', { x: at, y: labelY(row), 'text-anchor': 'middle' }, text),
    ])
  })
}

/** The response phases within the chart's time span. */
function phaseList(incident: Incident, frame: Frame) {
  const [start, end] = frame.domain
  return phases(incident.timestamps).filter(
    (p) => (p.end ?? end) > start && p.start < end && p.end !== p.start,
  )
}

/** Light bands for the response phases (the key under the axis names their colours). */
function drawPhases(incident: Incident, frame: Frame): Markup[] {
  const [start, end] = frame.domain
  return phaseList(incident, frame).map((phase) => {
    const x0 = frame.x(Math.max(start, phase.start))
    const x1 = frame.x(Math.min(end, phase.end ?? end))
    return el('g', { class: `pm-phase pm-phase-${phase.name}` }, [
      el('title', {}, `${phase.name} ${formatDuration(phase.duration)}`),
      el('rect', { x: x0, y: frame.top, width: Math.max(0, x1 - x0), height: frame.bottom - frame.top }),
    ])
  })
}

/**
 * The spells during which the series was on the bad side of `threshold` (strictly), with the
 * crossings placed by straight-line interpolation between samples, as the line is drawn.
 */
export function spellsBeyond(
  series: readonly Sample[],
  threshold: number,
  direction: Direction,
): Array<[Instant, Instant]> {
  const bad = (v: number) => (direction === 'above' ? v > threshold : v < threshold)
  const crossing = (a: Sample, b: Sample) =>
    a.at + ((b.at - a.at) * (threshold - a.value)) / (b.value - a.value)
  const spells: Array<[Instant, Instant]> = []
  let start: Instant | undefined
  for (const [i, s] of series.entries()) {
    const prev = series[i - 1]
    if (bad(s.value) && start === undefined) start = prev ? crossing(prev, s) : s.at
    if (!bad(s.value) && start !== undefined) {
      spells.push([start, crossing(prev!, s)])
      start = undefined
    }
  }
  if (start !== undefined) spells.push([start, series.at(-1)!.at])
  return spells
}

/** The text alternative: span of the samples, baseline, peak, threshold and time beyond it, markers. */
function describe(
  metric: Metric,
  series: readonly Sample[],
  direction: Direction,
  markers: readonly ChartMarker[],
  frame: Frame,
  incident: Incident,
): string {
  const value = (v: number) => formatValue(v, metric.unit)
  const { time } = frame
  if (series.length === 0) return `${metric.name} in ${metric.unit}: no samples.`
  const first = series[0]!.at
  const last = series.at(-1)!.at
  const when = frame.crossesMidnight
    ? `from ${frame.local(first, 'd MMMM yyyy HH:mm')} to ${frame.local(last, 'd MMMM yyyy HH:mm')}`
    : `from ${time(first)} to ${time(last)} on ${frame.local(first, 'd MMMM yyyy')}`
  const extreme = extremeOf(series, direction)!
  const parts = [
    series.length === 1
      ? `${metric.name} in ${metric.unit}, one sample at ${frame.local(first, 'd MMMM yyyy HH:mm')} (${incident.timezone}).`
      : `${metric.name} in ${metric.unit}, ${series.length} samples ${when} (${incident.timezone}).`,
    metric.baseline !== undefined && `Baseline ${value(metric.baseline)}.`,
    `${direction === 'above' ? 'Peak' : 'Lowest'} ${value(extreme.value)} at ${time(extreme.at)}.`,
  ]
  if (metric.threshold !== undefined) {
    const spells = spellsBeyond(series, metric.threshold, direction)
    const total = spells.reduce((sum, [a, b]) => sum + (b - a), 0)
    const head = `Threshold ${value(metric.threshold)}`
    parts.push(
      spells.length === 0
        ? `${head}: never ${direction} it.`
        : `${head}: ${direction} it for ${formatDuration(total)}, from ${time(spells[0]![0])} to ${time(spells.at(-1)![1])}${spells.length > 1 ? ` in ${spells.length} spells` : ''}.`,
    )
  }
  if (markers.length > 0)
    parts.push(`Marked: ${markers.map((m) => `${m.label} ${frame.local(m.at, 'HH:mm')}`).join(', ')}.`)
  return parts.filter(Boolean).join(' ')
}
