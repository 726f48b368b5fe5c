import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatHelpers } from '../src/render/helpers.js'

describe('formatHelpers', () => {
  it('number: thousands separators as en-US writes them, — when unknown', () => {
    expect(formatHelpers.number(12400)).toBe('12,400')
    expect(formatHelpers.number(-1234.5678)).toBe('-1,234.568')
    expect(formatHelpers.number(Number.NaN)).toBe('—')
    expect(formatHelpers.number(null)).toBe('—')
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true }), fc.integer()), (n) =>
        Number.isFinite(n)
          ? formatHelpers.number(n) === n.toLocaleString('en-US')
          : formatHelpers.number(n) === '—',
      ),
      { numRuns: 5_000 },
    )
  })
})
