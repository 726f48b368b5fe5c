/**
 * Runs per-record jobs in this thread, or — once a command has enough records to pay for starting
 * them — in worker threads (piscina): parsing, validating and rendering records is CPU work that is
 * independent per record. Either way a job gives the same result.
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
import type { Audience } from '../site/publish.js'

/** What a worker builds its environment from: plain data, cloned into each thread. */
export interface WorkerSetup {
  config: Config
  at: Instant
  limits: SourceLimits
  /** What rendering needs (builds only). */
  render?: {
    audience: Audience
    baseUrl: string
    generator: string
    layouts: TemplateSources
    markdown: TemplateSources
    onSite: string[]
  }
  /** What rendering Markdown postmortems needs (`render` only). */
  postmortem?: {
    audience: Audience
    markdown: TemplateSources
  }
}

/** A worker's answer: the job's result, or a failure to report to the user. */
export type WorkerReply<Done> =
  | { done: Done }
  | {
      failed: {
        message: string
        exitCode?: number
        template?: { file: string; line: number | undefined }
      }
    }

/** The jobs a worker runs: the names of `worker.ts`'s exports. */
export type JobKind = 'render' | 'validate' | 'postmortem' | 'figures' | 'sync'

/**
 * Records handled in this thread before worker threads start: a command that has fewer to do (a
 * warm build, a small repository) never pays for starting them (each loads the tool, ~0.3 s of CPU).
 */
export const workerMinimum = 100

/**
 * Old-generation heap of each worker, in MiB. A job's live data is one record; the cap makes V8
 * collect a worker's garbage early instead of letting its heap grow, which bounds a build's memory.
 */
const workerHeapMb = 96

/** The compiled worker beside this module (`worker.ts`); absent when running from TypeScript sources (tests). */
const defaultWorkerFile = new URL('./worker.js', import.meta.url)

/** How a command may use worker threads. */
export interface WorkerOptions {
  /** Worker threads to use; 1 runs every job in this thread. */
  jobs: number
  /** Jobs to run in this thread before starting the workers (default `workerMinimum`). */
  minimum?: number
  /**
   * How many jobs are coming, when known: more than `minimum` starts the workers with the first job
   * (the main thread then never holds a record's garbage); fewer never starts them.
   */
  expected?: number
  /** The worker module (default: `worker.js` beside this one). */
  file?: URL
  /** Old-generation heap of each worker, in MiB (default 96). */
  heapMb?: number
  /**
   * Jobs handed to each worker at once (default 1). With 2, the next job waits in the worker's port
   * and starts as soon as the last is done, without waiting for the main thread to take the reply
   * and hand out another (it may be writing the last record's files): `validate` of 10,000 records
   * 10.60 → 10.04 s; a full build of 10,000 23.5 → 22.4 s (medians of 5 in turns, into a RAM
   * disk), peak memory unchanged (~420 MiB).
   */
  queued?: number
}

/** Runs one kind of job, moving to worker threads once enough jobs have been asked for. */
export class JobRunner<Job, Done> {
  private pool: Piscina | undefined
  private asked = 0
  private readonly workerFile: URL | undefined
  /** Worker threads that ran jobs (0: every job ran in this thread). */
  threads = 0

  constructor(
    private readonly kind: JobKind,
    /** Runs a job in this thread. */
    private readonly local: (job: Job) => Done,
    /** What the workers need; asked for once, when they start. */
    private readonly setup: () => WorkerSetup,
    private readonly options: WorkerOptions = { jobs: 1 },
  ) {
    const file = options.file ?? defaultWorkerFile
    this.workerFile = options.jobs > 1 && existsSync(fileURLToPath(file)) ? file : undefined
  }

  async run(job: Job): Promise<Done> {
    this.asked += 1
    const minimum = this.options.minimum ?? workerMinimum
    const enough =
      this.options.expected === undefined ? this.asked > minimum : this.options.expected > minimum
    if (!this.pool && this.workerFile && enough) {
      this.pool = new Piscina({
        filename: this.workerFile.href,
        workerData: this.setup(),
        minThreads: this.options.jobs,
        maxThreads: this.options.jobs,
        concurrentTasksPerWorker: this.options.queued ?? 1,
        resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb ?? workerHeapMb },
      })
      this.threads = this.options.jobs
    }
    if (!this.pool) return this.local(job)
    let reply: WorkerReply<Done>
    try {
      reply = (await this.pool.run(job, { name: this.kind })) as WorkerReply<Done>
    } catch (error) {
      // Note: a record too big for a worker's capped heap is run again here, where the heap is not.
      if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') return this.local(job)
      throw error
    }
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
}
