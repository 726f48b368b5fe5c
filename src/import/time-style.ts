/**
 * Imported times are written the way the record already writes its times, so a record reads as one
 * hand: local times without an offset (a record with `timezone` whose entries have none), UTC (`Z`), the
 * offset of the record's zone at that instant (`-08:00` in winter, `-07:00` in summer), or one fixed
 * offset. The style is the one most of the record's timeline (else its key times) uses; a record with
 * neither follows its `timezone` (zone offsets), else UTC. Every time is written to the second and read
 * back with the validator's own parser: a local time that DST makes ambiguous gets its offset instead.
 */
import { tzOffset } from '@date-fns/tz'
import type { Instant } from '../validate/timestamps.js'
import { parseTimestamp, timestampPattern } from '../validate/timestamps.js'

/** How a record writes its times. */
export type TimeStyle =
  | { kind: 'utc' }
  | { kind: 'zone'; zone: string }
  | { kind: 'local'; zone: string }
  | { kind: 'fixed'; offsetMinutes: number }

/** The style of a record's times, from the times it already has. */
export function recordTimeStyle(record: {
  timezone?: string | undefined
  timeline?: ReadonlyArray<{ at?: unknown }>
  timestamps?: Readonly<Record<string, unknown>>
}): TimeStyle {
  const zone = record.timezone
  const written = (record.timeline ?? []).map((e) => e.at)
  const samples = (written.length > 0 ? written : Object.values(record.timestamps ?? {})).filter(
    (v): v is string => typeof v === 'string',
  )
  const counts = new Map<string, { style: TimeStyle; count: number }>()
  for (const value of samples) {
    const style = styleOf(value, zone)
    if (!style) continue
    const key = JSON.stringify(style)
    const entry = counts.get(key) ?? { style, count: 0 }
    entry.count++
    counts.set(key, entry)
  }
  let best: { style: TimeStyle; count: number } | undefined
  // Note: ties go to the first style met, so the oldest entries decide.
  for (const entry of counts.values()) if (!best || entry.count > best.count) best = entry
  return best?.style ?? (zone ? { kind: 'zone', zone } : { kind: 'utc' })
}

function styleOf(value: string, zone: string | undefined): TimeStyle | undefined {
  const m = timestampPattern.exec(value)
  if (!m) return undefined
  const offset = m[8]
  if (offset === undefined) return zone ? { kind: 'local', zone } : undefined
  if (offset === 'Z') return { kind: 'utc' }
  const parsed = parseTimestamp(value, zone)
  if (!parsed.ok) return undefined
  const sign = offset.startsWith('-') ? -1 : 1
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))
  if (zone && tzOffset(zone, new Date(parsed.instant)) === minutes) return { kind: 'zone', zone }
  return minutes === 0 ? { kind: 'utc' } : { kind: 'fixed', offsetMinutes: minutes }
}

/** An instant (to the second) in a record's style. */
export function formatTime(instant: Instant, style: TimeStyle): string {
  const at = Math.floor(instant / 1000) * 1000
  switch (style.kind) {
    case 'utc':
      return `${wallClock(at, 0)}Z`
    case 'fixed':
      return `${wallClock(at, style.offsetMinutes)}${offsetText(style.offsetMinutes)}`
    case 'zone': {
      const minutes = tzOffset(style.zone, new Date(at))
      return `${wallClock(at, minutes)}${offsetText(minutes)}`
    }
    case 'local': {
      const local = wallClock(at, tzOffset(style.zone, new Date(at)))
      const back = parseTimestamp(local, style.zone)
      // In the hour that repeats when clocks go back, a local time names two instants.
      return back.ok && back.instant === at ? local : formatTime(at, { kind: 'zone', zone: style.zone })
    }
  }
}

function wallClock(instant: Instant, offsetMinutes: number): string {
  return new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 19)
}

function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z'
  const abs = Math.abs(minutes)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}
