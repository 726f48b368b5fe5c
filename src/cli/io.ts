import { createColors } from 'picocolors'

/** Where the CLI reads and writes: the real process in bin/, buffers in tests. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean }
  stderr: { write(chunk: string): unknown; isTTY?: boolean }
  cwd: string
  env: Record<string, string | undefined>
}

/** Colour functions for a stream: only on a TTY, never with `NO_COLOR` or `TERM=dumb`. */
export function colorsFor(stream: CliIO['stdout'], env: CliIO['env']) {
  const enabled = Boolean(stream.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb'
  return createColors(enabled)
}

export type Colors = ReturnType<typeof colorsFor>

// C0/C1 controls (newline and tab included), DEL, and bidirectional overrides that can disguise text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * Makes user-supplied text safe to print on one terminal line: control characters (newlines too)
 * and bidi overrides become visible escapes, so a value can neither recolour nor split the output.
 */
export function sanitize(text: string): string {
  return text.replace(unsafe, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
