import { join, relative, resolve } from 'node:path'
import { setImmediate } from 'node:timers/promises'
import { Command } from 'commander'
import type { Diagnostic } from '../diagnostics.js'
import { UsageError } from '../errors.js'
import { nameFrom, packageVersion } from '../paths.js'
import { loadTemplates } from '../render/templates.js'
import type { BuildRecordsOptions, BuildRecordsResult } from '../site/build-records.js'
import { buildRecords } from '../site/build-records.js'
import type { FoundFiles } from '../load/find-files.js'
import { findRecordFiles, refreshRecordFiles } from '../load/find-files.js'
import type { ChangeLog } from '../site/change-log.js'
import type { ProgressCallback } from '../progress.js'
import { Timings } from '../timings.js'
import { unchangedOnDisk } from '../site/build-cache.js'
import { lastChanged, readGitMemo, writeGitMemo } from '../site/last-changed.js'
import {
  commandConfig,
  incidentsFolder,
  jobsOption,
  listFiles,
  parseJobs,
  recordPaths,
  referenceTime,
} from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { Output, OutputFlags } from './output.js'
import { output } from './output.js'
import { formatText, plural, tally } from './report.js'

/** Options of `postmortem build`, also used by `serve`. */
export interface BuildFlags extends OutputFlags {
  out?: string
  internal?: boolean
  baseUrl?: string
  at?: string
  config?: string
  /** `--no-cache` sets false: every record is rebuilt and the output rewritten. */
  cache?: boolean
  timings?: boolean
  /** `--jobs`: worker threads, as typed. */
  jobs?: string
}

/** The outcome of one build: the exit code, and the errors that stopped it, if any. */
export interface BuildOutcome {
  code: number
  diagnostics: Diagnostic[]
  /** Where the site was written. */
  site: string
}

/** What `serve` keeps from one build to the next. */
export type BuildMemory = NonNullable<BuildRecordsOptions['memory']> & {
  /** The record files the last build found, and where it searched. */
  found?: { searched: readonly string[]; result: FoundFiles }
  /**
   * Set by `serve`: the paths its watcher named. A build then finds and checks only those files,
   * trusting the others to be as the last build that succeeded saw them.
   */
  changes?: ChangeLog
}

/** Builds of at least this many records show a progress bar (on a terminal, outside CI). */
export const progressThreshold = 200

/**
 * Validates, then builds the site and the Markdown postmortems. Any record with errors stops the
 * build before anything is written, so the previous output stays as it was.
 */
export async function runBuild(
  io: CliIO,
  paths: readonly string[],
  flags: BuildFlags,
  /** Kept between builds of one process (`serve`), so a rebuild need not read the cache from disk. */
  memory?: BuildMemory,
): Promise<BuildOutcome> {
  const say = output(io, flags)
  const bar = say.progress('building', { min: progressThreshold })
  try {
    return await build(io, say, bar.update, paths, flags, memory)
  } finally {
    bar.end()
  }
}

async function build(
  io: CliIO,
  say: Output,
  onProgress: ProgressCallback,
  paths: readonly string[],
  flags: BuildFlags,
  memory: BuildMemory | undefined,
): Promise<BuildOutcome> {
  const started = performance.now()
  const timings = new Timings()
  const loaded = await commandConfig(io, flags.config, say)
  const { config } = loaded
  const at = referenceTime(flags.at)
  const out = flags.out ? resolve(io.cwd, flags.out) : join(loaded.root, config.out)
  const site = join(out, 'site')
  const baseUrl = normaliseBaseUrl(flags.baseUrl ?? config.site.base_url)
  const markdown = await loadTemplates({
    ...(config.templates && { overrides: resolve(loaded.root, config.templates) }),
    cwd: io.cwd,
  })
  const audience = flags.internal ? 'internal' : 'public'
  const jobs = parseJobs(flags.jobs)
  const searched = recordPaths(paths, loaded, io.cwd)
  const changes = memory?.changes?.since()
  /** The only record files that may have changed (`serve`), when the watcher named files alone. */
  let suspects: ReadonlySet<string> | undefined
  const found = await timings.timeAsync('find records', async () => {
    const before = memory?.found
    const known =
      changes?.paths && before && sameList(before.searched, searched)
        ? refreshRecordFiles(before.result, searched, io.cwd, changes.paths)
        : undefined
    // Note: a folder named (moved, replaced) may hold files changed under the same names: then every
    // file is checked, as the list is searched again.
    if (known) suspects = changes?.paths
    return known ?? (await findRecordFiles(searched, io.cwd))
  })
  if (memory) memory.found = { searched, result: found }
  const manifestBefore = memory?.manifest
  // Note: git runs while the records are checked and rendered; only the feeds' dates wait for it.
  // `git log` over the history (~0.4 s at 10,000 records) runs again only when `HEAD` has moved since
  // the last build into the same folder, or the last call of this `serve`.
  const gitMemoFile = join(out, '.cache', 'git-dates.json')
  const changed = () =>
    timings.timeAsync('git dates', async () => {
      const folder = incidentsFolder(loaded)
      memory ??= {}
      memory.git ??= flags.cache !== false ? await readGitMemo(gitMemoFile, folder) : {}
      return lastChanged(folder, memory.git)
    })
  const result = await buildRecords({
    files: found.files,
    searched,
    found: found.diagnostics,
    cwd: io.cwd,
    config,
    root: loaded.root,
    outDir: out,
    audience,
    baseUrl: baseUrl ?? 'http://localhost/',
    at,
    markdown,
    generator: `postmortem ${packageVersion()}`,
    incidentsDir: incidentsFolder(loaded),
    changed,
    cache: flags.cache !== false,
    workers: { jobs },
    timings,
    onProgress,
    ...(memory && { memory }),
    ...(suspects && { suspects }),
  })
  const ms = Math.round(performance.now() - started)
  // The manifest now in memory has seen every file named so far (when it is a new one).
  if (changes && memory?.manifest !== manifestBefore) memory?.changes?.settle(changes)
  listFiles(say, result.files, () => result.diagnostics)
  const errors = result.mode === 'none' ? tally(result.diagnostics).errors : 0
  const { warnings } = result
  // Note: only after a build that wrote its output: a failed one leaves the folder as it was.
  if (errors === 0 && memory?.git) await writeGitMemo(gitMemoFile, incidentsFolder(loaded), memory.git)
  if (errors > 0) {
    const failed = result.diagnostics.filter((d) => d.severity === 'error')
    say.error(formatText(failed, colorsFor(io.stderr, io.env)))
    say.error('Nothing was built: fix the records above (the previous output is unchanged).\n')
    return { code: 1, diagnostics: failed, site }
  }
  say.detail(
    `built the site in ${ms} ms (${result.mode} build: ${plural(result.written, 'file')} written, ${plural(result.reused, 'unchanged record')} reused)\n`,
  )
  for (const { id, reason } of result.leftOut) say.detail(`left out ${sanitize(id)}: ${reason}\n`)
  const shown = relative(io.cwd, out) || '.'
  say.info(
    `Built the ${audience} site: ${plural(result.incidents, 'incident')} in ${sanitize(join(shown, 'site'))}; postmortems in ${sanitize(join(shown, 'postmortems'))} (${ms} ms).\n`,
  )
  const skipped = result.leftOut.length
  if (skipped > 0)
    say.info(
      `${skipped} record${skipped === 1 ? ' is' : 's are'} not public and published; --internal includes ${skipped === 1 ? 'it' : 'them'}.\n`,
    )
  if (warnings > 0)
    say.info(`${plural(warnings, 'lint warning')}: run \`postmortem validate\` to see them.\n`)
  if (!baseUrl)
    say.info(
      'No site.base_url: feed and sitemap links use http://localhost/ (set site.base_url or --base-url).\n',
    )
  // Note: asked for explicitly, so printed even with --quiet.
  if (flags.timings) say.result(timingsText(timings, ms, result))
  return { code: 0, diagnostics: [], site }
}

