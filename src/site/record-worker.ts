/**
 * A worker thread of a build (run by piscina, see `record-pool.ts`): compiles the build's templates
 * once, then runs one record job per task. Failures the tool reports to users come back as data, so
 * the main thread can raise them as they would have been raised there.
 */
import { workerData } from 'piscina'
import { PostmortemError } from '../errors.js'
import { compileTemplates, TemplateError } from '../render/templates.js'
import { redactPatterns } from './publish.js'
import type { RecordEnv, RecordJob } from './record-job.js'
import { runRecordJob } from './record-job.js'
import type { WorkerReply, WorkerSetup } from './record-pool.js'

let env: RecordEnv | undefined

function setUp(setup: WorkerSetup): RecordEnv {
  const { config } = setup
  return {
    context: {
      config,
      audience: setup.audience,
      layouts: compileTemplates(setup.layouts),
      markdown: compileTemplates(setup.markdown),
      baseUrl: setup.baseUrl,
      generator: setup.generator,
      at: setup.at,
    },
    patterns: redactPatterns(config.redact),
    limits: setup.limits,
    onSite: new Set(setup.onSite),
  }
}

export default function recordTask(job: RecordJob): WorkerReply {
  try {
    env ??= setUp(workerData as WorkerSetup)
    return { done: runRecordJob(job, env) }
  } catch (error) {
    if (error instanceof TemplateError)
      return { failed: { message: error.reason, template: { file: error.file, line: error.line } } }
    if (error instanceof PostmortemError)
      return { failed: { message: error.message, exitCode: error.exitCode } }
    throw error
  }
}
