/**
 * The tool's block in an issue body: an opening marker naming the action item, the generated text, and
 * a closing marker. Text a person writes before or after the block is theirs and is kept on update.
 *
 *   <!-- postmortem:2025-01-22-db-outage/AI-3 -->
 *   …generated…
 *   <!-- /postmortem -->
 */

/** `incident id/action id`: what identifies an action item across records and issues. */
export type ItemKey = string

export function itemKey(incidentId: string, actionId: string): ItemKey {
  return `${incidentId}/${actionId}`
}

const open = (key: ItemKey) => `<!-- postmortem:${key} -->`
const close = '<!-- /postmortem -->'
const anyMarker = /<!-- postmortem:([a-z0-9][a-z0-9-]{0,79}\/[A-Z][A-Z0-9]*-[0-9]+) -->/g

/** The tool's block for an item: markers around the generated text. */
export function block(key: ItemKey, content: string): string {
  return `${open(key)}\n${content.trim()}\n${close}`
}

/** What the tool finds in an issue body. */
export type BodyMarker =
  | { kind: 'none' }
  | { kind: 'block'; key: ItemKey; before: string; content: string; after: string }
  /** A marker that is not the opening of one well-formed block (quoted, repeated, unclosed): hands off. */
  | { kind: 'ambiguous'; reason: string }

/**
 * Reads the block out of an issue body. Only a body with exactly one marker that opens exactly one
 * closed block counts; anything else is ambiguous and the issue is never touched.
 */
export function readBody(body: string | null | undefined): BodyMarker {
  const text = (body ?? '').replace(/\r\n/g, '\n')
  const markers = [...text.matchAll(anyMarker)]
  if (markers.length === 0) return { kind: 'none' }
  if (markers.length > 1)
    return { kind: 'ambiguous', reason: 'the body holds more than one postmortem marker' }
  const m = markers[0]!
  const start = m.index
  const end = text.indexOf(close, start)
  if (end < 0) return { kind: 'ambiguous', reason: 'the postmortem block is not closed' }
  if (text.indexOf(close, end + close.length) >= 0)
    return { kind: 'ambiguous', reason: 'the body closes the postmortem block twice' }
  const lineStart = start === 0 || text[start - 1] === '\n'
  if (!lineStart) return { kind: 'ambiguous', reason: 'the marker does not start a line' }
  return {
    kind: 'block',
    key: m[1]!,
    before: text.slice(0, start),
    content: text.slice(start + m[0].length, end).trim(),
    after: text.slice(end + close.length),
  }
}

/** The body with the tool's block replaced (or added at the top when it has none). */
export function withBlock(body: string | null | undefined, key: ItemKey, content: string): string {
  const found = readBody(body)
  if (found.kind === 'block') return `${found.before}${block(key, content)}${found.after}`
  const rest = (body ?? '').trim()
  return rest === '' ? block(key, content) : `${block(key, content)}\n\n${rest}`
}
