/**
 * PagerDuty: an incident's log entries as the REST API returns them (`GET /incidents/{id}/log_entries`:
 * `{log_entries: [...], limit, offset, more}`; several pages pasted into one JSON array of entries work
 * too). Each entry has `type` (`trigger_log_entry`, …), `created_at`, `summary`, `agent` (`{type,
 * summary}`), `channel` (`{type, summary}`; a note's text for `annotate_log_entry`), `html_url` and
 * `incident`.
 *
 * trigger → `detect`, acknowledge → `escalate`, resolve → `resolve`, annotate (notes) → `note`; the
 * first trigger, acknowledgement and resolution also fill `timestamps.detected` / `acknowledged` /
 * `resolved`. Other entries (notifications, assignments, escalations, snoozes) are reported as skipped.
 * Entries come newest first from the API; they are sorted by time.
 */
import type { JsonPath } from './json-source.js'
import { JsonSource, formatJsonPath } from './json-source.js'
import type { EventKind, FillableTimestamp, ImportedEvent, SourceResult } from './source.js'
import { cleanText, emptyResult, isObject, oneLine, usableUrl } from './source.js'

/** Options of the PagerDuty reader. */
export interface PagerDutyOptions {
  /** How the file is named in diagnostics. */
  file: string
}

const mapping: Record<string, { kind: EventKind; fills?: FillableTimestamp }> = {
  trigger_log_entry: { kind: 'detect', fills: 'detected' },
  acknowledge_log_entry: { kind: 'escalate', fills: 'acknowledged' },
  resolve_log_entry: { kind: 'resolve', fills: 'resolved' },
  annotate_log_entry: { kind: 'note' },
}

/** Reads PagerDuty log entries into events. */
export function readPagerDuty(text: string, options: PagerDutyOptions): SourceResult {
  const result = emptyResult()
  const json = JsonSource.parse(text, options.file)
  if (!(json instanceof JsonSource)) return { ...result, diagnostics: [json] }
  const hint =
    'Save the response of `GET /incidents/{id}/log_entries` (an object with `log_entries`), or a JSON array of log entries.'
  let base: JsonPath = []
  let list: unknown[] | undefined
  if (Array.isArray(json.data)) list = json.data
  else {
    const top = json.object(json.data, [], hint)
    if (top) list = json.array(top.log_entries, (base = ['log_entries']), hint)
  }
  for (const [index, value] of (list ?? []).entries()) {
    const path = [...base, index]
    const entry = json.object(value, path)
    if (!entry) continue
    const type = json.string(entry.type, [...path, 'type'])
    const at = json.time(entry.created_at, [...path, 'created_at'])
    if (type === undefined || at === undefined) continue
    const origin = formatJsonPath(path)
    const mapped = mapping[type.replace(/_reference$/, '')]
    if (!mapped) {
      result.skipped.push({ reason: 'entry-type', origin, at, detail: `a \`${type}\`` })
      continue
    }
    const event = eventFrom(entry, mapped.kind, at, origin)
    if (!event) {
      result.skipped.push({ reason: 'no-text', origin, at, detail: `a \`${type}\` without a summary` })
      continue
    }
    result.events.push({ ...event, ...(mapped.fills && { fills: mapped.fills }) })
  }
  result.events.sort((a, b) => a.at - b.at)
  result.diagnostics.push(...json.diagnostics)
  return result
}

function eventFrom(
  entry: Record<string, unknown>,
  kind: EventKind,
  at: number,
  origin: string,
): ImportedEvent | undefined {
  const field = (object: unknown, key: string) =>
    isObject(object) && typeof object[key] === 'string' ? object[key] : undefined
  const summary = typeof entry.summary === 'string' ? entry.summary : undefined
  let text: string | undefined
  if (kind === 'note')
    // A note's own text is in its channel; the entry's summary only says "Note added".
    text = field(entry.channel, 'summary') ?? field(entry.channel, 'content') ?? summary
  else {
    const details = field(entry.event_details, 'description') ?? field(entry.channel, 'summary')
    text = summary && details && !summary.includes(details) ? `${summary}: ${details}` : (summary ?? details)
  }
  text = text === undefined ? '' : cleanText(text)
  if (text === '') return undefined
  const actor = oneLine(field(entry.agent, 'summary'))
  const url = usableUrl(entry.html_url) ?? usableUrl(field(entry.incident, 'html_url'))
  const incident = oneLine(field(entry.incident, 'summary'))
  return {
    at,
    kind,
    text,
    ...(actor && { actor }),
    ...(url && { source: { title: incident ? `PagerDuty: ${incident}` : 'PagerDuty log entry', url } }),
    origin,
  }
}
