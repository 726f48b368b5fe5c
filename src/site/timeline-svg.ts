import { formatInZone, wallClock } from '../model/local-time.js'
import { scaleUtc } from 'd3-scale'
import { utcDay } from 'd3-time'
import { durations } from '../model/durations.js'
import { formatDuration, formatResponseTimes } from '../model/format-duration.js'
import type { Phase } from '../model/phases.js'
import { phases } from '../model/phases.js'
import type { Incident, TimelineEvent } from '../validate/normalize.js'
import { eventKinds } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import type { Child, Markup } from './svg.js'
import { el, raw, safeHttpUrl } from './svg.js'
import { idPrefix, localTimeAxis, localTimeTicks } from './chart-style.js'
import { markerPath, textWidth, timelineCss, truncate, wrap } from './timeline-style.js'

export { timelineCss } from './timeline-style.js'

/** Options of `timelineSvg`. */
export interface TimelineSvgOptions {
  /** Width in px (default 960, at least 320); the height follows from the content. */
  width?: number
  /** Prefix of the ids inside the SVG, unique per page (default `pm-timeline-<incident id>`). */
  idPrefix?: string
  /** The events to draw (default: all of `incident.timeline`); the caller filters public/internal. */
  events?: readonly TimelineEvent[]
  /**
   * Focusable markers, links to `source.url` and a details line shown on hover/focus (default true).
   * With `false` the SVG is a plain `role="img"` picture, e.g. for a feed or a Markdown file.
   */
  interactive?: boolean
  /** Embed the `<style>` block (default true); a page that includes `timelineCss` once can omit it. */
  embedStyle?: boolean
}

const margin = 24
const headerLine = 18
const labelRowHeight = 16
const labelRows = 3
const bandHeight = 28
const rowHeight = 18
const maxEventRows = 6
const minMarkerGap = 13

/** What every part of the drawing needs: the plot's extent, the time scale and local time. */
interface Frame {
  width: number
  left: number
  right: number
  /** The instants drawn, unpadded. */
  first: Instant
  last: Instant
  /** The scale's domain: the instants drawn plus a little room at each end. */
  domain: [Instant, Instant]
  crossesMidnight: boolean
  x: (at: Instant) => number
  /** An instant formatted as local time of the incident's zone (date-fns patterns). */
  local: (at: Instant, pattern: string) => string
}

/**
 * The timeline of one incident as a self-contained SVG: phase bands labelled with their durations,
 * one marker per event (shape and colour by `kind`, details in a `<title>`), a time axis in the
 * incident's zone, a legend, and a text summary in `<title>`/`<desc>` for assistive technology.
 * No scripts, no external references; the same input always gives the same output.
 */
export function timelineSvg(incident: Incident, options: TimelineSvgOptions = {}): string {
  const prefix = idPrefix(options.idPrefix ?? `pm-timeline-${incident.id}`)
  const interactive = options.interactive ?? true
  const events = [...(options.events ?? incident.timeline)].sort((a, b) => a.at - b.at)
  const frame = frameFor(incident, events, Math.max(320, Math.round(options.width ?? 960)))
  const phaseList = phases(incident.timestamps)

  // Top to bottom: header, band labels, bands, event rows, axis, legend.
  const header = drawHeader(incident, frame)
  const placed = placeBandLabels(phaseList, frame)
  const rowsUsed = Math.max(0, ...placed.map((p) => (p.row ?? -1) + 1))
  const bandTop = header.height + rowsUsed * labelRowHeight + 4
  const rows = eventRows(events, frame)
  const axisY = bandTop + bandHeight + 10 + Math.max(1, ...rows.map((r) => r + 1)) * rowHeight + 4
  const ticks = localTimeTicks(
    frame.domain[0],
    frame.domain[1],
    incident.timezone,
    Math.max(2, Math.round((frame.right - frame.left) / 100)),
  )
  const legend = drawLegend(events, interactive, frame, axisY + (frame.crossesMidnight ? 54 : 42))
  const height = Math.ceil(legend.bottom + 8)

  const boundaries = new Set(phaseList.flatMap((p) => (p.end === null ? [p.start] : [p.start, p.end])))
  const guides = [
    ticks.map((at) => vertical('pm-grid', frame.x(at), bandTop, axisY)),
    [...boundaries].map((at) => vertical('pm-key', frame.x(at), bandTop + bandHeight, axisY)),
  ]
  const marks = drawEvents(events, rows, axisY, interactive, frame)
  const svg = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'pm-timeline',
      width: frame.width,
      height,
      viewBox: `0 0 ${frame.width} ${height}`,
      // Note: `role="img"` makes every child presentational, so a chart with focusable markers inside
      // is a `group` (axe's nested-interactive rule fails an img with focusable content).
      role: interactive ? 'group' : 'img',
      'aria-labelledby': `${prefix}-title ${prefix}-desc`,
    },
    [
      el('title', { id: `${prefix}-title` }, `Timeline of ${incident.title}`),
      el('desc', { id: `${prefix}-desc` }, describe(incident, events, phaseList, frame)),
      options.embedStyle !== false && el('style', {}, raw(timelineCss)),
      el('g', { class: 'pm-header' }, header.items),
      el('g', { class: 'pm-grid-lines' }, guides),
      el('g', { class: 'pm-bands' }, drawBands(placed, bandTop, frame)),
      el('g', { class: 'pm-stems' }, marks.stems),
      localTimeAxis(ticks, axisY, frame),
      el('g', { class: 'pm-legend' }, legend.items),
      el('g', { class: 'pm-events' }, marks.markers),
    ],
  )
  return `${svg.value}\n`
}

