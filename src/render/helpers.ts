import { formatInZone } from '../model/local-time.js'
import type Handlebars from 'handlebars'
import type { Root } from 'mdast'
import { formatDuration } from '../model/format-duration.js'
import { cell, cellCode, code, inline, link, url } from './escape.js'
import { blockMarkdown, cellMarkdown, inlineMarkdown } from './markdown.js'

type Value = unknown

const text = (v: Value) => (v === null || v === undefined ? '' : String(v))
const isTree = (v: Value): v is Root => typeof v === 'object' && v !== null && (v as Root).type === 'root'
const instant = (v: Value) => (typeof v === 'number' && Number.isFinite(v) ? v : null)

function inZone(v: Value, zone: Value, pattern: string): string {
  const at = instant(v)
  return at === null ? '—' : formatInZone(at, text(zone) || 'UTC', pattern)
}

// Note: what `toLocaleString('en-US')` formats with, made once: made per call, it was most of the time of
// a page's numbers.
const enUS = new Intl.NumberFormat('en-US')

/** Formatting helpers: plain text out, for Markdown templates and HTML layouts alike. */
export const formatHelpers = {
  /** `2025-01-22 12:03 -08:00`: an instant in a zone, with the offset. */
  datetime: (v: Value, zone: Value) => inZone(v, zone, 'yyyy-MM-dd HH:mm xxx'),
  /** `2025-01-22`: the date of an instant in a zone. */
  date: (v: Value, zone: Value) => inZone(v, zone, 'yyyy-MM-dd'),
  /** `12:03`: the time of an instant in a zone. */
  time: (v: Value, zone: Value) => inZone(v, zone, 'HH:mm'),
  /** `2025-01-22T20:03:00.000Z`, for `<time datetime>`. */
  iso: (v: Value) => (instant(v) === null ? '' : new Date(instant(v)!).toISOString()),
  /** `3h 44m`: a duration in milliseconds; `—` when unknown. */
  duration: (v: Value) => formatDuration(typeof v === 'number' ? v : null),
  /** `518.5 %`: a percentage to one decimal; `—` when unknown. */
  percent: (v: Value) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(1)} %` : '—'),
  /** `12,400`: a number with thousands separators (en-US, for stable output); `—` when unknown. */
  number: (v: Value) => (typeof v === 'number' && Number.isFinite(v) ? enUS.format(v) : '—'),
  /** `yes`/`no`. */
  yesno: (v: Value) => (v ? 'yes' : 'no'),
  /** A value of a closed list as words: `not_doing` → `not doing`. */
  words: (v: Value) => text(v).replace(/_/g, ' '),
  /** `1 update`, `2 updates` (plain text). */
  count_of: (n: Value, word: Value) => `${text(n)} ${text(word)}${n === 1 ? '' : 's'}`,
  /** Equality, for `{{#if (eq status "done")}}`. */
  eq: (a: Value, b: Value) => a === b,
  /** `@index + 1`, for numbered lists. */
  inc: (v: Value) => String(typeof v === 'number' ? v + 1 : 1),
  /** Number of items of a list. */
  count: (v: Value) => (Array.isArray(v) ? String(v.length) : '0'),
} as const

/**
 * The helpers Markdown templates may use; each escapes for the Markdown context it names. Record
 * text must only reach a template's output through one of these (a test checks the shipped templates).
 */
export const helpers = {
  ...formatHelpers,
  /** Plain text inside a paragraph, heading or list item. */
  md: (v: Value) => inline(text(v)),
  /** Plain text inside a table cell. */
  cell: (v: Value) => cell(text(v)),
  /** Plain text shown literally as inline code. */
  code: (v: Value) => code(text(v)),
  /** Inline code inside a table cell. */
  cellCode: (v: Value) => cellCode(text(v)),
  /** A link `[text](url)` (plain text when the URL is not http(s)/mailto); safe in table cells. */
  link: (label: Value, href: Value) => link(text(label), text(href)),
  /** A link destination `<…>`; empty when the URL is not http(s)/mailto. */
  url: (v: Value) => url(text(v)) ?? '',
  /** A Markdown prose field as blocks (a section body). */
  prose: (tree: Value) => (isTree(tree) ? blockMarkdown(tree) : ''),
  /** A Markdown prose field flattened to one line (list items). */
  proseInline: (tree: Value) => (isTree(tree) ? inlineMarkdown(tree) : ''),
  /** A Markdown prose field flattened for a table cell. */
  proseCell: (tree: Value) => (isTree(tree) ? cellMarkdown(tree) : ' '),
  /** A value of a closed list as words, escaped: `not_doing` → `not doing`. */
  label: (v: Value) => inline(text(v).replace(/_/g, ' ')),
  /** The same, inside a table cell. */
  cellLabel: (v: Value) => cell(text(v).replace(/_/g, ' ')),
  /** `1 public update`, `2 public updates`. */
  plural: (n: Value, word: Value) => `${text(n)} ${inline(text(word))}${n === 1 ? '' : 's'}`,
} as const

/** Registers helpers (by default the Markdown set) on a Handlebars environment. */
export function registerHelpers(
  hb: typeof Handlebars,
  set: Record<string, (...a: never[]) => unknown> = helpers,
): void {
  for (const [name, fn] of Object.entries(set))
    hb.registerHelper(name, (...args: unknown[]) => {
      // Handlebars passes its options object last; helpers only look at their own arguments.
      // Note: read in place rather than through `pop()`, `some()` and a spread call: a page calls
      // helpers some hundreds of times, and those showed in its profile.
      const last = args.length - 1
      for (let i = 0; i < last; i++) {
        // Strict mode does not cover helper arguments, and the view defines every field (null when
        // empty), so `undefined` can only be a misspelt field: say so instead of printing nothing.
        if (args[i] !== undefined) continue
        const options = args[last] as { loc?: { start: { line: number; column: number } } }
        const where = options.loc?.start
        throw Object.assign(new Error(`\`${name}\` was given a field that does not exist (misspelt?)`), {
          lineNumber: where?.line,
        })
      }
      const call = fn as (...a: unknown[]) => unknown
      if (last === 0) return call()
      if (last === 1) return call(args[0])
      if (last === 2) return call(args[0], args[1])
      return call(...args.slice(0, last))
    })
}
