// The synthetic records as content for other static-site generators: per incident on our public site, a
// Markdown page whose front matter and body carry the same text as our page (summary, impact, timeline as
// a table, the prose fields with their tables, lessons, action items, metric data tables). Same public
// view as ours: no internal events (public wording where given) and no people's names.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { RecordFile } from '../synthetic-repo.js'

interface Event {
  at: string
  kind: string
  text: string
  visibility?: string
  public_text?: string
}
interface Factor {
  text: string
}
interface Record {
  title: string
  severity: string
  status: string
  type: string
  services: Array<{ id: string; impact?: string }>
  tags?: string[]
  timestamps: { impact_started: string; detected: string; mitigated?: string; resolved?: string }
  summary: string
  impact?: {
    summary?: string
    users_affected?: number
    requests_failed_pct?: number
    support_tickets?: number
  }
  trigger?: string
  root_cause?: { summary: string; details?: string; contributing_factors?: Factor[] }
  resolution?: string
  lessons?: { went_well?: string[]; went_wrong?: string[]; got_lucky?: string[] }
  timeline: Event[]
  metrics?: Array<{ name: string; unit: string; series: Array<{ at: string; value: number }> }>
  action_items?: Array<{
    id: string
    title: string
    type: string
    priority: string
    due?: string
    status: string
  }>
}

// Record text is plain words here; a pipe or line break would still break a table row, so escape them.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ')
const section = (title: string, body: string | undefined) =>
  body ? [`## ${title}`, '', body.trim(), ''] : []
const list = (items: readonly string[] | undefined) => (items ?? []).map((item) => `- ${item}`).join('\n')

/** The Markdown page (YAML front matter + body) of one record. */
export function peerPage(yamlText: string): string {
  const r = parse(yamlText) as Record
  const events = r.timeline.filter((e) => e.visibility !== 'internal')
  const front = [
    '---',
    `title: ${JSON.stringify(r.title)}`,
    `date: ${r.timestamps.impact_started}`,
    `severity: ${r.severity}`,
    `status: ${r.status}`,
    `type: ${r.type}`,
    `services: ${JSON.stringify(r.services.map((s) => s.id))}`,
    `tags: ${JSON.stringify(r.tags ?? [])}`,
    `summary: ${JSON.stringify(r.summary.trim())}`,
    '---',
    '',
  ]
  const impact = r.impact
  const body = [
    ...section('Summary', r.summary),
    ...section(
      'Impact',
      [
        impact?.summary ?? '',
        list([
          `Users affected: ${impact?.users_affected ?? '—'}`,
          `Requests failed: ${impact?.requests_failed_pct ?? '—'} %`,
          `Support tickets: ${impact?.support_tickets ?? '—'}`,
        ]),
      ].join('\n\n'),
    ),
    ...section(
      'Timeline',
      [
        '| Time (UTC) | Kind | Event |',
        '|---|---|---|',
        ...events.map((e) => `| ${e.at} | ${e.kind} | ${cell(e.public_text ?? e.text)} |`),
      ].join('\n'),
    ),
    ...section('Trigger', r.trigger),
    ...section(
      'Root cause',
      [
        r.root_cause?.summary ?? '',
        r.root_cause?.details ?? '',
        '### Contributing factors',
        list(r.root_cause?.contributing_factors?.map((f) => f.text)),
      ].join('\n\n'),
    ),
    ...section('Resolution', r.resolution),
    ...section(
      'Lessons',
      [
        '### What went well',
        list(r.lessons?.went_well),
        '### What went wrong',
        list(r.lessons?.went_wrong),
      ].join('\n\n'),
    ),
    ...section(
      'Action items',
      [
        '| ID | Title | Type | Priority | Due | Status |',
        '|---|---|---|---|---|---|',
        ...(r.action_items ?? []).map(
          (a) => `| ${a.id} | ${cell(a.title)} | ${a.type} | ${a.priority} | ${a.due ?? '—'} | ${a.status} |`,
        ),
      ].join('\n'),
    ),
    ...section(
      'Metrics',
      (r.metrics ?? [])
        .map((m) =>
          [
            `### ${m.name} (${m.unit})`,
            '',
            '| Time (UTC) | Value |',
            '|---|---|',
            ...m.series.map((p) => `| ${p.at} | ${p.value} |`),
          ].join('\n'),
        )
        .join('\n\n'),
    ),
  ]
  return [...front, ...body].join('\n')
}

/** Writes `<folder>/<id>.md` for every record on our public site; returns the edited record's file. */
export function writePeerPages(folder: string, records: readonly RecordFile[], edited: RecordFile): string {
  mkdirSync(folder, { recursive: true })
  for (const record of records)
    if (record.onSite)
      writeFileSync(join(folder, `${record.id}.md`), peerPage(readFileSync(record.file, 'utf8')))
  return join(folder, `${edited.id}.md`)
}
