// Text for terminals, shared by the CLI and the terminal renderers.

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
