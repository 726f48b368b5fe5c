/**
 * CSV: a header row naming the columns `at`, `kind`, `text` and optionally `actor`, `source_url`,
 * `source_title` and `public_text` (any order), then one event per row. RFC 4180 quoting: fields with
 * commas, quotes or line breaks in double quotes, `""` for a quote. `at` is ISO 8601; a time without an
 * offset is read in `timezone` (`--timezone`, else the record's), DST-correct.
 *
 * Parsing is csv-parse's (a maintained RFC 4180 parser with line numbers in its errors); this file only
 * maps columns to event fields and reports bad cells at their `line:column`.
 */
import { parse } from 'csv-parse/sync'
import { closest } from 'fastest-levenshtein'
import { eventKinds } from '../validate/schema.js'
import { parseTimestamp } from '../validate/timestamps.js'
import type { EventKind, SourceResult } from './source.js'
import { cleanText, emptyResult, oneLine, sourceProblem, usableUrl } from './source.js'

/** Options of the CSV reader. */
export interface CsvOptions {
  /** How the file is named in diagnostics. */
  file: string
  /** IANA zone for times without an offset. */
  timezone?: string
}

const required = ['at', 'kind', 'text'] as const
const optional = ['actor', 'source_url', 'source_title', 'public_text'] as const
const known: readonly string[] = [...required, ...optional]

interface CsvError extends Error {
  code?: string
  lines?: number
}

/** Reads a CSV file of events. */
export function readCsv(text: string, options: CsvOptions): SourceResult {
  const result = emptyResult()
  const { file } = options
  const problem = (
    code: 'IMPORT_SYNTAX' | 'IMPORT_SHAPE' | 'IMPORT_VALUE',
    where: { line?: number; column?: number },
    message: string,
    hint?: string,
  ) => result.diagnostics.push(sourceProblem(code, file, where, message, hint))
  let rows: Array<{ record: string[]; info: { lines: number }; raw: string }>
  try {
    rows = parse(text, {
      bom: true,
      info: true,
      raw: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as unknown as typeof rows
  } catch (error) {
    const e = error as CsvError
    if (!e.code?.startsWith('CSV_') && !e.code?.startsWith('INVALID_')) throw error
    problem(
      'IMPORT_SYNTAX',
      { line: e.lines ?? 1 },
      `not valid CSV: ${e.message.replace(/^[\w ]+: /, '')}`,
      'Quote fields that hold commas, quotes or line breaks ("…"), and write a quote inside one as "".',
    )
    return result
  }
  const [header, ...body] = rows
  if (!header) {
    problem('IMPORT_SHAPE', { line: 1 }, 'the file is empty; expected a header row `at,kind,text`')
    return result
  }
  const columns = header.record.map((name) => name.trim().toLowerCase())
  const headerColumns = cellColumns(header.raw)
  for (const [i, name] of columns.entries())
    if (!known.includes(name))
      problem(
        'IMPORT_SHAPE',
        { line: 1, column: headerColumns[i] },
        `unknown column \`${name}\`; the columns are ${known.map((k) => `\`${k}\``).join(', ')}`,
        `Did you mean \`${closest(name, [...known])}\`?`,
      )
  for (const name of required)
    if (!columns.includes(name))
      problem(
        'IMPORT_SHAPE',
        { line: 1 },
        `the header has no \`${name}\` column`,
        'Start the file with `at,kind,text`.',
      )
  if (result.diagnostics.length > 0) return result
  const index = Object.fromEntries(columns.map((name, i) => [name, i])) as Record<string, number>
  for (const row of body) {
    // csv-parse counts the line a record ends on; a record with quoted line breaks starts earlier.
    const newlines = row.raw.replace(/\r?\n$/, '').split('\n').length - 1
    const line = row.info.lines - newlines
    const cellsAt = cellColumns(row.raw)
    const cell = (name: string) => {
      const i = index[name]
      return i === undefined ? undefined : row.record[i]
    }
    const where = (name: string) => position(row.raw, line, cellsAt[index[name]!] ?? 1)
    const at = cell('at')!.trim()
    const time = parseTimestamp(at, options.timezone)
    if (!time.ok) {
      problem(
        'IMPORT_VALUE',
        where('at'),
        `\`at\`: ${time.message.replace('the record sets no `timezone`', 'no time zone is given')}`,
        time.code === 'MISSING_OFFSET'
          ? 'Add the offset (`…-08:00` or `…Z`), or give `--timezone` (e.g. `America/Los_Angeles`).'
          : time.hint,
      )
      continue
    }
    const kind = cell('kind')!.trim()
    if (!(eventKinds as readonly string[]).includes(kind)) {
      problem(
        'IMPORT_VALUE',
        where('kind'),
        `\`kind\` must be one of ${eventKinds.map((k) => `\`${k}\``).join(', ')}, got \`${kind}\``,
        `Did you mean \`${closest(kind, [...eventKinds])}\`?`,
      )
      continue
    }
    const eventText = cleanText(cell('text')!)
    if (eventText === '') {
      problem('IMPORT_VALUE', where('text'), '`text` is empty', 'Say what happened in the `text` column.')
      continue
    }
    const rawUrl = cell('source_url')?.trim()
    const url = rawUrl ? usableUrl(rawUrl) : undefined
    if (rawUrl && !url) {
      problem(
        'IMPORT_VALUE',
        where('source_url'),
        `\`source_url\` must be an http(s) or mailto: link, got \`${rawUrl}\``,
        'Write the full address, e.g. `https://grafana.example.com/d/abc`.',
      )
      continue
    }
    const actor = oneLine(cell('actor'))
    const publicText = cleanText(cell('public_text') ?? '')
    result.events.push({
      at: time.instant,
      kind: kind as EventKind,
      text: eventText,
      ...(actor && { actor }),
      ...(url && { source: { title: oneLine(cell('source_title')) ?? hostOf(url), url } }),
      ...(publicText && { public_text: publicText }),
      origin: `line ${line}`,
    })
  }
  result.events.sort((a, b) => a.at - b.at)
  return result
}

/** 1-based columns (in the record's raw text) where each cell starts. */
function cellColumns(raw: string): number[] {
  const starts = [0]
  let quoted = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]
    if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) starts.push(i + 1)
  }
  return starts.map((s) => s + 1)
}

/** The line and column of an offset (a 1-based column) inside a record that starts on `line`. */
function position(raw: string, line: number, column: number): { line: number; column: number } {
  const before = raw.slice(0, column - 1)
  const breaks = before.split('\n').length - 1
  return breaks === 0
    ? { line, column }
    : { line: line + breaks, column: column - before.lastIndexOf('\n') - 1 }
}

/** A link's host, as a short title for it (the address itself for `mailto:` and odd links). */
function hostOf(url: string): string {
  try {
    return new URL(url).host || url
  } catch {
    return url
  }
}
