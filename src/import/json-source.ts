/**
 * Reading JSON sources with positions. The data comes from `JSON.parse` (fast, exact); positions are
 * only worked out when something is wrong: a syntax error's offset from jsonc-parser's scanner (Node 20's
 * `JSON.parse` error only says "at position N", and not always that), a bad value's `line:column` from
 * jsonc-parser's tree. Problems name the JSON path, e.g. `$.data.result[1].values[3]`.
 */
import { findNodeAtLocation, parse, parseTree, printParseErrorCode } from 'jsonc-parser'
import type { Node as JsonNode, ParseError } from 'jsonc-parser'
import type { Diagnostic } from '../diagnostics.js'
import { LineIndex } from '../load/line-index.js'
import type { Instant } from '../validate/timestamps.js'
import { parseTimestamp } from '../validate/timestamps.js'
import { sourceProblem } from './source.js'

/** A path into a JSON document. */
export type JsonPath = ReadonlyArray<string | number>

/** `$.data.result[1].values[3]`; keys that are not identifiers as `$['a b']`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '$'
  for (const part of path)
    out +=
      typeof part === 'number'
        ? `[${part}]`
        : /^[A-Za-z_$][\w$]*$/.test(part)
          ? `.${part}`
          : `[${JSON.stringify(part)}]`
  return out
}

const syntaxMessages: Record<string, string> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a `:` was expected',
  CommaExpected: 'a `,` was expected',
  CloseBraceExpected: 'a `}` was expected',
  CloseBracketExpected: 'a `]` was expected',
  EndOfFileExpected: 'the document should end here',
  InvalidCommentToken: 'JSON has no comments',
  UnexpectedEndOfComment: 'JSON has no comments',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'a malformed `\\u` escape',
  InvalidEscapeCharacter: 'a malformed escape',
  InvalidCharacter: 'a control character inside a string',
}

/** A parsed JSON source: its data, and how to find a path's position in the text. */
export class JsonSource {
  readonly diagnostics: Diagnostic[] = []
  private tree: JsonNode | undefined
  private lines: LineIndex | undefined

  private constructor(
    readonly text: string,
    readonly file: string,
    readonly data: unknown,
  ) {}

  /** Parses `text`; on a syntax error returns the diagnostic at its line and column instead. */
  static parse(text: string, file: string): JsonSource | Diagnostic {
    try {
      return new JsonSource(text, file, JSON.parse(text))
    } catch {
      const errors: ParseError[] = []
      parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false })
      const first = errors[0]
      const lines = new LineIndex(text)
      const at = lines.position(first?.offset ?? 0)
      const what = first
        ? (syntaxMessages[printParseErrorCode(first.error)] ?? 'invalid JSON')
        : 'invalid JSON'
      return sourceProblem(
        'IMPORT_SYNTAX',
        file,
        at,
        text.trim() === '' ? 'the file is empty; expected a JSON document' : `not valid JSON: ${what}`,
        'Export the data again, or fix the JSON around this position.',
      )
    }
  }

  /** `line:column` of the value at `path` (or of its nearest ancestor in the text). */
  position(path: JsonPath): { line: number; column: number } {
    this.tree ??= parseTree(this.text, [], { disallowComments: true })
    this.lines ??= new LineIndex(this.text)
    for (let n = path.length; n >= 0; n--) {
      const node = this.tree && findNodeAtLocation(this.tree, [...path.slice(0, n)])
      if (node) return this.lines.position(node.offset)
    }
    return { line: 1, column: 1 }
  }

  /** Reports a value that does not have the documented shape (IMPORT_SHAPE) or cannot be used. */
  problem(
    path: JsonPath,
    message: string,
    hint?: string,
    code: 'IMPORT_SHAPE' | 'IMPORT_VALUE' = 'IMPORT_SHAPE',
  ) {
    this.diagnostics.push(
      sourceProblem(code, this.file, this.position(path), `\`${formatJsonPath(path)}\` ${message}`, hint),
    )
  }

  /** The object at `path`, or undefined after reporting what was found instead. */
  object(value: unknown, path: JsonPath, hint?: string): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
    this.problem(path, `must be an object, got ${describe(value)}`, hint)
    return undefined
  }

  /** The array at `path`, or undefined after reporting what was found instead. */
  array(value: unknown, path: JsonPath, hint?: string): unknown[] | undefined {
    if (Array.isArray(value)) return value
    this.problem(path, `must be an array, got ${describe(value)}`, hint)
    return undefined
  }

  /** The string at `path`, or undefined after reporting what was found instead. */
  string(value: unknown, path: JsonPath, hint?: string): string | undefined {
    if (typeof value === 'string') return value
    this.problem(path, `must be a string, got ${describe(value)}`, hint)
    return undefined
  }

  /** The ISO 8601 time (with an offset) at `path` as an instant, or undefined after reporting it. */
  time(value: unknown, path: JsonPath): Instant | undefined {
    const text = this.string(value, path)
    if (text === undefined) return undefined
    const parsed = parseTimestamp(text, undefined)
    if (parsed.ok) return parsed.instant
    this.problem(path, `must be an ISO 8601 time with an offset, got \`${text}\``, undefined, 'IMPORT_VALUE')
    return undefined
  }
}

/** How a JSON value is named in messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)'
  if (value === null) return '`null`'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string')
    return `the string \`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``
  return `\`${String(value)}\``
}
