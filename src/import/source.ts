/**
 * What every source parser produces: events (and metrics, and key times) read from a file in a tool's
 * own format, the items it read but did not take (with the reason), and the problems that make the file
 * unusable as diagnostics at its `line:column`. Parsers are pure: text in, this out.
 */
import type { Diagnostic, DiagnosticCode } from '../diagnostics.js'
import type { eventKinds } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'

/** A timeline event kind of the record format. */
export type EventKind = (typeof eventKinds)[number]

/** Key times an import may fill (PagerDuty's first trigger, acknowledgement and resolution). */
export type FillableTimestamp = 'detected' | 'acknowledged' | 'resolved'

/** An event read from a source, before it is written into a record. */
export interface ImportedEvent {
  at: Instant
  kind: EventKind
  text: string
  actor?: string
  source?: { title: string; url: string }
  public_text?: string
  /** The key time the first kept event of its sort fills when the record has none. */
  fills?: FillableTimestamp
  /** Where in the source it came from: `line 12`, `$.log_entries[3]`. */
  origin: string
}

/** A metric series read from a source (all its finite samples, oldest first). */
export interface ImportedMetric {
  name: string
  unit: string
  points: Array<{ at: Instant; value: number }>
  origin: string
}

/** Why something read from a source, or planned for the record, was left out. */
export type SkipReason =
  | 'not-selected'
  | 'deleted'
  | 'channel-event'
  | 'no-text'
  | 'entry-type'
  | 'not-a-number'
  | 'duplicate'
  | 'before-since'
  | 'after-until'
  | 'outside-window'
  | 'metric-exists'
  | 'timestamp-set'

/** Something left out, and why. */
export interface SkippedItem {
  reason: SkipReason
  origin: string
  at?: Instant
  /** `at` as the record writes times (set by the merge). */
  time?: string
  text?: string
  detail?: string
}

/** The outcome of parsing one source file. */
export interface SourceResult {
  events: ImportedEvent[]
  metrics: ImportedMetric[]
  skipped: SkippedItem[]
  /** Errors make the source unusable: nothing is imported from it. */
  diagnostics: Diagnostic[]
}

/** An empty result to fill. */
export function emptyResult(): SourceResult {
  return { events: [], metrics: [], skipped: [], diagnostics: [] }
}

/** A problem in a source file, at its position. */
export function sourceProblem(
  code: DiagnosticCode,
  file: string,
  where: { line?: number; column?: number },
  message: string,
  hint?: string,
): Diagnostic {
  return {
    code,
    severity: 'error',
    message,
    ...(hint && { hint }),
    file,
    ...(where.line !== undefined && { line: where.line, column: where.column ?? 1 }),
  }
}

/**
 * Text for a record field: line breaks normalised, control characters other than newline and tab
 * removed, trailing spaces and surplus blank lines dropped.
 */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/\u00a0/g, ' ')
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  )
}

/** A one-line value (actor, source title): whitespace collapsed, at most 500 characters; undefined when empty. */
export function oneLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const line = cleanText(text).replace(/\s+/g, ' ')
  return line === '' ? undefined : line.slice(0, 500)
}

/** A link the record format accepts (`http(s)://` or `mailto:`, no spaces), or undefined. */
export function usableUrl(url: unknown): string | undefined {
  return typeof url === 'string' && /^(https?:\/\/|mailto:)\S+$/.test(url) && url.length <= 2000
    ? url
    : undefined
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
