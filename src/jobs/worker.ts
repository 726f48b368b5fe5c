/**
 * A worker thread (run by piscina, see `job-runner.ts`): sets up once from the command's
 * `WorkerSetup`, then runs one record job per task. Failures the tool reports to users come back as
 * data, so the main thread can raise them as they would have been raised there.
 */
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina'
import { PostmortemError } from '../errors.js'
import type { SyncRecord } from '../github/sync-job.js'
import { runSyncJob } from '../github/sync-job.js'
import type { FiguredRecord } from '../model/figures-job.js'
import { runFiguresJob } from '../model/figures-job.js'
import type { PostmortemEnv, RenderedRecord } from '../render/postmortem-job.js'
import { runPostmortemJob } from '../render/postmortem-job.js'
import { compileTemplates, TemplateError } from '../render/templates.js'
import { redactPatterns } from '../site/publish.js'
import type { RecordDone, RecordEnv, RecordJob } from '../site/record-job.js'
import { runRecordJob } from '../site/record-job.js'
import type { ValidateEnv, ValidateJob, Validated } from '../validate/validate-job.js'
import { runValidateJob } from '../validate/validate-job.js'
import type { WorkerReply, WorkerSetup } from './job-runner.js'

const setup = workerData as WorkerSetup
let env: RecordEnv | undefined
let postmortemEnv: PostmortemEnv | undefined

function postmortemSetup(): PostmortemEnv {
  const { config, at, limits, postmortem: wanted } = setup
  if (!wanted) throw new Error('this worker was set up without what rendering postmortems needs')
  return { config, at, limits, templates: compileTemplates(wanted.markdown), audience: wanted.audience }
}

function renderEnv(): RecordEnv {
  const { config, render } = setup
  if (!render) throw new Error('this worker was set up without what rendering needs')
  return {
    context: {
      config,
      audience: render.audience,
      layouts: compileTemplates(render.layouts),
      markdown: compileTemplates(render.markdown),
      baseUrl: render.baseUrl,
      generator: render.generator,
      at: setup.at,
    },
    patterns: redactPatterns(config.redact),
    limits: setup.limits,
    onSite: new Set(render.onSite),
  }
}

function reply<Done>(work: () => Done): WorkerReply<Done> {
  try {
    return { done: work() }
  } catch (error) {
    if (error instanceof TemplateError)
      return { failed: { message: error.reason, template: { file: error.file, line: error.line } } }
    if (error instanceof PostmortemError)
      return { failed: { message: error.message, exitCode: error.exitCode } }
    throw error
  }
}

/** Parses, validates and renders one record of a build; its files' bytes are moved, not copied. */
export function render(job: RecordJob): WorkerReply<RecordDone> | ReturnType<typeof move> {
  const answer = reply(() => runRecordJob(job, (env ??= renderEnv())))
  if (!('done' in answer)) return answer
  // Note: each buffer once (the Markdown's serves two files): moving one twice is an error.
  const buffers = new Set(answer.done.site.map(([, bytes]) => bytes.buffer))
  // Note: piscina moves what a result lists under `transferableSymbol`, and sends its `valueSymbol`.
  return move({ [transferableSymbol]: [...buffers], [valueSymbol]: answer })
}

/** Parses and validates one record, and renders its Markdown postmortem. */
export function postmortem(job: ValidateJob): WorkerReply<RenderedRecord> {
  return reply(() => runPostmortemJob(job, (postmortemEnv ??= postmortemSetup())))
}

/** Parses and validates one record, and derives its figures. */
export function figures(job: ValidateJob): WorkerReply<FiguredRecord> {
  const validateEnv: ValidateEnv = setup
  return reply(() => runFiguresJob(job, validateEnv))
}

/** Parses and validates one record, and keeps what `issues sync` reads of it. */
export function sync(job: ValidateJob): WorkerReply<SyncRecord> {
  const validateEnv: ValidateEnv = setup
  return reply(() => runSyncJob(job, validateEnv))
}

/** Parses and validates one record. */
export function validate(job: ValidateJob): WorkerReply<Validated> {
  const validateEnv: ValidateEnv = setup
  return reply(() => runValidateJob(job, validateEnv))
}
