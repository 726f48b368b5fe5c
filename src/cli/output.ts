import type { CliIO } from './io.js'
import type { ProgressBar } from './progress-bar.js'
import { noProgress, progressBar } from './progress-bar.js'

/** The global `--quiet` and `--verbose` flags, as `command.optsWithGlobals()` returns them. */
export interface OutputFlags {
  quiet?: boolean
  verbose?: boolean
}

/** How much a command says. */
export type Verbosity = 'quiet' | 'normal' | 'verbose'

/**
 * What a command prints, sorted by kind so that `--quiet` and `--verbose` mean the same everywhere:
 *
 * | kind     | stream | `--quiet` | default | `--verbose` |
 * | -------- | ------ | --------- | ------- | ----------- |
 * | `result` | stdout | ✓         | ✓       | ✓           |
 * | `info`   | stdout |           | ✓       | ✓           |
 * | `note`   | stderr |           | ✓       | ✓           |
 * | `detail` | stderr |           |         | ✓           |
 * | `error`  | stderr | ✓         | ✓       | ✓           |
 *
 * The result is what the command is asked to print (a report, a schema, a timeline, `--format json`);
 * info and notes say what it did ("Built …", "wrote …", each sync step); details are the config
 * used, each file, timings and what was skipped; errors come with their explanation.
 */
export interface Output {
  readonly verbosity: Verbosity
  result(text: string): void
  info(text: string): void
  note(text: string): void
  detail(text: string): void
  error(text: string): void
  /**
   * A progress bar on stderr, only on a terminal, outside CI (`CI` set) and without `--quiet`;
   * otherwise one that draws nothing. Lines printed meanwhile go above it. Call `end()` when done.
   */
  progress(label: string, options?: { min?: number }): ProgressBar
}

/** True when `CI` is set to anything but an empty string, `0` or `false` (GitHub Actions sets `true`). */
export function inCI(env: CliIO['env']): boolean {
  const ci = env.CI?.trim().toLowerCase()
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false'
}

/** The output of one command run, from its `--quiet`/`--verbose` flags. */
export function output(io: CliIO, flags: OutputFlags): Output {
  const verbosity: Verbosity = flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal'
  let bar: ProgressBar = noProgress
  // Note: stdout and stderr usually share the terminal, so every line clears the bar and redraws it.
  const write = (stream: CliIO['stdout'], text: string) => {
    bar.clear()
    stream.write(text)
    bar.redraw()
  }
  return {
    verbosity,
    result: (text) => write(io.stdout, text),
    info(text) {
      if (verbosity !== 'quiet') write(io.stdout, text)
    },
    note(text) {
      if (verbosity !== 'quiet') write(io.stderr, text)
    },
    detail(text) {
      if (verbosity === 'verbose') write(io.stderr, text)
    },
    error: (text) => write(io.stderr, text),
    progress(label, options = {}) {
      const terminal = Boolean(io.stderr.isTTY) && io.env.TERM !== 'dumb'
      if (!terminal || inCI(io.env) || verbosity === 'quiet') return noProgress
      const drawn = progressBar(io.stderr as CliIO['stderr'] & { columns?: number }, label, options)
      bar = drawn
      return {
        ...drawn,
        end() {
          drawn.end()
          bar = noProgress
        },
      }
    },
  }
}
