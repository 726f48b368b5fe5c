import { join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import type { Diagnostic } from '../diagnostics.js'
import { UsageError } from '../errors.js'
import { packageVersion } from '../paths.js'
import { loadTemplates } from '../render/templates.js'
import { buildSite } from '../site/build-site.js'
import { lastChanged } from '../site/last-changed.js'
import { writeFolderAtomically } from '../site/write-site.js'
import { validateFiles } from '../validate/validate-files.js'
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
  const started = Date.now()
  const loaded = await commandConfig(io, flags.config)
  const { config } = loaded
  const at = referenceTime(flags.at)
  const report = await validateFiles(recordPaths(paths, loaded, io.cwd), io.cwd, {
    config,
    at,
    incidentsDir: incidentsFolder(loaded),
  })
  const { errors, warnings } = tally(report.diagnostics)
  const out = flags.out ? resolve(io.cwd, flags.out) : join(loaded.root, config.out)
  const site = join(out, 'site')
  if (errors > 0) {
    const failed = report.diagnostics.filter((d) => d.severity === 'error')
    io.stderr.write(formatText(failed, colorsFor(io.stderr, io.env)))
    io.stderr.write('Nothing was built: fix the records above (the previous output is unchanged).\n')
    return { code: 1, diagnostics: failed, site }
  }
  const baseUrl = normaliseBaseUrl(flags.baseUrl ?? config.site.base_url)
  const markdown = await loadTemplates({
    ...(config.templates && { overrides: resolve(loaded.root, config.templates) }),
    cwd: io.cwd,
  })
  const audience = flags.internal ? 'internal' : 'public'
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
  })
  await writeFolderAtomically(
    join(out, 'postmortems'),
    new Map([...result.postmortems].map(([id, text]) => [`${id}.md`, text])),
  )
  const shown = relative(io.cwd, out) || '.'
  const skipped = report.incidents.length - result.incidents
  io.stdout.write(
    `Built the ${audience} site: ${result.incidents} incident${result.incidents === 1 ? '' : 's'}, ${result.files} files in ${sanitize(join(shown, 'site'))}; postmortems in ${sanitize(join(shown, 'postmortems'))} (${Date.now() - started} ms).\n`,
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
    .action(async (paths: string[], flags: BuildFlags) => done((await runBuild(io, paths, flags)).code))
}
