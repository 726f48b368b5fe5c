import { basename, extname, resolve } from 'node:path'
import pMap from 'p-map'
import type { DataPath, Diagnostic } from '../diagnostics.js'
import { compareDiagnostics } from '../diagnostics.js'
import { findRecordFiles } from '../load/find-files.js'
import type { JobKind, WorkerOptions, WorkerSetup } from '../jobs/job-runner.js'
import { JobRunner } from '../jobs/job-runner.js'
import type { SourceLimits } from '../load/parse-source.js'
import { defaultLimits } from '../load/parse-source.js'
import { locateInFile } from '../load/read-source.js'
import type { ProgressCallback } from '../progress.js'
import type { Incident } from './normalize.js'
import type { ValidateOptions } from './validate-incident.js'
import type { ValidateEnv, ValidateJob, Validated } from './validate-job.js'
import { runValidateJob } from './validate-job.js'
import { nameFrom } from '../paths.js'

/** The outcome of validating a set of record files. */
export interface ValidationReport {
  /** Files examined, as shown in diagnostics. */
  files: string[]
  /** Valid incidents (records without errors), in file order. */
  incidents: Incident[]
  /** Every diagnostic, sorted by file and position. */
  diagnostics: Diagnostic[]
}

/** Options of {@link validateFiles}. */
export type ValidateFilesOptions = ValidateOptions & {
  /** The repository's incidents folder: `related` may name any record there, validated now or not. */
  incidentsDir?: string
  /** Called after each file is checked, with stage `validate`. */
  onProgress?: ProgressCallback
  /** Worker threads for parsing and validating (default: none, all in this thread). */
  workers?: WorkerOptions
  /** False: only the diagnostics are wanted, `incidents` comes back empty. Default true. */
  keepIncidents?: boolean
}

/**
 * Loads and validates every record under `paths` (relative to `cwd`), then checks what needs all of
 * them: ids unique across files, `related` ids that exist.
 */
export async function validateFiles(
  paths: readonly string[],
  cwd: string,
  options: ValidateFilesOptions,
): Promise<ValidationReport> {
  const env: ValidateEnv = { config: options.config, at: options.at, limits: recordLimits(options.config) }
  return checkRecordFiles(paths, cwd, options, validateCheck(env))
}

/** The per-record job that only validates, in this thread or in a worker. */
export function validateCheck(env: ValidateEnv): RecordCheck<Validated> {
  return { kind: 'validate', local: (job) => runValidateJob(job, env), setup: () => env, queued: 2 }
}

/** The size and depth limits records are read with. */
export function recordLimits(config: ValidateOptions['config']): SourceLimits {
  return { ...defaultLimits, maxFileBytes: config.max_file_bytes }
}

/** The per-record job {@link checkRecordFiles} runs: validation, or validation and more. */
export interface RecordCheck<Done extends Validated> {
  /** The worker export that runs it. */
  kind: JobKind
  /** Runs it in this thread. */
  local: (job: ValidateJob) => Done
  /** What the workers need. */
  setup: () => WorkerSetup
  /**
   * Given how many records were found, a way to know a record's result without running the job (a
   * cache): it returns `undefined` to run it. `undefined` here: no cache for this many.
   */
  reuse?: (count: number) => Promise<((path: string, name: string) => Promise<Done | undefined>) | undefined>
  /** Called with each record's result as it arrives (in any order), before progress is reported. */
  onRecord?: (file: string, done: Done) => Promise<void>
  /** Jobs handed to each worker at once (see `WorkerOptions.queued`). */
  queued?: number
}

