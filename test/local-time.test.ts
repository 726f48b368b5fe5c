import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns/format'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatInZone, instantAt, wallClock, zoneOffset } from '../src/model/local-time.js'

const zones = [
  'UTC',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Africa/Casablanca',
]
const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) })
const oldInstant = fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(1990, 0, 1) })
const pattern = "yyyy-MM-dd'T'HH:mm:ss.SSS xxx XXX EEE d MMM"

describe('local time', () => {
  it('formats like TZDate + date-fns, offsets included (property)', () => {
    fc.assert(
      // Before standard time, zones were at local mean time: offsets with seconds (Berlin +00:53:28).
      fc.property(fc.oneof(instant, oldInstant), fc.constantFrom(...zones), (at, zone) => {
        expect(formatInZone(at, zone, pattern)).toBe(format(new TZDate(at, zone), pattern))
      }),
      { numRuns: 2000 },
    )
  })

  it('writes the patterns the pages use like TZDate + date-fns, from year 1000 to 9999 (property)', () => {
    const patterns = [
      'yyyy-MM-dd HH:mm xxx',
      'yyyy-MM-dd',
      'yyyy-MM',
      'HH:mm',
      'HH:mm xxx',
      'd MMM HH:mm',
      'd MMM',
      'xxx',
      'EEE d MMM',
      'EEE d MMM yyyy',
      'd MMMM yyyy',
      'd MMMM yyyy HH:mm',
    ]
    const anyInstant = fc.integer({ min: Date.UTC(900, 0, 1), max: Date.UTC(10_050, 0, 1) })
    const zone = fc.constantFrom(...zones, 'America/New_York', 'Europe/Amsterdam', 'Asia/Tokyo', 'Etc/GMT+12')
    fc.assert(
      fc.property(fc.oneof(instant, anyInstant), zone, fc.constantFrom(...patterns), (at, z, p) => {
        expect(formatInZone(at, z, p)).toBe(format(new TZDate(at, z), p))
      }),
      { numRuns: 3000 },
    )
  })

  it('formats the instants around DST changes right', () => {
    // Los Angeles springs forward at 10:00Z on 2025-03-09 and falls back at 09:00Z on 2025-11-02.
    for (const at of [
      Date.UTC(2025, 2, 9, 9, 59, 59),
      Date.UTC(2025, 2, 9, 10, 0, 0),
      Date.UTC(2025, 10, 2, 8, 59, 59),
      Date.UTC(2025, 10, 2, 9, 0, 0),
    ])
      expect(formatInZone(at, 'America/Los_Angeles', pattern)).toBe(
        format(new TZDate(at, 'America/Los_Angeles'), pattern),
      )
    expect(zoneOffset('America/Los_Angeles', Date.UTC(2025, 2, 9, 9, 59))).toBe(-480)
    expect(zoneOffset('America/Los_Angeles', Date.UTC(2025, 2, 9, 10, 0))).toBe(-420)
  })

  it('reads a wall-clock time back as the instant that shows it (property)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (at, zone) => {
        const wall = wallClock(at, zone).getTime()
        const back = instantAt(wall, zone)
        expect(wallClock(back, zone).getTime()).toBe(wall)
      }),
      { numRuns: 2000 },
    )
  })

  it('moves a time skipped by DST forward and takes the first of a repeated one', () => {
    expect(instantAt(Date.UTC(2025, 2, 9, 2, 30), 'America/Los_Angeles')).toBe(Date.UTC(2025, 2, 9, 10, 30))
    expect(instantAt(Date.UTC(2025, 10, 2, 1, 30), 'America/Los_Angeles')).toBe(Date.UTC(2025, 10, 2, 8, 30))
  })
})

describe('local time in a zone that does not exist', () => {
  it('fails as date-fns does for every pattern, fixed or not', () => {
    for (const pattern of ['yyyy-MM-dd', 'HH:mm', 'yyyy-MM-dd HH:mm xxx', 'EEE d MMM'])
      expect(() => formatInZone(Date.UTC(2025, 0, 1), 'Not/AZone', pattern), pattern).toThrow(RangeError)
  })
})