function frameFor(incident: Incident, events: readonly TimelineEvent[], width: number): Frame {
  const zone = incident.timezone
  const t = incident.timestamps
  // The time domain: impact and every event, padded so markers at the ends are not cut.
  let first = Infinity
  let last = -Infinity
  const keyTimes = [t.impact_started, t.detected, t.acknowledged, t.mitigated, t.resolved, t.impact_ended]
  for (const at of [...keyTimes, ...events.map((e) => e.at)])
    if (at !== null && Number.isFinite(at)) [first, last] = [Math.min(first, at), Math.max(last, at)]
  const pad = Math.max((last - first) * 0.02, 60_000)
  const domain: [Instant, Instant] = [first - pad, last + pad]
  const scale = scaleUtc()
    .domain(domain)
    .range([margin, width - margin])
  return {
    width,
    left: margin,
    right: width - margin,
    first,
    last,
    domain,
    crossesMidnight: utcDay.count(wallClock(first, zone), wallClock(last, zone)) > 0,
    x: (at) => scale(at),
    local: (at, pattern) => formatInZone(at, zone, pattern),
  }
}

/** The response times on the left, date and zone on the right (or below, when they do not fit). */
function drawHeader(incident: Incident, frame: Frame): { items: Markup[]; height: number } {
  const { left, right, local, first, last } = frame
  const plotWidth = right - left
  const summary = wrap(capitalise(formatResponseTimes(durations(incident))).split(' · '), ' · ', plotWidth)
  const dates = frame.crossesMidnight
    ? `${local(first, 'EEE d MMM')} – ${local(last, 'EEE d MMM yyyy')}`
    : local(first, 'EEE d MMM yyyy')
  const offsets = [...new Set([local(first, 'xxx'), local(last, 'xxx')])].join(' → ')
  const zoneText = `${dates} · ${incident.timezone} (UTC${offsets})`
  const beside = summary.length === 1 && textWidth(summary[0]!, true) + textWidth(zoneText) + 24 <= plotWidth
  const lines = summary.length + (beside ? 0 : 1)
  const items = summary.map((line, i) =>
    el('text', { x: left, y: headerLine * (i + 1), class: 'pm-strong' }, line),
  )
  items.push(
    beside
      ? el('text', { x: right, y: headerLine, 'text-anchor': 'end', class: 'pm-muted' }, zoneText)
      : el('text', { x: left, y: headerLine * lines, class: 'pm-muted' }, truncate(zoneText, plotWidth)),
  )
  return { items, height: lines * headerLine + 10 }
}

interface PlacedLabel {
  phase: Phase
  x0: number
  x1: number
  /** The label text's centre; `undefined` when it fits nowhere (the <title> and <desc> still say it). */
  at?: number
  /** Row above the band for a label that does not fit inside; `undefined` for one inside. */
  row?: number
  /** Only the duration, inside the band, for a band too narrow for its name. */
  durationOnly?: boolean
  /** x of the line from a label above the band down to it; `undefined` for none. */
  leader?: number
}

/**
 * Puts each band's label (`mitigate 2h 15m`) inside the band when it fits; otherwise above it, in the
 * first of three rows where it overlaps no other label; otherwise only the duration inside; otherwise
 * nowhere.
 */
