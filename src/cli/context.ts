export { whyNotPublic } from '../render/render-postmortem.js'
import { availableParallelism } from 'node:os'
import { stat } from 'node:fs/promises'
import { basename, extname, isAbsolute, relative, resolve } from 'node:path'
import type { Diagnostic } from '../diagnostics.js'
import { UsageError } from '../errors.js'
import { workerMinimum } from '../jobs/job-runner.js'
import type { LoadedConfig } from '../load/load-config.js'
import { loadConfig } from '../load/load-config.js'
import { findRecordFiles } from '../load/find-files.js'
import type { ProgressCallback } from '../progress.js'
import type { LoadedIncidents, LoadIncidentsOptions } from '../validate/load-incidents.js'
import { loadIncidents } from '../validate/load-incidents.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import type { RecordCheck } from '../validate/validate-files.js'
import { checkRecordFiles } from '../validate/validate-files.js'
import type { Validated } from '../validate/validate-job.js'
import { parseTimestamp } from '../validate/timestamps.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { Output } from './output.js'
import { formatText, plural, tally } from './report.js'

/** A configuration file that does not validate: exit 2, with its diagnostics printed. */
export class ConfigError extends UsageError {
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    readonly file: string,
  ) {
    super(`the configuration ${file} is invalid`)
    this.name = 'ConfigError'
  }
}

