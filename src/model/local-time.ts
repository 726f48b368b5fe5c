// Local times of instants in IANA zones, fast enough for every timestamp of 10,000 records.
//
// `new TZDate(at, zone)` asks Intl for the zone's offset several times per date (and date-fns' `format`
// clones the date, asking again): a build spent an eighth of its time there. Here the offset is asked
// once per zone and local day, and formatting runs on a UTC date shifted to the wall-clock time, whose
// offset tokens (`xxx`, `XXX`) still print the zone's real offset.
import { tzOffset } from '@date-fns/tz'
import { UTCDate } from '@date-fns/utc'
import { format } from 'date-fns/format'
import type { Instant } from '../validate/timestamps.js'

const day = 86_400_000
const constructFrom = Symbol.for('constructDateFrom')

/** Offsets by zone, by UTC day; `null` marks a day with a transition (asked per instant). */
const offsets = new Map<string, Map<number, number | null>>()

/**
 * The UTC offset of `zone` at `at`, in minutes (`-480` for PST). An unknown zone gives `NaN`.
 *
 * Note: a day whose start and end share one offset has it throughout: zones change offset at most
 * once a day.
 */
export function zoneOffset(zone: string, at: Instant): number {
  let days = offsets.get(zone)
  if (!days) offsets.set(zone, (days = new Map()))
  const key = Math.floor(at / day)
  let known = days.get(key)
  if (known === undefined) {
    const start = tzOffset(zone, new Date(key * day))
    known = start === tzOffset(zone, new Date(key * day + day - 1)) ? start : null
    days.set(key, known)
  }
  return known ?? tzOffset(zone, new Date(at))
}

/** A date whose local fields are the wall-clock time of an instant in a zone, for date-fns. */
// Note: UTCDate's types say its offset is always 0; this subclass reports the zone's.
class WallClock extends (UTCDate as unknown as DateConstructor) {
  constructor(
    at: number,
    readonly offset: number,
  ) {
    super(at + offset * 60_000)
  }

  override getTimezoneOffset(): number {
    return -this.offset
  }

  /** date-fns clones dates through this: the copy keeps the offset. */
  [constructFrom](value: Date | number): WallClock {
    return new WallClock(+value - this.offset * 60_000, this.offset)
  }
}

/**
 * `at` as local time of `zone` in a date-fns pattern: `formatInZone(at, 'America/Los_Angeles',
 * 'yyyy-MM-dd HH:mm xxx')` → `2025-01-22 12:03 -08:00`. Same output as `format(new TZDate(at, zone), …)`.
 */
export function formatInZone(at: Instant, zone: string, pattern: string): string {
  const key = `${at} ${zone} ${pattern}`
  let text = formatted.get(key)
  if (text === undefined) {
    // Note: a bound, not an LRU: the times of the records being rendered come back within a record.
    if (formatted.size >= 20_000) formatted.clear()
    text = format(new WallClock(at, zoneOffset(zone, at)), pattern)
    formatted.set(key, text)
  }
  return text
}

/**
 * Formatted times by instant, zone and pattern: a record's page, postmortem and timeline print the
 * same times in the same patterns, and date-fns parses the pattern on every call (~5 µs).
 */
const formatted = new Map<string, string>()

/** The wall-clock time of an instant in a zone, as a Date whose UTC fields hold it. */
export function wallClock(at: Instant, zone: string): Date {
  return new Date(at + zoneOffset(zone, at) * 60_000)
}

/**
 * The instant when the clocks of `zone` show `wall` (a wall-clock time held in a Date's UTC fields,
 * as epoch ms). A time skipped by a DST change moves forward by the gap (02:30 → 03:30); a time that
 * occurs twice is the first one.
 */
export function instantAt(wall: number, zone: string): Instant {
  const shows = (at: Instant) => at + zoneOffset(zone, at) * 60_000 === wall
  const early = wall - zoneOffset(zone, wall - day) * 60_000
  if (shows(early)) return early
  const late = wall - zoneOffset(zone, wall + day) * 60_000
  return shows(late) ? late : early
}
