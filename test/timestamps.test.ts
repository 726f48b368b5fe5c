import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseTimestamp, readTimestamp } from '../src/validate/timestamps.js'

const zones = [undefined, 'UTC', 'America/Los_Angeles', 'Asia/Kathmandu']

/** Two characters of a field: mostly digits, sometimes not, so every check of the fast reader is met. */
const part = (digits: number) =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.integer({ min: 0, max: 10 ** digits - 1 }).map((n) => `${n}`.padStart(digits, '0')),
    },
    { weight: 1, arbitrary: fc.string({ minLength: digits, maxLength: digits }) },
    { weight: 1, arbitrary: fc.constantFrom('9'.repeat(digits), '0'.repeat(digits), ' 1'.slice(2 - digits)) },
  )
const separator = (usual: string) =>
  fc.oneof({ weight: 10, arbitrary: fc.constant(usual) }, fc.constantFrom('-', ':', 'T', 't', ' ', '/'))
const offset = fc.oneof(
  fc.constant('Z'),
  fc.tuple(fc.constantFrom('+', '-', '−', ' '), part(2), separator(':'), part(2)).map((p) => p.join('')),
  fc.constantFrom('z', '', '+14:00', '-14:00', '+14:01', '+13:60', '.5Z', ':00Z', '+0800'),
)
/** Timestamps shaped like the common form (`2025-01-22T12:03:00-08:00`), valid or nearly. */
const timestamp = fc
  .tuple(
    part(4),
    separator('-'),
    part(2),
    separator('-'),
    part(2),
    separator('T'),
    part(2),
    separator(':'),
    part(2),
    separator(':'),
    part(2),
    offset,
  )
  .map((p) => p.join(''))

describe('timestamps', () => {
  it('reads the common form as the pattern does, errors included (property)', () => {
    fc.assert(
      fc.property(timestamp, fc.constantFrom(...zones), (value, zone) => {
        expect(parseTimestamp(value, zone)).toEqual(readTimestamp(value, zone))
      }),
      { numRuns: 20_000 },
    )
  })

  it('reads calendar edges as the pattern does', () => {
    const edges = [
      '2024-02-29T23:59:59Z',
      '2023-02-29T00:00:00Z',
      '2000-02-29T12:00:00+14:00',
      '1900-02-29T12:00:00-14:00',
      '0000-02-29T12:00:00Z',
      '0099-12-31T23:59:59Z',
      '9999-12-31T23:59:59+00:00',
      '2025-04-31T00:00:00Z',
      '2025-01-22T24:00:00Z',
      '2025-01-22T12:03:00+05:45',
    ]
    for (const value of edges)
      for (const zone of zones) expect(parseTimestamp(value, zone)).toEqual(readTimestamp(value, zone))
    expect(parseTimestamp('2025-01-22T12:03:00-08:00', undefined)).toEqual({
      ok: true,
      instant: Date.UTC(2025, 0, 22, 20, 3),
    })
  })
})
