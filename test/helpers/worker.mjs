// The worker module (src/jobs/worker.ts), loaded from TypeScript sources in a worker thread: tests run
// from src/, where there is no compiled worker.js for the job runner to find.
import { register } from 'tsx/esm/api'

register()
const worker = await import('../../src/jobs/worker.ts')

export const { render, validate, postmortem, figures, sync } = worker
