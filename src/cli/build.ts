import { join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import type { Diagnostic } from '../diagnostics.js'
import { UsageError } from '../errors.js'
import { packageVersion } from '../paths.js'
import { loadTemplates } from '../render/templates.js'
import { buildSite } from '../site/build-site.js'
import { lastChanged } from '../site/last-changed.js'
import { writeFolderAtomically } from '../site/write-site.js'
import type { ProgressCallback } from '../progress.js'
import { commandConfig, incidentsFolder, loadRecords, referenceTime, whyNotPublic } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { Output, OutputFlags } from './output.js'
import { output } from './output.js'
import { formatText, tally } from './report.js'

/** Options of `postmortem build`, also used by `serve`. */
export interface BuildFlags extends OutputFlags {
  out?: string
  internal?: boolean
  baseUrl?: string
  at?: string
  config?: string
}

/** The outcome of one build: the exit code, and the errors that stopped it, if any. */
export interface BuildOutcome {
  code: number
  diagnostics: Diagnostic[]
  /** Where the site was written. */
  site: string
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
): Promise<BuildOutcome> {
  const say = output(io, flags)
  const bar = say.progress('building', { min: progressThreshold })
  try {
    return await build(io, say, bar.update, paths, flags)
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
): Promise<BuildOutcome> {
  const started = Date.now()
  const loaded = await commandConfig(io, flags.config, say)
  const { config } = loaded
  const at = referenceTime(flags.at)
  const report = await loadRecords(io, say, loaded, { ...(paths.length > 0 && { paths }), at, onProgress })
  const { errors, warnings } = tally(report.diagnostics)
  const out = flags.out ? resolve(io.cwd, flags.out) : join(loaded.root, config.out)
  const site = join(out, 'site')
  if (errors > 0) {
    const failed = report.diagnostics.filter((d) => d.severity === 'error')
    say.error(formatText(failed, colorsFor(io.stderr, io.env)))
    say.error('Nothing was built: fix the records above (the previous output is unchanged).\n')
    return { code: 1, diagnostics: failed, site }
  }
  const baseUrl = normaliseBaseUrl(flags.baseUrl ?? config.site.base_url)
  const markdown = await loadTemplates({
    ...(config.templates && { overrides: resolve(loaded.root, config.templates) }),
    cwd: io.cwd,
  })
  const audience = flags.internal ? 'internal' : 'public'
  const siteStarted = Date.now()
  const result = await buildSite({
    incidents: report.incidents,
    config,
    root: loaded.root,
    outDir: site,
    audience,
    baseUrl: baseUrl ?? 'http://localhost/',
    at,
    markdown,
    generator: `postmortem ${packageVersion()}`,
    cwd: io.cwd,
    changed: await lastChanged(incidentsFolder(loaded)),
    onProgress,
  })
  say.detail(`built the site in ${Date.now() - siteStarted} ms\n`)
  await writeFolderAtomically(
    join(out, 'postmortems'),
    new Map([...result.postmortems].map(([id, text]) => [`${id}.md`, text])),
  )
  const shown = relative(io.cwd, out) || '.'
  const skipped = report.incidents.filter((incident) => !result.postmortems.has(incident.id))
  for (const incident of skipped) say.detail(`left out ${sanitize(incident.id)}: ${whyNotPublic(incident)}\n`)
  say.info(
    `Built the ${audience} site: ${result.incidents} incident${result.incidents === 1 ? '' : 's'}, ${result.files} files in ${sanitize(join(shown, 'site'))}; postmortems in ${sanitize(join(shown, 'postmortems'))} (${Date.now() - started} ms).\n`,
  )
  if (skipped.length > 0)
    say.info(
      `${skipped.length} record${skipped.length === 1 ? ' is' : 's are'} not public and published; --internal includes ${skipped.length === 1 ? 'it' : 'them'}.\n`,
    )
  if (warnings > 0)
    say.info(
      `${warnings} lint warning${warnings === 1 ? '' : 's'}: run \`postmortem validate\` to see them.\n`,
    )
  if (!baseUrl)
    say.info(
      'No site.base_url: feed and sitemap links use http://localhost/ (set site.base_url or --base-url).\n',
    )
  return { code: 0, diagnostics: [], site }
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
    .action(async (paths: string[], _flags: BuildFlags, command: Command) =>
      done((await runBuild(io, paths, command.optsWithGlobals<BuildFlags>())).code),
    )
}
