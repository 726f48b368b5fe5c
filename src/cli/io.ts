import { createColors } from 'picocolors'

/** Where the CLI reads and writes: the real process in bin/, buffers in tests. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean }
  stderr: { write(chunk: string): unknown; isTTY?: boolean }
  cwd: string
  env: Record<string, string | undefined>
  /** Where a command reads a confirmation (`init`); absent means nobody can answer. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
}

/** Colour functions for a stream: only on a TTY, never with `NO_COLOR` or `TERM=dumb`. */
export function colorsFor(stream: { isTTY?: boolean }, env: CliIO['env']) {
  const enabled = Boolean(stream.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb'
  return createColors(enabled)
}

export type Colors = ReturnType<typeof colorsFor>

export { sanitize } from '../terminal.js'
