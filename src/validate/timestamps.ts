import { TZDate } from '@date-fns/tz'

/** Milliseconds since the Unix epoch: every timestamp is compared as an instant. */
export type Instant = number

/** ISO 8601 date-time, offset optional here (required unless the record sets `timezone`). */
export const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/
/** A calendar date, `YYYY-MM-DD`. */
export const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/

export type TimestampResult =
  | { ok: true; instant: Instant }
  | {
      ok: false
      code: 'INVALID_TIMESTAMP' | 'INVALID_DATE' | 'MISSING_OFFSET'
      message: string
      hint: string
    }

const formatHint =
  'Write an ISO 8601 time with an offset, e.g. `2025-01-22T12:03:00-08:00` or `2025-01-22T20:03:00Z`.'

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (zone === '' || zone.length > 64) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/**
 * Reads a record timestamp as an instant. Offset-less times are read in `zone` (DST-correct via
 * @date-fns/tz); a local time that does not exist in that zone (skipped by a DST change) is an error.
 */
export function parseTimestamp(value: string, zone: string | undefined): TimestampResult {
  const instant = commonInstant(value)
  return instant === undefined ? readTimestamp(value, zone) : { ok: true, instant }
}

/** `parseTimestamp` for any text, through the pattern (exported for the test that compares the two). */
export function readTimestamp(value: string, zone: string | undefined): TimestampResult {
  const m = timestampPattern.exec(value)
  if (!m) {
    const compact = /([+-])(\d{2})(\d{2})$/.exec(value)
    const hint = compact
      ? `Write the offset with a colon: \`${compact[1]}${compact[2]}:${compact[3]}\` instead of \`${compact[0]}\`.`
      : / \d{2}:\d{2}/.test(value)
        ? 'Separate date and time with `T`, e.g. `2025-01-22T12:03:00-08:00`.'
        : formatHint
    return {
      ok: false,
      code: 'INVALID_TIMESTAMP',
      message: `expected an ISO 8601 timestamp, got \`${value}\``,
      hint,
    }
  }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ]
  const second = Number(m[6] ?? 0)
  const millis = Math.floor(Number(`0${m[7] ?? ''}`) * 1000)
  const offset = m[8]
  const calendarProblem = checkCalendar(year, month, day) ?? checkClock(hour, minute, second)
  if (calendarProblem)
    return {
      ok: false,
      code: 'INVALID_DATE',
      message: `\`${value}\` ${calendarProblem}`,
      hint: 'Fix the date or time.',
    }

  if (offset === undefined) {
    if (zone === undefined)
      return {
        ok: false,
        code: 'MISSING_OFFSET',
        message: `\`${value}\` has no UTC offset and the record sets no \`timezone\``,
        hint: 'Add the offset (`…-08:00` or `…Z`), or set `timezone:` (e.g. `America/Los_Angeles`) on the record.',
      }
    const local = new TZDate(year, month - 1, day, hour, minute, second, millis, zone)
    // A skipped local time (spring forward) comes back shifted: report it instead of guessing.
    if (local.getHours() !== hour || local.getMinutes() !== minute || local.getDate() !== day)
      return {
        ok: false,
        code: 'INVALID_DATE',
        message: `\`${value}\` does not exist in ${zone}: the clocks skipped it for daylight saving time`,
        hint: 'Check the time, or write it with an explicit offset.',
      }
    return { ok: true, instant: local.getTime() }
  }

  let offsetMinutes = 0
  if (offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1
    const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number]
    if (oh > 14 || om > 59 || oh * 60 + om > 14 * 60)
      return {
        ok: false,
        code: 'INVALID_TIMESTAMP',
        message: `\`${value}\` has offset \`${offset}\`, outside −14:00…+14:00`,
        hint: formatHint,
      }
    offsetMinutes = sign * (oh * 60 + om)
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  return { ok: true, instant: utc - offsetMinutes * 60_000 }
}

/**
 * The instant of a valid timestamp in the common form, `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`,
 * read from its characters; `undefined` for any other text, which `parseTimestamp` reads with the
 * pattern and explains. A record has dozens of timestamps, each read twice (schema, then normalising):
 * the pattern, its captures and their conversion were ~5 % of validating a record (a fifth of the
 * schema's check).
 */
function commonInstant(value: string): Instant | undefined {
  const zulu = value.length === 20
  if (!zulu && value.length !== 25) return undefined
  const year = digits(value, 0, 4)
  const month = digits(value, 5, 2)
  const day = digits(value, 8, 2)
  const hour = digits(value, 11, 2)
  const minute = digits(value, 14, 2)
  const second = digits(value, 17, 2)
  if ((year | month | day | hour | minute | second) < 0) return undefined
  if (value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':')
    return undefined
  // Note: Date.UTC reads years 0–99 as 1900–1999; the pattern's path keeps that reading.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes = 0
  if (zulu) {
    if (value[19] !== 'Z') return undefined
  } else {
    const sign = value[19] === '+' ? 1 : value[19] === '-' ? -1 : 0
    const [oh, om] = [digits(value, 20, 2), digits(value, 23, 2)]
    if (sign === 0 || value[22] !== ':' || oh < 0 || om < 0 || om > 59 || oh * 60 + om > 14 * 60)
      return undefined
    offsetMinutes = sign * (oh * 60 + om)
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000
}

/** The number written with `count` ASCII digits at `start`, or -1. */
function digits(text: string, start: number, count: number): number {
  let n = 0
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48
    if (!(d >= 0 && d <= 9)) return -1
    n = n * 10 + d
  }
  return n
}

/** Days in a month (1–12) of the proleptic Gregorian calendar, as `Date` counts them. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Reads a `YYYY-MM-DD` date; returns the instant of its start in UTC, or a problem. */
export function parseDate(value: string): { ok: true; instant: Instant } | { ok: false; message: string } {
  const m = datePattern.exec(value)
  if (!m) return { ok: false, message: `expected a date \`YYYY-MM-DD\`, got \`${value}\`` }
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number]
  const problem = checkCalendar(year, month, day)
  if (problem) return { ok: false, message: `\`${value}\` ${problem}` }
  return { ok: true, instant: Date.UTC(year, month - 1, day) }
}

function checkCalendar(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12) return `has month ${month}; months run 01–12`
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day < 1 || day > days) return `is not a calendar date: ${year}-${pad(month)} has ${days} days`
  return undefined
}

function checkClock(hour: number, minute: number, second: number): string | undefined {
  if (hour > 23) return `has hour ${hour}; hours run 00–23`
  if (minute > 59) return `has minute ${minute}; minutes run 00–59`
  if (second > 59) return `has second ${second}; seconds run 00–59`
  return undefined
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