/** {@link validateFiles} with another per-record job, such as validating and rendering. */
export async function checkRecordFiles<Done extends Validated>(
  paths: readonly string[],
  cwd: string,
  options: ValidateFilesOptions,
  check: RecordCheck<Done>,
): Promise<ValidationReport> {
  const found = await findRecordFiles(paths, cwd)
  const limits = recordLimits(options.config)
  const runner = new JobRunner<ValidateJob, Done>(
    check.kind,
    check.local,
    check.setup,
    options.workers && {
      ...options.workers,
      expected: found.files.length,
      ...(check.queued !== undefined && { queued: check.queued }),
    },
  )
  const reuse = await check.reuse?.(found.files.length)
  let done = 0
  const nameOf = nameFrom(cwd)
  // Note: with worker threads, several jobs queued keep every thread busy (p-map keeps order).
  const checked = await pMap(
    found.files,
    async (path) => {
      const name = nameOf(path)
      const result =
        (await reuse?.(path, name)) ??
        (await runner.run({ path, name, keep: options.keepIncidents !== false }))
      await check.onRecord?.(name, result)
      options.onProgress?.(++done, found.files.length, 'validate')
      // Note: the parsed document is not kept (10,000 of them would not fit): a cross-file problem
      // parses its file again to say where.
      return {
        result,
        identity: {
          file: name,
          id: result.id,
          related: result.related,
          locate: (dataPath: DataPath) => locateInFile(path, name, limits, dataPath),
        },
      }
    },
    { concurrency: 8 },
  ).finally(() => runner.close())
  const diagnostics = [...found.diagnostics, ...checked.flatMap((c) => c.result.diagnostics)]
  diagnostics.push(
    ...crossFileDiagnostics(
      checked.map((c) => c.identity),
      await knownIds(options.incidentsDir, cwd, { paths, files: found.files }),
    ),
  )
  const failed = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file))
  return {
    files: checked.map((c) => c.identity.file),
    incidents: checked.flatMap((c) =>
      c.result.incident && !failed.has(c.identity.file) ? [c.result.incident] : [],
    ),
    diagnostics: diagnostics.sort(compareDiagnostics),
  }
}

function stem(file: string): string {
  return basename(file, extname(file))
}

/**
 * The ids of the records in the incidents folder (file names without extension). When the command's
 * records were found by searching that folder alone (`searched`), they are its records: the folder is
 * not searched again (~0.05–0.1 s at 10,000 records).
 */
export async function knownIds(
  incidentsDir: string | undefined,
  cwd: string,
  searched?: { paths: readonly string[]; files: readonly string[] },
): Promise<Set<string>> {
  const known = new Set<string>()
  if (!incidentsDir) return known
  const folder = resolve(cwd, incidentsDir)
  const files =
    searched?.paths.length === 1 && resolve(cwd, searched.paths[0]!) === folder
      ? searched.files
      : (await findRecordFiles([folder], cwd)).files
  for (const f of files) known.add(stem(f))
  return known
}

/** What the cross-file checks need of one record; `locate` is only called for records with a problem. */
export interface RecordIdentity {
  /** As shown in diagnostics. */
  file: string
  /** The record's `id` as written (anything, when the record is broken). */
  id: unknown
  /** Its valid `related` ids. */
  related: readonly string[]
  locate(path: DataPath): { line?: number; column?: number }
}

/**
 * What needs all records: each id used once (the second use is reported), every `related` id naming
 * a record that exists (here, or in `known`).
 */
export function crossFileDiagnostics(
  records: readonly RecordIdentity[],
  known: ReadonlySet<string>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const owners = new Map<string, string>()
  const ids = new Set<string>(known)
  for (const record of records) {
    const { id } = record
    if (typeof id !== 'string') continue
    ids.add(id)
    const first = owners.get(id)
    if (first === undefined) owners.set(id, record.file)
    else
      diagnostics.push({
        code: 'DUPLICATE_ID',
        severity: 'error',
        message: `incident id \`${id}\` is already used by ${first}`,
        hint: 'Each incident needs its own id; rename one of the records and its file.',
        file: record.file,
        ...record.locate(['id']),
        path: ['id'],
      })
  }
  for (const record of records)
    for (const [i, id] of record.related.entries())
      if (!ids.has(id))
        diagnostics.push({
          code: 'RELATED_NOT_FOUND',
          severity: 'error',
          message: `related incident \`${id}\` does not exist`,
          hint: 'Use the id of a record in the incidents folder (its file name without `.yaml`).',
          file: record.file,
          ...record.locate(['related', i]),
          path: ['related', i],
        })
  return diagnostics
}
