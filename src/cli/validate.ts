import { Command, Option } from 'commander'
import { relative, resolve } from 'node:path'
import { manifestPath } from '../site/build-cache.js'
import type { CachedChecks } from '../site/cached-checks.js'
import { cachedChecks } from '../site/cached-checks.js'
import { recordLimits, validateCheck } from '../validate/validate-files.js'
import type { ValidateEnv } from '../validate/validate-job.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import { ConfigError, commandConfig, jobsOption, loadRecords, parseJobs, referenceTime } from './context.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'
import { formatGithub, formatJson, formatText, plural, tally } from './report.js'

/** `postmortem validate [paths…]`: schema, rules and lint, reported at file:line:column. */
export function validateCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('validate')
    .description('check incident records: schema, semantic rules and blameless/completeness lint')
    .argument('[paths...]', 'record files or folders (default: the config’s incidents folder)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'),
    )
    .option('--strict', 'fail on warnings too')
    .option('--at <time>', 'reference time for overdue action items (default: now)')
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .option(...jobsOption('parsing and validating'))
    .option('--no-cache', 'check every record again, even those unchanged since the last build')
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        OutputFlags & {
          format: string
          strict?: boolean
          at?: string
          config?: string
          jobs?: string
          cache: boolean
        }
      >()
      const say = output(io, options)
      let loaded
      try {
        loaded = await commandConfig(io, options.config, say)
      } catch (error) {
        // Machine-readable formats report a broken config in the same shape, on stdout.
        if (!(error instanceof ConfigError) || options.format === 'text') throw error
        say.result(
          options.format === 'json' ? formatJson(0, error.diagnostics) : formatGithub(error.diagnostics),
        )
        return done(error.exitCode)
      }
      const at = referenceTime(options.at)
      const jobs = parseJobs(options.jobs)
      const { config, root } = loaded
      const outDir = resolve(root, config.out)
      // Records unchanged since the last build keep the diagnostics it found (see cached-checks.ts),
      // when there are enough of them to pay for reading its cache.
      let cache: CachedChecks | undefined
      const env: ValidateEnv = { config, at, limits: recordLimits(config) }
      const report = await loadRecords(io, say, loaded, {
        ...(paths.length > 0 && { paths }),
        at,
        jobs,
        keepIncidents: false,
        ...(options.cache && {
          check: {
            ...validateCheck(env),
            reuse: async (count) => {
              const found = await cachedChecks(outDir, config, at, count)
              cache = found
              return found && ((path, name) => found.find(path, name))
            },
          },
        }),
      })
      if (cache)
        say.detail(
          `reused the checks of ${plural(cache.reused, 'unchanged record')} from the last build (${sanitize(relative(io.cwd, manifestPath(outDir)))})\n`,
        )
      const { errors, warnings } = tally(report.diagnostics)
      const failed = errors > 0 || (options.strict === true && warnings > 0)
      if (options.format === 'json') say.result(formatJson(report.files.length, report.diagnostics))
      else if (options.format === 'github') say.result(formatGithub(report.diagnostics))
      else if (say.verbosity === 'quiet') {
        // Only what fails the run: errors, and warnings with --strict; nothing when all is well.
        const failing = report.diagnostics.filter((d) => d.severity === 'error' || options.strict)
        if (failing.length > 0)
          say.result(formatText(failing, colorsFor(io.stdout, io.env), { errors, warnings }))
      } else {
        say.result(formatText(report.diagnostics, colorsFor(io.stdout, io.env)))
        if (report.files.length === 0 && report.diagnostics.length === 0)
          say.info('No incident records found.\n')
        else if (!failed)
          say.info(`${report.files.length} record${report.files.length === 1 ? '' : 's'} checked.\n`)
      }
      done(failed ? 1 : 0)
    })
}
