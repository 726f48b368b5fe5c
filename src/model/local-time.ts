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
    super(at + shiftOf(offset))
  }

  /** Whole minutes, as TZDate reports them (an offset of local mean time has seconds too). */
  override getTimezoneOffset(): number {
    return -Math.trunc(this.offset) || 0
  }

  /** date-fns clones dates through this: the copy keeps the offset. */
  [constructFrom](value: Date | number): WallClock {
    return new WallClock(+value - shiftOf(this.offset), this.offset)
  }
}

/** An offset in minutes as milliseconds to add, to the whole second, as TZDate shifts its fields. */
const shiftOf = (offset: number) => Math.round(offset * 60) * 1000

/**
 * `at` as local time of `zone` in a date-fns pattern: `formatInZone(at, 'America/Los_Angeles',
 * 'yyyy-MM-dd HH:mm xxx')` → `2025-01-22 12:03 -08:00`. Same output as `format(new TZDate(at, zone), …)`.
 */
export function formatInZone(at: Instant, zone: string, pattern: string): string {
  const offset = zoneOffset(zone, at)
  const fast = fixedPatterns[pattern]
  // Note: years 1000-9999 (four digits, as `yyyy` pads) in a known zone; else date-fns.
  if (fast && at >= minFast && at < maxFast && Number.isFinite(offset))
    return fast(new Date(at + shiftOf(offset)), offset)
  const key = `${at} ${zone} ${pattern}`
  let text = formatted.get(key)
  if (text === undefined) {
    // Note: a bound, not an LRU: the times of the records being rendered come back within a record.
    if (formatted.size >= 20_000) formatted.clear()
    text = format(new WallClock(at, offset), pattern)
    formatted.set(key, text)
  }
  return text
}

/**
 * Formatted times by instant, zone and pattern, for the patterns without a formatter below: date-fns
 * parses the pattern on every call (~5 µs).
 */
const formatted = new Map<string, string>()

const minFast = Date.UTC(1000, 0, 2)
const maxFast = Date.UTC(9999, 11, 31)
const two = (n: number) => (n < 10 ? `0${n}` : String(n))
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const fullMonths = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
/** `EEE d MMM`: `Wed 22 Jan`. */
const dayMonth = (d: Date) => `${weekdays[d.getUTCDay()]!} ${d.getUTCDate()} ${months[d.getUTCMonth()]!}`
/** `d MMMM yyyy`: `22 January 2025`. */
const longDate = (d: Date) => `${d.getUTCDate()} ${fullMonths[d.getUTCMonth()]!} ${d.getUTCFullYear()}`
const dateOf = (d: Date) => `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`
const clock = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
/** `xxx`: `+05:45`, `-08:00`, `+00:00`; the seconds of local mean time left out, as TZDate does. */
function offsetText(offset: number): string {
  const minutes = Math.trunc(Math.abs(offset))
  return `${offset <= -1 ? '-' : '+'}${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`
}

/**
 * The patterns this code base formats with, written out directly from the wall-clock date's UTC fields
 * (date-fns parses its pattern on every call: most of a page's time formatting). A test holds them to
 * date-fns for instants across the years and zones with odd offsets.
 */
const fixedPatterns: Record<string, (wall: Date, offset: number) => string> = {
  'yyyy-MM-dd HH:mm xxx': (d, offset) => `${dateOf(d)} ${clock(d)} ${offsetText(offset)}`,
  'yyyy-MM-dd': dateOf,
  'yyyy-MM': (d) => `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}`,
  'HH:mm': clock,
  'HH:mm xxx': (d, offset) => `${clock(d)} ${offsetText(offset)}`,
  'd MMM HH:mm': (d) => `${d.getUTCDate()} ${months[d.getUTCMonth()]!} ${clock(d)}`,
  'd MMM': (d) => `${d.getUTCDate()} ${months[d.getUTCMonth()]!}`,
  xxx: (_d, offset) => offsetText(offset),
  'EEE d MMM': dayMonth,
  'EEE d MMM yyyy': (d) => `${dayMonth(d)} ${d.getUTCFullYear()}`,
  'd MMMM yyyy': longDate,
  'd MMMM yyyy HH:mm': (d) => `${longDate(d)} ${clock(d)}`,
}

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