function placeBandLabels(list: readonly Phase[], frame: Frame): PlacedLabel[] {
  const taken: Array<Array<[number, number]>> = Array.from({ length: labelRows }, () => [])
  const placed = list.map((phase): PlacedLabel => {
    const x0 = frame.x(phase.start)
    const x1 = frame.x(phase.end ?? frame.domain[1])
    const cx = (x0 + x1) / 2
    const full = textWidth(phase.name, true) + textWidth(` ${bandDuration(phase)}`)
    if (full + 10 <= x1 - x0) return { phase, x0, x1, at: cx }
    const at = Math.min(Math.max(cx, frame.left + full / 2), frame.right - full / 2)
    const span: [number, number] = [at - full / 2 - 6, at + full / 2 + 6]
    for (const [row, spans] of taken.entries())
      if (spans.every(([a, b]) => span[1] <= a || span[0] >= b)) {
        spans.push(span)
        return { phase, x0, x1, at, row, leader: cx }
      }
    if (textWidth(bandDuration(phase)) + 8 <= x1 - x0) return { phase, x0, x1, at: cx, durationOnly: true }
    return { phase, x0, x1 }
  })
  // A leader from a label down to its band must not run through a label in a lower row.
  for (const p of placed) {
    const { row, leader } = p
    if (row !== undefined && leader !== undefined)
      if (taken.slice(0, row).some((spans) => spans.some(([a, b]) => leader > a && leader < b)))
        delete p.leader
  }
  return placed
}

function bandDuration(phase: Phase): string {
  return phase.end === null ? 'ongoing' : formatDuration(phase.duration)
}

/** One band per phase (a line for a phase of 0m), with its <title> and label. */
function drawBands(placed: readonly PlacedLabel[], top: number, frame: Frame): Markup[] {
  const { local } = frame
  return placed.map(({ phase, x0, x1, at, row, durationOnly, leader }) => {
    const duration = bandDuration(phase)
    const span =
      phase.end === null
        ? `${phase.name}: since ${local(phase.start, 'HH:mm')}, ongoing`
        : `${phase.name}: ${local(phase.start, 'HH:mm')} → ${local(phase.end, 'HH:mm')}, ${duration}`
    const shape =
      x1 - x0 >= 2
        ? el('rect', { x: x0, y: top, width: x1 - x0, height: bandHeight, rx: 2 })
        : vertical(undefined, (x0 + x1) / 2, top, top + bandHeight)
    let label: Child = null
    if (at !== undefined) {
      const y = row === undefined ? top + bandHeight / 2 + 4 : top - 6 - row * labelRowHeight
      label = el('text', { x: at, y, 'text-anchor': 'middle' }, [
        !durationOnly && [el('tspan', { class: 'pm-strong' }, phase.name), ' '],
        el('tspan', {}, duration),
      ])
      if (leader !== undefined)
        label = [el('line', { class: 'pm-leader', x1: leader, x2: leader, y1: y + 3, y2: top }), label]
    }
    const classes = `pm-band pm-band-${phase.name}${phase.end === null ? ' pm-band-open' : ''}`
    return el('g', { class: classes }, [el('title', {}, span), shape, label])
  })
}

/** The row of each event: markers closer than `minMarkerGap` stack upwards from the axis. */
function eventRows(events: readonly TimelineEvent[], frame: Frame): number[] {
  const rowEnds: number[] = []
  return events.map((event) => {
    const ex = frame.x(event.at)
    let row = rowEnds.findIndex((end) => ex - end >= minMarkerGap)
    if (row === -1)
      row = rowEnds.length < maxEventRows ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds))
    rowEnds[row] = ex
    return row
  })
}

/** Event markers with a <title> each; interactive ones are focusable and show a details line. */
function drawEvents(
  events: readonly TimelineEvent[],
  rows: readonly number[],
  axisY: number,
  interactive: boolean,
  frame: Frame,
): { stems: Markup[]; markers: Markup[] } {
  const y = (i: number) => axisY - 4 - rowHeight / 2 - rows[i]! * rowHeight
  const stems = events.map((event, i) => vertical('pm-stem', frame.x(event.at), y(i), axisY))
  const markers = events.map((event, i) => {
    const [ex, ey] = [frame.x(event.at), y(i)]
    const title = [
      `${frame.local(event.at, 'yyyy-MM-dd HH:mm xxx')} · ${event.kind}${event.important ? ' (important)' : ''}`,
      event.text.trim(),
      event.actor && `— ${event.actor}`,
      event.source && `Source: ${event.source.title}`,
    ]
    const classes = `pm-event pm-event-${event.kind}${event.important ? ' pm-important' : ''}`
    const content: Child = [
      el('title', {}, title.filter(Boolean).join('\n')),
      interactive && [
        el('circle', { class: 'pm-hit', cx: ex, cy: ey, r: 9, fill: 'transparent' }),
        el('circle', { class: 'pm-ring', cx: ex, cy: ey, r: 9, fill: 'none', visibility: 'hidden' }),
      ],
      el('path', {
        class: 'pm-mark',
        transform: `translate(${ex.toFixed(2)},${ey.toFixed(2)})`,
        d: markerPath(event.kind, event.important ? 100 : 60),
      }),
      interactive && detailsLine(event, frame),
    ]
    const href = interactive && event.source ? safeHttpUrl(event.source.url) : undefined
    if (href) return el('a', { class: classes, href }, content)
    return el('g', interactive ? { class: classes, tabindex: 0, role: 'img' } : { class: classes }, content)
  })
  return { stems, markers }
}

