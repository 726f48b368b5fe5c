import { join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import type { Diagnostic } from '../diagnostics.js'
import { UsageError } from '../errors.js'
import { packageVersion } from '../paths.js'
import { loadTemplates } from '../render/templates.js'
import type { BuildRecordsResult } from '../site/build-records.js'
import { buildRecords } from '../site/build-records.js'
import { findRecordFiles } from '../load/find-files.js'
import { Timings } from '../timings.js'
import { lastChanged } from '../site/last-changed.js'
import { commandConfig, incidentsFolder, recordPaths, referenceTime } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import { formatText, tally } from './report.js'

/** Options of `postmortem build`, also used by `serve`. */
export interface BuildFlags {
  out?: string
  internal?: boolean
  baseUrl?: string
  at?: string
  config?: string
  /** `--no-cache` sets false: every record is rebuilt and the output rewritten. */
  cache?: boolean
  timings?: boolean
}

/** The outcome of one build: the exit code, and the errors that stopped it, if any. */
export interface BuildOutcome {
  code: number
  diagnostics: Diagnostic[]
  /** Where the site was written. */
  site: string
}

/**
 * Validates, then builds the site and the Markdown postmortems. Any record with errors stops the
 * build before anything is written, so the previous output stays as it was.
 */
export async function runBuild(
  io: CliIO,
  paths: readonly string[],
  flags: BuildFlags,
): Promise<BuildOutcome> {
  const started = performance.now()
  const timings = new Timings()
  const loaded = await commandConfig(io, flags.config)
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
  const found = await timings.timeAsync('find records', () =>
    findRecordFiles(recordPaths(paths, loaded, io.cwd), io.cwd),
  )
  const changed = await timings.timeAsync('git dates', () => lastChanged(incidentsFolder(loaded)))
  const result = await buildRecords({
    files: found.files,
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
    timings,
  })
  const { errors, warnings } = tally(result.diagnostics)
  if (errors > 0) {
    const failed = result.diagnostics.filter((d) => d.severity === 'error')
    io.stderr.write(formatText(failed, colorsFor(io.stderr, io.env)))
    io.stderr.write('Nothing was built: fix the records above (the previous output is unchanged).\n')
    return { code: 1, diagnostics: failed, site }
  }
  const shown = relative(io.cwd, out) || '.'
  const skipped = result.records - result.incidents
  const ms = Math.round(performance.now() - started)
  io.stdout.write(
    `Built the ${audience} site: ${result.incidents} incident${result.incidents === 1 ? '' : 's'} in ${sanitize(join(shown, 'site'))}; postmortems in ${sanitize(join(shown, 'postmortems'))} (${ms} ms, ${result.written} file${result.written === 1 ? '' : 's'} written${result.reused > 0 ? `, ${result.reused} unchanged record${result.reused === 1 ? '' : 's'} reused` : ''}).\n`,
  )
  if (skipped > 0)
    io.stdout.write(
      `${skipped} record${skipped === 1 ? ' is' : 's are'} not public and published; --internal includes ${skipped === 1 ? 'it' : 'them'}.\n`,
    )
  if (warnings > 0)
    io.stdout.write(
      `${warnings} lint warning${warnings === 1 ? '' : 's'}: run \`postmortem validate\` to see them.\n`,
    )
  if (!baseUrl)
    io.stdout.write(
      'No site.base_url: feed and sitemap links use http://localhost/ (set site.base_url or --base-url).\n',
    )
  if (flags.timings) io.stderr.write(timingsText(timings, ms, result))
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
    `Timings (${result.mode} build, ${result.records} records, ${result.reused} reused):`,
    ...lines,
    `  ${'total'.padEnd(width)}  ${String(total).padStart(7)} ms`,
    '',
  ].join('\n')
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
    .option('--timings', 'print where the time went, by stage, on stderr')
    .action(async (paths: string[], flags: BuildFlags) => done((await runBuild(io, paths, flags)).code))
}
