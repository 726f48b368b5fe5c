import { Command, Option } from 'commander'
import type { CliIO } from './io.js'
import { colorsFor } from './io.js'
import { ConfigError, commandConfig, jobsOption, loadRecords, parseJobs, referenceTime } from './context.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'
import { formatGithub, formatJson, formatText, tally } from './report.js'

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
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        OutputFlags & { format: string; strict?: boolean; at?: string; config?: string; jobs?: string }
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
      const report = await loadRecords(io, say, loaded, {
        ...(paths.length > 0 && { paths }),
        at,
        jobs,
        keepIncidents: false,
      })
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
