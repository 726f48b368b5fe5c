import { Command, CommanderError, Option } from 'commander'
import { PostmortemError } from '../errors.js'
import { packageVersion } from '../paths.js'
import { buildCommand } from './build.js'
import { ConfigError, printConfigError } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import { importCommand } from './import.js'
import { initCommand } from './init.js'
import { issuesCommand } from './issues.js'
import { newCommand } from './new.js'
import { output } from './output.js'
import { renderCommand } from './render.js'
import { schemaCommand } from './schema.js'
import { serveCommand } from './serve.js'
import { statsCommand } from './stats.js'
import { timelineCommand } from './timeline.js'
import { validateCommand } from './validate.js'

export type { CliIO } from './io.js'

/**
 * Subcommands (and theirs) report errors like the program: through `io`, without exiting; their help
 * lists the global options (`--quiet`, `--verbose`) too.
 */
function sameBehaviour(command: Command, program: Command): Command {
  command
    .exitOverride()
    .configureOutput(program.configureOutput())
    .configureHelp(program.configureHelp())
    .showHelpAfterError('(add --help for usage)')
  for (const sub of command.commands) sameBehaviour(sub, program)
  return command
}

/**
 * Runs the command line in-process and returns the exit code:
 * 0 ok · 1 invalid input or failed work · 2 usage or config error · 3 GitHub failure.
 *
 * @param argv - The arguments after the program name, e.g. `['validate', '--format', 'json']`.
 * @param io - Where it reads and writes: the process's streams, or buffers in tests.
 * @returns The exit code. Failures are reported through `io` and never thrown.
 *
 * @example
 * ```ts
 * process.exitCode = await cli(['build', '--quiet'], { stdout: process.stdout, stderr: process.stderr,
 *   cwd: process.cwd(), env: process.env })
 * ```
 */
export async function cli(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0
  const done = (c: number) => {
    code = c
  }
  const debug = argv.includes('--debug')
  const program = new Command('postmortem')
    .description('Incidents as code: validate incident records and derive postmortems from them.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces of unexpected failures')
    // Note: global options, so every command — and any added later — has them with one meaning;
    // accepted before or after the command name. A command honours them by printing through
    // output(io, command.optsWithGlobals()) (output.ts) instead of writing to io directly.
    .addOption(
      new Option(
        '-q, --quiet',
        'print only errors and the command’s result (no status lines, no progress)',
      ).conflicts('verbose'),
    )
    .option('--verbose', 'print more: the config used, each record file, timings, skipped items')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .enablePositionalOptions(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Note: line by line: commander puts its suggestion on a line of its own.
      outputError: (s, write) =>
        write(`${colorsFor(io.stderr, io.env).red(s.trimEnd().split('\n').map(sanitize).join('\n'))}\n`),
    })
  for (const command of [
    initCommand(io, done),
    validateCommand(io, done),
    buildCommand(io, done),
    serveCommand(io, done),
    newCommand(io, done),
    renderCommand(io, done),
    timelineCommand(io, done),
    statsCommand(io, done),
    issuesCommand(io, done),
    importCommand(io, done),
    schemaCommand(io, done),
  ])
    program.addCommand(sameBehaviour(command, program))
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok · 1 invalid input or failed work · 2 usage or config error · 3 GitHub failure.',
  )

  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true })
      return 2
    }
    // Note: checked before parsing, so the conflict is reported even when a command's own required
    // options are missing too (commander checks those first).
    const flags = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined)
    if ((flags.includes('-q') || flags.includes('--quiet')) && flags.includes('--verbose')) {
      io.stderr.write(
        `${colorsFor(io.stderr, io.env).red("error: option '-q, --quiet' cannot be used with option '--verbose'")}\n(add --help for usage)\n`,
      )
      return 2
    }
    const started = Date.now()
    await program.parseAsync([...argv], { from: 'user' })
    output(io, program.opts()).detail(`exit ${code} after ${Date.now() - started} ms\n`)
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0
      // `help` exits 0 for a known command; `help bogus` is a usage error.
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2
      return 2
    }
    if (error instanceof ConfigError) {
      printConfigError(error, io)
      return error.exitCode
    }
    if (error instanceof PostmortemError) {
      io.stderr.write(`${colorsFor(io.stderr, io.env).red('error')}: ${sanitize(error.message)}\n`)
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`)
      return error.exitCode
    }
    const e = error as Error
    io.stderr.write(`postmortem: unexpected failure: ${sanitize(e?.message ?? String(error))}\n`)
    io.stderr.write(
      debug && e?.stack ? `${e.stack}\n` : 'This is a bug; re-run with --debug and report the output.\n',
    )
    return 1
  }
}
