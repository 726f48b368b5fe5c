// The build's worker module, loaded from TypeScript sources in a worker thread: tests run from src/,
// where there is no compiled record-worker.js for the build to find.
import { register } from 'tsx/esm/api'

register()
const worker = await import('../../src/site/record-worker.ts')

export default worker.default
