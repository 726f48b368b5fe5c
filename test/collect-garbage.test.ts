import { describe, expect, it } from 'vitest'
import { collectGarbage } from '../src/site/collect-garbage.js'

describe('collectGarbage', () => {
  it('frees what nothing refers to any more, at once', () => {
    const holder: { garbage?: number[][] } = {
      garbage: Array.from({ length: 200 }, () => new Array<number>(50_000).fill(1)),
    }
    const before = process.memoryUsage().heapUsed
    expect(holder.garbage).toHaveLength(200)
    delete holder.garbage
    collectGarbage()
    const freed = before - process.memoryUsage().heapUsed
    // 200 arrays of 50,000 small integers: ~80 MB.
    expect(freed).toBeGreaterThan(40_000_000)
  })
})
