/**
 * Context-specific escaping of plain, one-line record text (titles, names, owners, service ids, URLs) for
 * the Markdown that the templates build. Record text is data: whatever it holds, it renders as itself and
 * never adds a block, a table column, an HTML tag, an entity, an active `@mention` or an unsafe link.
 *
 * These run once per value on the rendering hot path, so they are plain string functions, no parser.
 */

const ZERO_WIDTH_SPACE = '\u200B'

// CommonMark line endings and the spaces and tabs that count as indentation.
const whitespace = /[\t\n\r ]+/g

// Punctuation that can open or close markup anywhere in a line; `&` so no entity forms, `!` so no image.
const punctuation = /[\\`*_[\]<>|~&]|!(?=\[)/g

// GitHub mentions `@name` and `@org/team`; a zero-width space after `@` keeps the text but not the ping.
const mention = /@(?=[\p{L}\p{N}])/gu

// Note: micromark reads GFM autolink literals from the raw source, escapes included, so `http://a/b\_c`
// would show its backslash. Escaping `:` or `.` stops the literal there; GitHub still links it, because
// cmark-gfm finds literals after escapes are resolved.
const autolinkLiteral = /https?:(?=\/\/)|www\./gi

// Characters that start a block only at the beginning of a line: heading, blockquote, list, setext line.
const blockStart = /^(?:[#>+\-=]|\d+[.)])/

// An ATX heading drops a closing run of `#` that follows a space.
const closingHashes = / (#+)$/

// Anything one of the rewrites below could touch, found by one scan: most titles, names and labels
// have none, and are returned as they are (a property test holds the shortcut to the full escape).
const needsInlineEscape = /[\t\n\r\\`*_[\]<>|~&@#]| {2}|^[ >+\-=\d]| $|https?:|www\./i

/**
 * Escape text for a paragraph, heading or list item line. Line breaks and tabs become single spaces and
 * the ends are trimmed; the result renders as exactly the input text (mentions keep a zero-width space).
 */
export function inline(text: string): string {
  return needsInlineEscape.test(text) ? escapeInline(text) : text
}

/** `inline()` without its shortcut for text that needs nothing: every rewrite, in order. */
export function escapeInline(text: string): string {
  const collapsed = text.replace(whitespace, ' ').replace(/^ | $/g, '')
  const escaped = collapsed
    .replace(punctuation, '\\$&')
    .replace(mention, '@' + ZERO_WIDTH_SPACE)
    .replace(autolinkLiteral, (match: string) => `${match.slice(0, -1)}\\${match.slice(-1)}`)
    .replace(closingHashes, ' \\$1')
  const start = blockStart.exec(escaped)
  if (start === null) return escaped
  // Escape the marker's punctuation: `\#`, `\-`, or `1\.` for an ordered-list marker.
  const marker = start[0]
  return `${marker.slice(0, -1)}\\${marker.slice(-1)}${escaped.slice(marker.length)}`
}

/** Escape text for a GFM table cell: `inline()`, whose escaped `\|` cannot split the row. */
export function cell(text: string): string {
  return inline(text)
}

/** An inline code span that shows `text` literally (line breaks become spaces); `''` for empty text. */
export function code(text: string): string {
  return codeSpan(text.replace(/\r\n|[\r\n]/g, ' '))
}

/**
 * Like `code()`, for a GFM table cell: a pipe gets a backslash so it cannot split the row. Note: a pipe
 * already preceded by an odd number of backslashes is left alone (as mdast-util-gfm-table does), because
 * GitHub and micromark disagree on `\\|`; such a cell shows one backslash less.
 */
export function cellCode(text: string): string {
  return code(text).replace(/(\\*)\|/g, (match: string, slashes: string) =>
    slashes.length % 2 === 0 ? `${slashes}\\|` : match,
  )
}

function codeSpan(value: string): string {
  if (value === '') return ''
  let longest = 0
  for (const run of value.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  const fence = '`'.repeat(longest + 1)
  // A space on each side is stripped when both are present, so pad when the content needs one kept.
  const pad =
    value.startsWith('`') ||
    value.endsWith('`') ||
    (value.startsWith(' ') && value.endsWith(' ') && value.trim() !== '')
      ? ' '
      : ''
  return `${fence}${pad}${value}${pad}${fence}`
}

const allowedScheme = /^(?:https?|mailto):/i

// Characters a `<…>` destination cannot hold or that a table would split on; controls are the point here.
// eslint-disable-next-line no-control-regex
const unsafeInDestination = /[\x00-\x20\x7f<>\\|&]/g

/**
 * A link destination in the `<…>` form, or `null` unless the URL is `http:`, `https:` or `mailto:`.
 * Spaces, controls and angle brackets are percent-encoded; `\`, `|` and `&` are backslash-escaped so the
 * parsed URL is unchanged, no entity is decoded, and the destination is safe in a table cell.
 */
export function url(href: string): string | null {
  const trimmed = href.trim()
  if (!allowedScheme.test(trimmed)) return null
  const encoded = trimmed.replace(unsafeInDestination, (char: string) =>
    char === '\\' || char === '|' || char === '&'
      ? `\\${char}`
      : `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  )
  return `<${encoded}>`
}

/**
 * A Markdown link `[text](<href>)`, safe in a table cell; just the escaped text when the URL is not
 * allowed. Empty text shows the URL itself.
 */
export function link(text: string, href: string): string {
  const destination = url(href)
  if (destination === null) return cell(text)
  const label = inline(text) || inline(href)
  return `[${label}](${destination})`
}
