/**
 * `importTimeline`: reads a source file (Slack, PagerDuty, Statuspage, Prometheus, CSV), plans its merge
 * into a record, checks that the record still validates with the merge applied, and — unless it is a dry
 * run — writes the record through the one YAML-editing module (only the new lines change; atomic; a file
 * changed since it was read is refused).
 */
import { readFile, stat } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import type { Diagnostic } from '../diagnostics.js'
import { UsageError } from '../errors.js'
import { editRecordText, writeRecordEdits } from '../load/edit-record.js'
import { decodeText } from '../load/decode-text.js'
import { defaultLimits, parseSource } from '../load/parse-source.js'
import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import { parseTimestamp } from '../validate/timestamps.js'
import { validateSource } from '../validate/validate-incident.js'
import { readCsv } from './csv.js'
import type { MergePlan } from './merge.js'
import { planMerge } from './merge.js'
import { readPagerDuty } from './pagerduty.js'
import { readPrometheus } from './prometheus.js'
import { readSlack } from './slack.js'
import type { EventKind, SourceResult } from './source.js'
import { sourceProblem } from './source.js'
import { readStatuspage } from './statuspage.js'

/** The source formats `importTimeline` reads. */
export const importKinds = ['slack', 'pagerduty', 'statuspage', 'prometheus', 'csv'] as const

/** A source format. */
export type ImportKind = (typeof importKinds)[number]

/** Options of `importTimeline`. */
export interface ImportOptions {
  /** The source's format. */
  kind: ImportKind
  /** The source file, relative to `cwd` or absolute. */
  file: string
  /** The record file to merge into, relative to `cwd` or absolute. */
  record: string
  /** Where relative paths start, and what diagnostics name files relative to (default: the process's). */
  cwd?: string
  /** The configuration the record is validated with. */
  config: Config
  /** Reference time for the record's lint rules (action items overdue). */
  now: Instant
  /** Plan and check only; write nothing. */
  dryRun?: boolean
  /**
   * Skip events and samples before this time (instead of the window's start): an instant, or ISO 8601
   * text — a time without an offset, or a date (its midnight), is read in `timezone`, else the record's
   * zone, else UTC.
   */
  since?: Instant | string
  /** Skip events and samples after this time (instead of the window's end); read like `since`. */
  until?: Instant | string
  /** How far outside impact_started … resolved events are still taken, in ms (default 6 hours). */
  margin?: number
  /** Replace key times and metrics the record already has (default false). */
  overwrite?: boolean
  /** CSV: IANA zone for times without an offset (default: the record's `timezone`). */
  timezone?: string
  /** Slack: the export's `users.json`, to name users. */
  users?: string
  /** Slack: the reaction that selects messages (default `pushpin`). */
  reaction?: string
  /** Slack: the kind of the events (default `note`). */
  eventKind?: EventKind
  /** Prometheus: metric name (default: from the series' labels). */
  name?: string
  /** Prometheus: unit (default none). */
  unit?: string
  /** Prometheus: at most this many samples per series (default 200). */
  maxPoints?: number
}

/** What `importTimeline` did, or would do. */
export interface ImportResult {
  /** The record file, as named in output. */
  record: string
  /** The source file, as named in output. */
  source: string
  /**
   * Problems: in the source (`IMPORT_*` codes, at the source's line:column), in the record as it is,
   * or in the record as the import would leave it. When one is an error, nothing was written.
   */
  diagnostics: Diagnostic[]
  /** The merge: events added, key times, metrics, and everything skipped with its reason. */
  plan?: MergePlan
  /** New lint warnings the import brings to the record (written all the same). */
  warnings: Diagnostic[]
  /** Whether the record file was changed. */
  written: boolean
}

/** Largest source file read (a Slack day file or a Prometheus response is far smaller). */
const maxSourceBytes = 64 * 1024 * 1024
const defaultMargin = 6 * 3_600_000

/**
 * Imports events (and key times, and metrics) from a source file into a record: reads and checks both,
 * plans the merge (sorted, de-duplicated, window-checked), validates the record with it applied, and
 * unless `dryRun` writes it, changing only the new lines. Input problems come back as diagnostics;
 * failures to read or write throw a PostmortemError.
 *
 * @param options - the source (`kind`, `file`), the record to merge into, the config, and what to keep
 *   (`since`, `until`, `margin`, `dryRun`, `overwrite`, the kind's own settings).
 * @returns the plan, the diagnostics (an error means nothing was written), new lint warnings, and
 *   whether the record file changed.
 * @throws PostmortemError when the record cannot be read or written.
 * @example
 * const result = await importTimeline({
 *   kind: 'pagerduty',
 *   file: 'log_entries.json',
 *   record: 'incidents/2025-01-22-connection-pool-exhaustion.yaml',
 *   config,
 *   now: Date.now(),
 *   dryRun: true,
 * })
 * for (const event of result.plan?.added ?? []) console.log(event.at, event.kind, event.text)
 */
