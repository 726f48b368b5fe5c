/**
 * Runs a build's record jobs in this thread, or — once a build has enough records to rebuild to pay
 * for starting them — in worker threads (piscina): parsing, validating and rendering are CPU work
 * that is independent per record. Either way a job gives the same result.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { PostmortemError } from '../errors.js'
import type { SourceLimits } from '../load/parse-source.js'
import type { TemplateSources } from '../render/templates.js'
import { TemplateError } from '../render/templates.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import type { Audience } from './publish.js'
import type { RecordDone, RecordEnv, RecordJob } from './record-job.js'
import { runRecordJob } from './record-job.js'

/** What a worker builds its `RecordEnv` from: plain data, cloned into each thread. */
export interface WorkerSetup {
  config: Config
  audience: Audience
  baseUrl: string
  generator: string
  at: Instant
  layouts: TemplateSources
  markdown: TemplateSources
  limits: SourceLimits
  onSite: string[]
}

/** A worker's answer: the job's result, or a failure to report to the user. */
export type WorkerReply =
  | { done: RecordDone }
  | {
      failed: {
        message: string
        exitCode?: number
        template?: { file: string; line: number | undefined }
      }
    }

/**
 * Records rebuilt in this thread before worker threads start: a build that rebuilds fewer (a warm
 * one) never pays for starting them (each loads the tool, ~0.3 s of CPU).
 */
export const workerMinimum = 100

/**
 * Old-generation heap of each worker, in MiB. A job's live data is one record's pages; the cap makes
 * V8 collect a worker's garbage early instead of letting its heap grow, which bounds a build's memory.
 */
const workerHeapMb = 128

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
const defaultWorkerFile = new URL('./record-worker.js', import.meta.url)

/** How a build may use worker threads. */
export interface WorkerOptions {
  /** Worker threads to use; 1 runs every job in this thread. */
  jobs: number
  /** Jobs to run in this thread before starting the workers (default `workerMinimum`). */
  minimum?: number
  /** The worker module (default: `record-worker.js` beside this one). */
  file?: URL
}

/** Runs record jobs, moving to worker threads once enough jobs have been asked for. */
export class RecordRunner {
  private pool: Piscina | undefined
  private asked = 0
  private readonly workerFile: URL | undefined

  constructor(
    private readonly env: RecordEnv,
    private readonly options: WorkerOptions,
  ) {
    const file = options.file ?? defaultWorkerFile
    this.workerFile = options.jobs > 1 && existsSync(fileURLToPath(file)) ? file : undefined
  }

  /** Worker threads that ran jobs (0: every job ran in this thread). */
  threads = 0

  async run(job: RecordJob): Promise<RecordDone> {
    this.asked += 1
    if (!this.pool && this.workerFile && this.asked > (this.options.minimum ?? workerMinimum)) {
      this.pool = this.start(this.workerFile)
      this.threads = this.options.jobs
    }
    if (!this.pool) return runRecordJob(job, this.env)
    const reply = (await this.pool.run(job)) as WorkerReply
    if ('done' in reply) return reply.done
    const { failed } = reply
    if (failed.template) throw new TemplateError(failed.template.file, failed.template.line, failed.message)
    throw new PostmortemError(failed.message, { exitCode: failed.exitCode ?? 1 })
  }

  /** Stops the worker threads, if any. */
  async close(): Promise<void> {
    await this.pool?.destroy()
    this.pool = undefined
  }

  private start(file: URL): Piscina {
    const { context, limits, onSite } = this.env
    const setup: WorkerSetup = {
      config: context.config,
      audience: context.audience,
      baseUrl: context.baseUrl,
      generator: context.generator,
      at: context.at,
      layouts: context.layouts.sources,
      markdown: context.markdown.sources,
      limits,
      onSite: [...onSite],
    }
    return new Piscina({
      filename: file.href,
      workerData: setup,
      minThreads: this.options.jobs,
      maxThreads: this.options.jobs,
      resourceLimits: { maxOldGenerationSizeMb: workerHeapMb },
    })
  }
}
