import { formatInZone } from '../model/local-time.js'
import { sanitize } from '../terminal.js'
import { durations } from '../model/durations.js'
import { formatDuration, formatResponseTimes } from '../model/format-duration.js'
import type { PhasePosition } from '../model/phases.js'
import { phaseAt, phases } from '../model/phases.js'
import type { Incident, KeyTimes, TimelineEvent } from '../validate/normalize.js'
import type { Instant } from '../validate/timestamps.js'

type Paint = (text: string) => string

/** The colour functions used (picocolors' shape); pass identity functions for plain text. */
export interface TextColors {
  bold: Paint
  dim: Paint
  red: Paint
  yellow: Paint
  green: Paint
  cyan: Paint
}

/** Options of `timelineText`. */
export interface TimelineTextOptions {
  color: TextColors
  /** Line width in characters (default 100); longer lines end in `…`. */
  width?: number
  /** The events to print (default: all of `incident.timeline`). */
  events?: readonly TimelineEvent[]
}

const keyNames: Record<keyof KeyTimes, string> = {
  impact_started: 'impact started',
  detected: 'detected',
  acknowledged: 'acknowledged',
  cause_identified: 'cause identified',
  mitigated: 'mitigated',
  resolved: 'resolved',
  impact_ended: 'impact ended',
}

const kindWidth = 'communicate'.length
const phaseWidth = '▐ acknowledge'.length

/**
 * One incident's timeline for a terminal: a header (title; severity, type, status and zone; the
 * response times of SPEC §4 and the length of each phase), then one line per event — local time, the
 * phase it falls in, its kind, the first line of its text and its actor — with a date line whenever
 * the local date changes, and a marker line for each key timestamp no event falls on.
 *
 * Record text is made terminal-safe (control characters and bidi overrides become visible escapes)
 * and every line is cut to `width` characters, ending in `…`. Markdown is printed as written.
 */
export function timelineText(incident: Incident, options: TimelineTextOptions): string {
  const c = options.color
  const width = Math.max(40, Math.floor(options.width ?? 100))
  const zone = incident.timezone
  const local = (at: Instant, pattern: string) => formatInZone(at, zone, pattern)
  const events = [...(options.events ?? incident.timeline)].sort((a, b) => a.at - b.at)
  const phaseList = phases(incident.timestamps)

  const t = incident.timestamps
  const instants = [t.impact_started, ...events.map((e) => e.at), t.resolved ?? t.impact_started]
  const offsets = new Set(instants.map((at) => local(at, 'xxx')))
  // Note: the offset is printed on every line only when it changes within the incident (DST).
  const timeOf = (at: Instant) => local(at, offsets.size > 1 ? 'HH:mm xxx' : 'HH:mm')
  const timeWidth = offsets.size > 1 ? 12 : 5

  const phaseText = phaseList
    .map((p) => `${p.name} ${p.end === null ? 'ongoing' : formatDuration(p.duration)}`)
    .join(' · ')
  const lines = [
    c.bold(fit(sanitize(incident.title), width)),
    c.dim(
      fit(
        `${incident.severity} · ${incident.type} · ${incident.status} · times in ${sanitize(zone)} (UTC${[...offsets].join(', ')})`,
        width,
      ),
    ),
    fit(formatResponseTimes(durations(incident)), width),
    c.dim(fit(`phases: ${phaseText}`, width)),
  ]

  // Key timestamps that no event falls on get a marker line of their own.
  const eventTimes = new Set(events.map((e) => e.at))
  const markers = new Map<Instant, string[]>()
  for (const [key, name] of Object.entries(keyNames) as Array<[keyof KeyTimes, string]>) {
    const at = t[key]
    if (at === null || eventTimes.has(at) || (key === 'impact_ended' && at === t.resolved)) continue
    markers.set(at, [...(markers.get(at) ?? []), name])
  }
  const rows: Array<{ at: Instant; event?: TimelineEvent; names?: string[] }> = [
    ...events.map((event) => ({ at: event.at, event })),
    ...[...markers].map(([at, names]) => ({ at, names })),
  ]
  // Stable sort: at the same instant events keep their order, and markers (no events there) sort in.
  rows.sort((a, b) => a.at - b.at)

  let day = ''
  for (const row of rows) {
    const rowDay = local(row.at, 'EEE d MMM yyyy')
    if (rowDay !== day) {
      lines.push('', c.dim(rowDay))
      day = rowDay
    }
    const time = timeOf(row.at).padEnd(timeWidth)
    if (row.names) {
      lines.push(`${time}  ${c.dim(fit(`── ${row.names.join(' · ')} ──`, width - timeWidth - 2))}`)
      continue
    }
    const event = row.event!
    const position = phaseAt(phaseList, event.at)
    const prefix = `${time}  ${paintPhase(position, c)}  ${event.kind.padEnd(kindWidth)}  `
    const room = width - (timeWidth + 2 + phaseWidth + 2 + kindWidth + 2)
    const { text, actor } = fitEvent(event, room)
    const body = event.important ? c.bold(text) : text
    lines.push(`${prefix}${body}${actor ? `  ${c.dim(actor)}` : ''}`)
  }
  return `${lines.join('\n')}\n`
}

const phasePaint: Record<PhasePosition, keyof TextColors | null> = {
  before: null,
  detect: 'yellow',
  acknowledge: 'red',
  mitigate: 'cyan',
  resolve: 'green',
  after: null,
}

/** The phase column: a coloured bar and the phase name, padded; `· before`/`· after` dimmed. */
function paintPhase(position: PhasePosition, c: TextColors): string {
  const paint = phasePaint[position]
  const label = `${paint ? '▐' : '·'} ${position}`.padEnd(phaseWidth)
  return paint ? c[paint](label) : c.dim(label)
}

/** The first line of the event text and the actor, terminal-safe and cut to `room` characters. */
function fitEvent(event: TimelineEvent, room: number): { text: string; actor: string } {
  const [head = '', ...rest] = event.text.trim().split(/\r?\n/)
  const more = rest.some((line) => line.trim() !== '')
  const text = sanitize(head.trimEnd()) + (more ? ' …' : '')
  let actor = event.actor ? fit(sanitize(event.actor), 24) : ''
  // The actor gives way first when the line is short.
  if (actor && room - length(actor) - 2 < 24) actor = ''
  const textRoom = Math.max(1, room - (actor ? length(actor) + 2 : 0))
  return { text: fit(text, textRoom), actor }
}

/** Length in code points (a terminal cell each, for all but wide characters). */
function length(text: string): number {
  return Array.from(text).length
}

/** `text` cut to `max` code points, the last one an ellipsis when anything was cut. */
function fit(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`
}