export async function importTimeline(options: ImportOptions): Promise<ImportResult> {
  const cwd = options.cwd ?? process.cwd()
  const name = (path: string) => relative(cwd, resolve(cwd, path)) || path
  const recordPath = resolve(cwd, options.record)
  const result: ImportResult = {
    record: name(options.record),
    source: name(options.file),
    diagnostics: [],
    warnings: [],
    written: false,
  }
  const limits = { ...defaultLimits, maxFileBytes: options.config.max_file_bytes }
  const bytes = await readFile(recordPath)
  const before = validateSource(parseSource(bytes, result.record, limits), {
    config: options.config,
    at: options.now,
  })
  if (!before.incident) {
    result.diagnostics = before.diagnostics.filter((d) => d.severity === 'error')
    return result
  }
  const incident = before.incident
  const source = await readSourceFile(options, incident, result.source, cwd)
  if (source.diagnostics.length > 0) {
    result.diagnostics = source.diagnostics
    return result
  }
  const zone = options.timezone ?? incident.written.timezone ?? 'UTC'
  const plan = planMerge(incident, source, {
    ...(options.since !== undefined && { since: toInstant(options.since, zone, 'since') }),
    ...(options.until !== undefined && { until: toInstant(options.until, zone, 'until') }),
    margin: options.margin ?? defaultMargin,
    overwrite: options.overwrite ?? false,
    maxPoints: options.maxPoints ?? 200,
  })
  result.plan = plan
  if (plan.edits.length === 0) return result

  // The record must still validate with the merge applied: check before anything is written.
  const decoded = decodeText(bytes)
  const { text } = editRecordText(decoded.ok ? decoded.text : '', plan.edits)
  const after = validateSource(parseSource(Buffer.from(text, 'utf8'), result.record, limits), {
    config: options.config,
    at: options.now,
  })
  const errors = after.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) {
    result.diagnostics = errors
    return result
  }
  const known = new Set(before.diagnostics.map((d) => `${d.code} ${d.message}`))
  result.warnings = after.diagnostics.filter((d) => !known.has(`${d.code} ${d.message}`))
  if (!options.dryRun) result.written = await writeRecordEdits(recordPath, bytes, plan.edits)
  return result
}

async function readSourceFile(
  options: ImportOptions,
  incident: Incident,
  file: string,
  cwd: string,
): Promise<SourceResult> {
  const empty = (diagnostic: Diagnostic): SourceResult => ({
    events: [],
    metrics: [],
    skipped: [],
    diagnostics: [diagnostic],
  })
  const text = await readText(resolve(cwd, options.file), file)
  if (typeof text !== 'string') return empty(text)
  switch (options.kind) {
    case 'slack': {
      let users: { text: string; file: string } | undefined
      if (options.users !== undefined) {
        const usersFile = relative(cwd, resolve(cwd, options.users)) || options.users
        const usersText = await readText(resolve(cwd, options.users), usersFile)
        if (typeof usersText !== 'string') return empty(usersText)
        users = { text: usersText, file: usersFile }
      }
      return readSlack(text, {
        file,
        ...(users && { users }),
        ...(options.reaction !== undefined && { reaction: options.reaction }),
        ...(options.eventKind !== undefined && { kind: options.eventKind }),
      })
    }
    case 'pagerduty':
      return readPagerDuty(text, { file })
    case 'statuspage':
      return readStatuspage(text, { file })
    case 'prometheus':
      return readPrometheus(text, {
        file,
        ...(options.name !== undefined && { name: options.name }),
        ...(options.unit !== undefined && { unit: options.unit }),
      })
    case 'csv': {
      const timezone = options.timezone ?? incident.written.timezone
      return readCsv(text, { file, ...(timezone !== undefined && { timezone }) })
    }
  }
}

/** A bound given as an instant or as text. */
function toInstant(value: Instant | string, zone: string, name: string): Instant {
  if (typeof value === 'number') return value
  const parsed = parseTimestamp(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value, zone)
  if (!parsed.ok)
    throw new UsageError(
      `--${name} must be an ISO 8601 time (2025-01-22T12:00:00-08:00) or a date (2025-01-22), got ${value}`,
    )
  return parsed.instant
}

/** A source file's text, or the diagnostic that says why it cannot be read. */
async function readText(path: string, file: string): Promise<string | Diagnostic> {
  let bytes: Buffer
  try {
    const { size } = await stat(path)
    if (size > maxSourceBytes)
      return sourceProblem(
        'FILE_TOO_LARGE',
        file,
        {},
        `the file has ${size} bytes; import reads at most ${maxSourceBytes}`,
        'Export a shorter time range.',
      )
    bytes = await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    return sourceProblem('READ_FAILED', file, {}, `cannot read the file (${code})`, 'Check the path.')
  }
  const decoded = decodeText(bytes)
  if (!decoded.ok)
    return sourceProblem(
      'INVALID_UTF8',
      file,
      decoded,
      'the file is not valid UTF-8',
      'Save or export the file as UTF-8.',
    )
  return decoded.text
}
