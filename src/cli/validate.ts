import { Command, Option } from 'commander'
import { validateFiles } from '../validate/validate-files.js'
import type { CliIO } from './io.js'
import { colorsFor } from './io.js'
import { ConfigError, commandConfig, incidentsFolder, recordPaths, referenceTime } from './context.js'
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
    .action(
      async (
        paths: string[],
        options: { format: string; strict?: boolean; at?: string; config?: string },
      ) => {
        let loaded
        try {
          loaded = await commandConfig(io, options.config)
        } catch (error) {
          // Machine-readable formats report a broken config in the same shape, on stdout.
          if (!(error instanceof ConfigError) || options.format === 'text') throw error
          io.stdout.write(
            options.format === 'json' ? formatJson(0, error.diagnostics) : formatGithub(error.diagnostics),
          )
          return done(error.exitCode)
        }
        const at = referenceTime(options.at)
        const report = await validateFiles(recordPaths(paths, loaded, io.cwd), io.cwd, {
          config: loaded.config,
          at,
          incidentsDir: incidentsFolder(loaded),
        })
        const { errors, warnings } = tally(report.diagnostics)
        if (options.format === 'json') io.stdout.write(formatJson(report.files.length, report.diagnostics))
        else if (options.format === 'github') io.stdout.write(formatGithub(report.diagnostics))
        else {
          const c = colorsFor(io.stdout, io.env)
          io.stdout.write(formatText(report.diagnostics, c))
          if (report.files.length === 0 && report.diagnostics.length === 0)
            io.stdout.write('No incident records found.\n')
          else if (errors === 0 && (warnings === 0 || !options.strict))
            io.stdout.write(`${report.files.length} record${report.files.length === 1 ? '' : 's'} checked.\n`)
        }
        done(errors > 0 || (options.strict && warnings > 0) ? 1 : 0)
      },
    )
}