/** `--timings`: where the wall time went, by stage. Per-record stages add up over all records. */
function timingsText(timings: Timings, total: number, result: BuildRecordsResult): string {
  const rows = timings.report()
  const width = Math.max(...rows.map((r) => r.stage.length), 5)
  const lines = rows.map(
    (r) =>
      `  ${r.stage.padEnd(width)}  ${String(Math.round(r.ms)).padStart(7)} ms${r.count > 1 ? `  (${r.count}×)` : ''}`,
  )
  return [
    `Timings (${result.mode} build, ${result.records} records, ${result.reused} reused${result.threads > 0 ? `, ${result.threads} worker threads` : ''}):`,
    ...lines,
    `  ${'total'.padEnd(width)}  ${String(total).padStart(7)} ms`,
    '',
  ].join('\n')
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])

/**
 * For `serve`, when idle: true when a record file differs from what the last build saw and its
 * watcher did not name it (a change made before the watching began, or an event lost), so a rebuild
 * that checks everything is due. Lists the folders and takes the `stat` of every record, as a build
 * without a watcher does.
 */
export async function unseenChanges(
  memory: BuildMemory,
  cwd: string,
  /** Checked between slices of the work: true gives up (a rebuild has started, which checks for itself). */
  stop: () => boolean = () => false,
): Promise<boolean> {
  const { found, manifest, changes } = memory
  if (!found || !manifest || !changes) return false
  const now = await findRecordFiles(found.searched, cwd)
  if (now.diagnostics.length !== found.result.diagnostics.length) return true
  const listed = new Set(found.result.files)
  const name = nameFrom(cwd)
  for (const [i, file] of now.files.entries()) {
    // Note: in slices, so an edit saved meanwhile is not kept waiting (10,000 stats take ~60 ms).
    if (i % 1000 === 999) {
      await setImmediate()
      if (stop()) return false
    }
    if (changes.has(file)) continue
    const cached = manifest.records[name(file)]
    if (!listed.has(file) || !cached || !unchangedOnDisk(file, cached)) return true
  }
  const present = new Set(now.files)
  return found.result.files.some((file) => !present.has(file) && !changes.has(file))
}

function normaliseBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--base-url must be an absolute http(s) URL, got ${value}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--base-url must be an absolute http(s) URL, got ${value}`)
  return url.href.endsWith('/') ? url.href : `${url.href}/`
}

/** `postmortem build [paths…]`: the main job. */
export function buildCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('build')
    .description(
      'validate, then write the static site to dist/site/ and Markdown postmortems to dist/postmortems/',
    )
    .argument('[paths...]', 'record files or folders (default: the config’s incidents folder)')
    .option('--out <dir>', 'output folder (default: the config’s out, dist)')
    .option('--internal', 'internal build: every record and event, marked INTERNAL on every page')
    .option('--base-url <url>', 'absolute URL the site is served from (default: config site.base_url)')
    .option('--at <time>', 'reference time for overdue action items (default: now)')
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .option('--no-cache', 'rebuild every record and rewrite the whole output (ignore dist/.cache)')
    .option('--timings', 'print where the time went, by stage')
    .option(...jobsOption('parsing and rendering'))
    .action(async (paths: string[], _flags: BuildFlags, command: Command) =>
      done((await runBuild(io, paths, command.optsWithGlobals<BuildFlags>())).code),
    )
}