/** Loads the configuration for a command, or throws ConfigError; `--verbose` says which file. */
export async function commandConfig(io: CliIO, configFile?: string, say?: Output): Promise<LoadedConfig> {
  const explicit = configFile === undefined ? undefined : resolve(io.cwd, configFile)
  if (
    explicit !== undefined &&
    !(await stat(explicit).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    throw new UsageError(`--config: no such file: ${configFile}`)
  const loaded = await loadConfig(io.cwd, explicit)
  if (loaded.diagnostics.length > 0)
    throw new ConfigError(loaded.diagnostics, relative(io.cwd, loaded.file ?? '') || String(loaded.file))
  say?.detail(
    loaded.file
      ? `config: ${sanitize(relative(io.cwd, loaded.file) || loaded.file)}\n`
      : 'config: no postmortem.config.yaml here or above; using the defaults\n',
  )
  return loaded
}

/**
 * Finds, reads and validates the records a command works on (`paths`, default the config's incidents
 * folder). With `--verbose` it lists each file with its outcome, and how long it took.
 */
export async function loadRecords<Done extends Validated = Validated>(
  io: CliIO,
  say: Output,
  loaded: LoadedConfig,
  options: {
    paths?: readonly string[]
    at: Instant
    onProgress?: ProgressCallback
    /** Worker threads (default: the cores this process may use). */
    jobs?: number
    /** False when the command needs only the diagnostics. */
    keepIncidents?: boolean
    /** A per-record job that does more than validate (`render`); its results go to its `onRecord`. */
    check?: RecordCheck<Done>
  },
): Promise<LoadedIncidents> {
  const started = Date.now()
  const { check, ...rest } = options
  const settings = {
    cwd: io.cwd,
    config: loaded.config,
    root: loaded.root,
    jobs: availableParallelism(),
    ...rest,
  }
  const report = check ? await checkRecords(settings, check) : await loadIncidents(settings)
  if (say.verbosity === 'verbose') {
    listFiles(say, report.files, () => report.diagnostics)
    // Note: counted from the diagnostics: a command that wants none gets no incidents back.
    const failed = new Set(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file))
    say.detail(
      `validated ${plural(report.files.length, 'record file')} in ${Date.now() - started} ms: ${report.files.filter((f) => !failed.has(f)).length} valid\n`,
    )
  }
  return report
}

/** `loadIncidents` with the configuration already loaded and another per-record job. */
async function checkRecords<Done extends Validated>(
  options: LoadIncidentsOptions & { cwd: string; config: Config; root: string; at: Instant; jobs: number },
  check: RecordCheck<Done>,
): Promise<LoadedIncidents> {
  const { cwd, config, root, at } = options
  const incidentsDir = resolve(root, config.incidents)
  const report = await checkRecordFiles(
    options.paths ?? [incidentsDir],
    cwd,
    {
      config,
      at,
      incidentsDir,
      ...(options.onProgress && { onProgress: options.onProgress }),
      workers: { jobs: options.jobs },
      keepIncidents: options.keepIncidents ?? true,
    },
    check,
  )
  return { ...report, config, root, at }
}

/** `--verbose`: each record file with its outcome (`ok`, or its counts of errors and warnings). */
export function listFiles(
  say: Output,
  files: readonly string[],
  diagnostics: () => readonly Diagnostic[],
): void {
  if (say.verbosity !== 'verbose') return
  const byFile = new Map<string, Diagnostic[]>()
  for (const d of diagnostics()) {
    const list = byFile.get(d.file)
    if (list) list.push(d)
    else byFile.set(d.file, [d])
  }
  for (const file of files) {
    const { errors, warnings } = tally(byFile.get(file) ?? [])
    const outcome =
      errors + warnings === 0 ? 'ok' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`
    say.detail(`  ${sanitize(file)}  ${outcome}\n`)
  }
}

/** Prints a ConfigError's diagnostics. */
export function printConfigError(error: ConfigError, io: CliIO): void {
  io.stderr.write(formatText(error.diagnostics, colorsFor(io.stderr, io.env)))
  io.stderr.write(`Fix the configuration (${sanitize(error.file)}) first.\n`)
}

/** The record paths a command works on: its arguments, else the config's incidents folder. */
export function recordPaths(args: readonly string[], loaded: LoadedConfig, cwd: string): string[] {
  if (args.length > 0) return [...args]
  const folder = isAbsolute(loaded.config.incidents)
    ? loaded.config.incidents
    : resolve(loaded.root, loaded.config.incidents)
  return [relative(cwd, folder) || '.']
}

/** The config's incidents folder, absolute. */
export function incidentsFolder(loaded: LoadedConfig): string {
  return resolve(loaded.root, loaded.config.incidents)
}

/** Reads a time flag such as `--at` (a timestamp with offset, or a date), default now. */
export function referenceTime(
  value: string | undefined,
  now: () => number = Date.now,
  flag = '--at',
): number {
  if (value === undefined) return now()
  const parsed = parseTimestamp(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value, undefined)
  if (!parsed.ok)
    throw new UsageError(
      `${flag} must be an ISO 8601 time with an offset (2026-05-01T09:00:00Z, 2026-05-01T11:00:00+02:00) or a date (2026-05-01), got ${value}`,
    )
  return parsed.instant
}

/**
 * Splits command arguments into record paths and incident ids: an argument naming an existing file
 * or folder is a path, anything else an id looked up in the incidents folder. Unknown ids are
 * diagnostics. No arguments means the incidents folder.
 */
export async function resolveTargets(
  args: readonly string[],
  loaded: LoadedConfig,
  cwd: string,
): Promise<{ paths: string[]; diagnostics: Diagnostic[] }> {
  if (args.length === 0) return { paths: recordPaths(args, loaded, cwd), diagnostics: [] }
  const paths: string[] = []
  const ids: string[] = []
  for (const arg of args) {
    if (
      await stat(resolve(cwd, arg)).then(
        () => true,
        () => false,
      )
    )
      paths.push(arg)
    else ids.push(arg)
  }
  const diagnostics: Diagnostic[] = []
  if (ids.length > 0) {
    const folder = incidentsFolder(loaded)
    const { files } = await findRecordFiles([folder], cwd)
    const byId = new Map(files.map((f) => [basename(f, extname(f)), f]))
    for (const id of ids) {
      const file = byId.get(id)
      if (file) paths.push(relative(cwd, file) || file)
      else
        diagnostics.push({
          code: 'READ_FAILED',
          severity: 'error',
          message: `no incident record with id \`${id}\` in ${relative(cwd, folder) || '.'}`,
          hint: 'Give a record id (its file name without `.yaml`) or a path to a record file.',
          file: id,
        })
    }
  }
  return { paths, diagnostics }
}

/** `--jobs <n>`, for commands that read every record: flags and description, for `.option()`. */
export function jobsOption(work: string): [string, string] {
  return [
    '--jobs <n>',
    `worker threads for ${work} when more than ${workerMinimum} records need it (default: cores)`,
  ]
}

/** `--jobs`: a whole number of threads from 1 up; default, the cores this process may use. */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return availableParallelism()
  const jobs = Number(value)
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
    throw new UsageError(`--jobs must be a whole number from 1 to 64, got ${value}`)
  return jobs
}
