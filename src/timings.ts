/**
 * Wall time spent per stage of a run, for `build --timings`. Stages that run many times (one per
 * record) add up; `report()` lists them in the order they first ran.
 */
export class Timings {
  private readonly spent = new Map<string, { ms: number; count: number }>()

  /** Runs `fn` and adds its wall time to `stage`. */
  time<T>(stage: string, fn: () => T): T {
    const start = performance.now()
    try {
      return fn()
    } finally {
      this.add(stage, performance.now() - start)
    }
  }

  /** Awaits `fn` and adds its wall time to `stage`. */
  async timeAsync<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await fn()
    } finally {
      this.add(stage, performance.now() - start)
    }
  }

  add(stage: string, ms: number): void {
    const entry = this.spent.get(stage)
    if (entry) {
      entry.ms += ms
      entry.count += 1
    } else this.spent.set(stage, { ms, count: 1 })
  }

  /** Every stage with its total milliseconds and how many times it ran. */
  report(): Array<{ stage: string; ms: number; count: number }> {
    return [...this.spent].map(([stage, { ms, count }]) => ({ stage, ms, count }))
  }
}
