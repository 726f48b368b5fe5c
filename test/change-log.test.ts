import { describe, expect, it } from 'vitest'
import { ChangeLog } from '../src/site/change-log.js'

describe('ChangeLog', () => {
  it('knows nothing at first: the first build checks every file', () => {
    const log = new ChangeLog()
    expect(log.since().paths).toBeUndefined()
    expect(log.has('/r/a.yaml')).toBe(true)
  })

  it('forgets what a build checked once it succeeded, and keeps what was named meanwhile', () => {
    const log = new ChangeLog()
    log.settle(log.since())
    expect(log.since().paths).toEqual(new Set())
    log.note('/r/a.yaml')
    const build = log.since()
    expect(build.paths).toEqual(new Set(['/r/a.yaml']))
    // Named while that build runs: the next build checks it, even if it was among the first's.
    log.note('/r/b.yaml')
    log.note('/r/a.yaml')
    log.settle(build)
    expect(log.since().paths).toEqual(new Set(['/r/a.yaml', '/r/b.yaml']))
    log.settle(log.since())
    expect(log.since().paths).toEqual(new Set())
    expect(log.has('/r/a.yaml')).toBe(false)
  })

  it('keeps the files of a failed build for the next one', () => {
    const log = new ChangeLog()
    log.settle(log.since())
    log.note('/r/broken.yaml')
    log.since() // a build that failed: not settled
    log.note('/r/other.yaml')
    expect(log.since().paths).toEqual(new Set(['/r/broken.yaml', '/r/other.yaml']))
  })

  it('checks everything again after a change it could not name', () => {
    const log = new ChangeLog()
    log.settle(log.since())
    log.note('/r/a.yaml')
    log.note()
    const build = log.since()
    expect(build.paths).toBeUndefined()
    expect(log.has('/r/z.yaml')).toBe(true)
    log.settle(build)
    expect(log.since().paths).toEqual(new Set())
  })
})
