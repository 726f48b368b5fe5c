/**
 * The module piscina starts each worker thread of the bundled CLI with (`lib/worker.js`): it runs the
 * worker's bundle (`lib/worker.cjs`, made from `worker.ts`) from a V8 code cache, as
 * `bin/postmortem.js` runs the CLI's (see `src/cli/load-bundle.ts`). Each worker compiled ~1.9 MB of
 * JavaScript before its first job. piscina ends a worker with `terminate()`, which runs no exit hook:
 * a worker writes the cache after its first job instead, when there is one to write. Note: meaningful
 * only bundled; run from the TypeScript sources, jobs stay in the main thread (`job-runner.ts`).
 */
import { fileURLToPath } from 'node:url'
import { codeCacheDir, loadBundle } from '../cli/load-bundle.js'
import type * as Worker from './worker.js'

const loaded = loadBundle(fileURLToPath(new URL('./worker.cjs', import.meta.url)), {
  cacheDir: codeCacheDir(fileURLToPath(new URL('..', import.meta.url))),
  variant: 'worker',
  saveAtExit: false,
})
const worker = loaded.exports as typeof Worker

/**
 * Runs a job, then writes the code cache if there is one to write (once: ~30 ms, on a command's
 * first two runs). Note: not later, in a callback: piscina's workers wait for jobs in
 * `Atomics.wait`, and their event loop may not turn again before they are ended.
 */
function job<Job, Reply>(run: (job: Job) => Reply): (job: Job) => Reply {
  return (input) => {
    try {
      return run(input)
    } finally {
      loaded.saveCache()
    }
  }
}

export const render: typeof Worker.render = job(worker.render)
export const postmortem: typeof Worker.postmortem = job(worker.postmortem)
export const validate: typeof Worker.validate = job(worker.validate)
export const figures: typeof Worker.figures = job(worker.figures)
export const sync: typeof Worker.sync = job(worker.sync)
