import { resolve } from 'node:path'
import type { LoadedConfig } from '../load/load-config.js'
import { loadConfig } from '../load/load-config.js'
import type { ProgressCallback } from '../progress.js'
import type { Config } from './schema.js'
import type { Instant } from './timestamps.js'
import type { ValidationReport } from './validate-files.js'
import { validateFiles } from './validate-files.js'

/** Options of {@link loadIncidents}; every one has a default. */
export interface LoadIncidentsOptions {
  /**
   * Record files or folders (sub-folders included), relative to `cwd`. Default: the config's
   * `incidents` folder. An empty list loads nothing.
   */
  paths?: readonly string[]
  /** Where paths are relative to and the config search starts. Default: `process.cwd()`. */
  cwd?: string
  /**
   * The configuration to use. Default: `postmortem.config.yaml` found by walking up from `cwd` (or
   * `configFile`), else the defaults.
   */
  config?: Config
  /** With `config`: the folder its relative paths (`incidents`) are read from. Default: `cwd`. */
  root?: string
  /** Without `config`: this config file (relative to `cwd`) instead of searching for one. */
  configFile?: string
  /** Reference time for "overdue" action items, in ms since the epoch. Default: now. */
  at?: Instant
  /** Called after each record file is checked (stage `validate`). */
  onProgress?: ProgressCallback
  /**
   * Worker threads for parsing and validating, used once more than 100 records are read (the first
   * 100 are validated in this thread). Default 1: everything in this thread.
   */
  jobs?: number
  /**
   * False when only the diagnostics are wanted: `incidents` comes back empty, which saves memory and,
   * with worker threads, copying every incident back. Default true.
   */
  keepIncidents?: boolean
}

/** What {@link loadIncidents} found: the validation report, and the configuration and time it used. */
export interface LoadedIncidents extends ValidationReport {
  /** The configuration the records were validated with; pass it on to `deriveFigures` and the rest. */
  config: Config
  /** The folder the configuration's relative paths are read from. */
  root: string
  /** The config file used, when one was found or given. */
  configFile?: string
  /** The reference time used: pass it on so figures agree with the lint. */
  at: Instant
}

/**
 * Finds the record files under `paths` (or the config's incidents folder), reads and validates each,
 * then checks what needs all of them (unique ids, `related` ids that exist) — what
 * `postmortem validate` does, as data. Problems in the records or the configuration are returned as
 * diagnostics, never thrown: with an invalid configuration no record is read and `diagnostics` holds
 * the configuration's problems.
 *
 * @param options - Where to look and what to validate with; see {@link LoadIncidentsOptions}.
 * @returns The valid incidents (records without errors, in file order), every diagnostic (sorted by
 *   file and position), the files examined, and the configuration and reference time used.
 * @throws Only on failures that are not about the records, such as running out of memory.
 *
 * @example
 * ```ts
 * import { loadIncidents } from 'postmortem'
 *
 * const { incidents, diagnostics } = await loadIncidents({ cwd: '/path/to/repo' })
 * for (const d of diagnostics) console.error(`${d.file}:${d.line ?? 1} ${d.severity} ${d.code} ${d.message}`)
 * console.log(incidents.map((incident) => incident.id))
 * ```
 */
export async function loadIncidents(options: LoadIncidentsOptions = {}): Promise<LoadedIncidents> {
  const cwd = options.cwd ?? process.cwd()
  const at = options.at ?? Date.now()
  const loaded: LoadedConfig = options.config
    ? { config: options.config, root: options.root ?? cwd, diagnostics: [] }
    : await loadConfig(cwd, options.configFile === undefined ? undefined : resolve(cwd, options.configFile))
  const { config, root, file } = loaded
  const used = { config, root, ...(file !== undefined && { configFile: file }), at }
  if (loaded.diagnostics.length > 0)
    return { files: [], incidents: [], diagnostics: loaded.diagnostics, ...used }
  const incidentsDir = resolve(root, config.incidents)
  const report = await validateFiles(options.paths ?? [incidentsDir], cwd, {
    config,
    at,
    incidentsDir,
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.jobs !== undefined && { workers: { jobs: options.jobs } }),
    ...(options.keepIncidents === false && { keepIncidents: false }),
  })
  return { ...report, ...used }
}