/**
 * The line shown over the header while a marker is hovered or focused: CSS reveals it, so keyboard
 * users see what a pointer's tooltip shows. Hidden from assistive technology, which reads the <title>.
 */
function detailsLine(event: TimelineEvent, frame: Frame): Markup {
  const [head = '', ...rest] = event.text.trim().split(/\r?\n/)
  const text = `${frame.local(event.at, 'HH:mm')} · ${event.kind} · ${head.trimEnd()}${rest.length > 0 ? ' …' : ''}`
  const width = frame.right - frame.left
  return el('g', { class: 'pm-tip', 'aria-hidden': 'true', visibility: 'hidden' }, [
    el('rect', { x: frame.left - 6, y: 2, width: width + 12, height: 24, rx: 4 }),
    el(
      'text',
      { x: frame.left + 4, y: 18 },
      truncate(event.actor ? `${text} — ${event.actor}` : text, width - 8),
    ),
  ])
}

/** Legend entries for the kinds present, wrapped to the width. */
function drawLegend(
  events: readonly TimelineEvent[],
  interactive: boolean,
  frame: Frame,
  top: number,
): { items: Markup[]; bottom: number } {
  const present = new Set(events.map((e) => e.kind))
  const entries: Array<{ kind?: TimelineEvent['kind']; text: string }> = eventKinds
    .filter((k) => present.has(k))
    .map((kind) => ({ kind, text: kind }))
  if (interactive && events.length > 0) entries.push({ text: 'Hover or focus a marker for details' })
  const items: Markup[] = []
  let [x, y] = [frame.left, top]
  for (const { kind, text } of entries) {
    const w = (kind ? 16 : 0) + textWidth(text) + 18
    if (x + w > frame.right + 18 && x > frame.left) [x, y] = [frame.left, y + rowHeight]
    items.push(
      kind
        ? el('g', { class: `pm-legend-item pm-event-${kind}` }, [
            el('path', {
              class: 'pm-mark',
              transform: `translate(${x + 6},${y - 4})`,
              d: markerPath(kind, 60),
            }),
            el('text', { x: x + 16, y }, text),
          ])
        : el('text', { x, y, class: 'pm-muted' }, text),
    )
    x += w
  }
  return { items, bottom: entries.length > 0 ? y + 6 : top - rowHeight }
}

/** The text alternative: when, the phases, the response times and what the events are. */
function describe(
  incident: Incident,
  events: readonly TimelineEvent[],
  list: readonly Phase[],
  { local }: Frame,
): string {
  const t = incident.timestamps
  const end = t.impact_ended ?? t.resolved
  const from = local(t.impact_started, 'd MMMM yyyy HH:mm')
  const when = end === null ? `${from}, not resolved yet` : `${from} to ${local(end, 'd MMMM yyyy HH:mm')}`
  const phaseText = list
    .map((p) =>
      p.end === null
        ? `${p.name} in progress since ${local(p.start, 'HH:mm')}`
        : `${p.name} ${formatDuration(p.duration)} (${local(p.start, 'HH:mm')} to ${local(p.end, 'HH:mm')})`,
    )
    .join(', ')
  const d = durations(incident)
  const counts = eventKinds
    .map((k) => [k, events.filter((e) => e.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
  return [
    `Impact from ${when}, times in ${incident.timezone}.`,
    phaseText && `Phases: ${phaseText}.`,
    `${capitalise(formatResponseTimes(d))}; impact ${formatDuration(d.impact_duration)}.`,
    events.length === 0
      ? 'No events.'
      : `${events.length} event${events.length === 1 ? '' : 's'}: ${counts.join(', ')}.`,
  ]
    .filter(Boolean)
    .join(' ')
}

function vertical(className: string | undefined, x: number, y1: number, y2: number): Markup {
  return el('line', { class: className, x1: x, x2: x, y1, y2 })
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
