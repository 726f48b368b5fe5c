/**
 * A full garbage collection, for `serve`'s idle moments after a rebuild. V8 collects the old
 * generation lazily: a `serve` session at 10,000 records grew from ~330 to ~630 MiB in four edits as
 * each rebuild left its page strings (up to 14 MB each) for later, though ~95 MB stayed live.
 * Collecting once each rebuild is served kept it at ~400–435 MiB, the rebuilds as fast. Not after
 * the warm-up: collecting then ages the code it just compiled, and the first edit was 0.2 s slower.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let collect: (() => void) | null | undefined

/** Runs a full collection; does nothing where V8 does not offer one. */
export function collectGarbage(): void {
  if (collect === undefined) collect = garbageCollector()
  collect?.()
}

function garbageCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === 'function') return exposed
  try {
    // Note: the flag applies to contexts created from now on; only this new context gets `gc`.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    return typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    return null
  }
}
