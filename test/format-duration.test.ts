import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatDuration, formatResponseTimes } from '../src/model/format-duration.js'

const minute = 60_000

describe('formatDuration', () => {
  it.each([
    [0, '0m'],
    [44 * minute, '44m'],
    [(2 * 60 + 59) * minute, '2h 59m'],
    [(3 * 60 + 44) * minute, '3h 44m'],
    [2 * 60 * minute, '2h 0m'],
    [(26 * 60 + 5) * minute, '1d 2h 5m'],
    [(24 * 60 + 5) * minute, '1d 0h 5m'],
    [29_999, '0m'],
    [30_000, '1m'],
    [89_999, '1m'],
    [90_000, '2m'],
    [59 * minute + 30_000, '1h 0m'],
    [-44 * minute, '-44m'],
    [-20_000, '0m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('shows a missing or impossible value as a dash', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(Number.NaN)).toBe('—')
    expect(formatDuration(Infinity)).toBe('—')
  })

  it('rounds to the nearest minute, halves up', () => {
    const parse = (text: string) => {
      const m = /^(?:(\d+)d )?(?:(\d+)h )?(\d+)m$/.exec(text)
      expect(m, text).not.toBeNull()
      return Number(m![1] ?? 0) * 1440 + Number(m![2] ?? 0) * 60 + Number(m![3])
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 24 * 60 * minute }), (ms) => {
        const minutes = parse(formatDuration(ms))
        expect(Math.abs(minutes * minute - ms)).toBeLessThanOrEqual(minute / 2)
        if (ms % minute === minute / 2) expect(minutes * minute).toBeGreaterThan(ms)
      }),
    )
  })
})

describe('formatResponseTimes', () => {
  it('puts the four response times on one line', () => {
    expect(
      formatResponseTimes({
        time_to_detect: 0,
        time_to_acknowledge: 44 * minute,
        time_to_mitigate: 179 * minute,
        time_to_resolve: null,
      }),
    ).toBe('time to detect 0m · acknowledge 44m · mitigate 2h 59m · resolve —')
  })
})
