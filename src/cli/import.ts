import { stat } from 'node:fs/promises'
import { basename, extname, relative, resolve } from 'node:path'
import { Argument, Command, Option } from 'commander'
import { UsageError } from '../errors.js'
import type { ImportResult } from '../import/import-timeline.js'
import { importKinds, importTimeline } from '../import/import-timeline.js'
import type { SkippedItem } from '../import/source.js'
import { findRecordFiles } from '../load/find-files.js'
import type { LoadedConfig } from '../load/load-config.js'
import { eventKinds } from '../validate/schema.js'
import { isTimeZone } from '../validate/timestamps.js'
import { commandConfig, incidentsFolder } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'
import { formatJson, formatText } from './report.js'

interface ImportFlags {
  into: string
  dryRun?: boolean
  since?: string
  until?: string
  margin: string
  timezone?: string
  overwrite?: boolean
  users?: string
  reaction?: string
  eventKind?: string
  name?: string
  unit?: string
  maxPoints: string
  format: string
  config?: string
}

/** `postmortem import <kind> <file> --into <id>`: events from a tool's export into a record's timeline. */
export function importCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('import')
    .description('merge events from a Slack, PagerDuty, Statuspage, Prometheus or CSV export into a record')
    .addArgument(new Argument('<kind>', 'source format').choices(importKinds))
    .argument('<file>', 'the exported file')
    .requiredOption('--into <id>', 'incident id, or the path of a record file')
    .option('--dry-run', 'print what would be added; write nothing')
    .option('--since <time>', 'skip events before this time (instead of the incident window’s start)')
    .option('--until <time>', 'skip events after this time (instead of the incident window’s end)')
    .option('--margin <duration>', 'take events this long before impact and after resolution', '6h')
    .option('--timezone <zone>', 'read times without an offset in this IANA zone (default: the record’s)')
    .option('--overwrite', 'replace key times and metrics the record already has')
    .option('--users <file>', 'slack: the export’s users.json, to name users')
    .option('--reaction <name>', 'slack: the reaction that marks a message for the timeline', 'pushpin')
    .addOption(new Option('--event-kind <kind>', 'slack: the kind of the events').choices(eventKinds))
    .option('--name <name>', 'prometheus: metric name (default: from the labels)')
    .option('--unit <unit>', 'prometheus: unit shown on the chart')
    .option('--max-points <n>', 'prometheus: at most this many samples per series, peaks kept', '200')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .action(async (kind: (typeof importKinds)[number], file: string, _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<ImportFlags & OutputFlags>()
      const say = output(io, flags)
      const loaded = await commandConfig(io, flags.config, say)
      const maxPoints = Number(flags.maxPoints)
      if (!Number.isInteger(maxPoints) || maxPoints < 1)
        throw new UsageError(`--max-points must be a whole number of at least 1, got ${flags.maxPoints}`)
      if (flags.timezone !== undefined && !isTimeZone(flags.timezone))
        throw new UsageError(
          `--timezone must be an IANA time zone such as Europe/Berlin, got ${flags.timezone}`,
        )
      const zone = flags.timezone
      const result = await importTimeline({
        kind,
        file,
        record: await recordFile(flags.into, loaded, io.cwd),
        cwd: io.cwd,
        config: loaded.config,
        now: Date.now(),
        dryRun: flags.dryRun ?? false,
        margin: duration(flags.margin),
        overwrite: flags.overwrite ?? false,
        maxPoints,
        ...(flags.since !== undefined && { since: flags.since }),
        ...(flags.until !== undefined && { until: flags.until }),
        ...(zone !== undefined && { timezone: zone }),
        ...(flags.users !== undefined && { users: flags.users }),
        ...(flags.reaction !== undefined && { reaction: flags.reaction }),
        ...(flags.eventKind !== undefined && { eventKind: flags.eventKind as (typeof eventKinds)[number] }),
        ...(flags.name !== undefined && { name: flags.name }),
        ...(flags.unit !== undefined && { unit: flags.unit }),
      })
      const failed = result.diagnostics.some((d) => d.severity === 'error')
      if (flags.format === 'json') say.result(resultJson(result, kind, flags.dryRun ?? false))
      else if (failed) {
        say.error(formatText(result.diagnostics, colorsFor(io.stderr, io.env)))
        say.error(`Nothing was imported; ${sanitize(result.record)} is unchanged.\n`)
      } else {
        // The events a dry run would add are what it was asked for; after a real import, a summary.
        const text = resultText(result, flags.dryRun ?? false)
        if (flags.dryRun) say.result(text)
        else say.info(text)
        if (result.warnings.length > 0) say.note(formatText(result.warnings, colorsFor(io.stderr, io.env)))
      }
      done(failed ? 1 : 0)
    })
}

/** The record file `--into` names: a path to a file, or an id in the incidents folder. */
async function recordFile(into: string, loaded: LoadedConfig, cwd: string): Promise<string> {
  const path = resolve(cwd, into)
  if (
    await stat(path).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return path
  const folder = incidentsFolder(loaded)
  const { files } = await findRecordFiles([folder], cwd)
  const file = files.find((f) => basename(f, extname(f)) === into)
  if (file) return file
  throw new UsageError(
    `--into: no incident record with id \`${into}\` in ${relative(cwd, folder) || '.'}; give a record id (its file name without .yaml) or the path of a record file`,
  )
}

function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|h|d)$/.exec(value)
  if (!m) throw new UsageError(`--margin must be a duration such as 90m, 6h or 2d, got ${value}`)
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']
}

const reasonText: Record<SkippedItem['reason'], string> = {
  'not-selected': 'not pinned and without the reaction',
  deleted: 'deleted',
  'channel-event': 'channel events',
  'no-text': 'without text',
  'entry-type': 'other log entries',
  'not-a-number': 'NaN or infinite samples',
  duplicate: 'duplicates',
  'before-since': 'before --since',
  'after-until': 'after --until',
  'outside-window': 'outside the incident window',
  'metric-exists': 'metrics the record already has',
  'timestamp-set': 'key times the record already has',
}
// Reasons listed item by item; the others (routine, often many) are only counted.
const listed = new Set([
  'outside-window',
  'before-since',
  'after-until',
  'deleted',
  'not-a-number',
  'metric-exists',
  'timestamp-set',
])

function resultText(result: ImportResult, dryRun: boolean): string {
  const plan = result.plan!
  const lines: string[] = []
  for (const e of plan.added)
    lines.push(`+ ${e.at}  ${e.kind}  ${sanitize(short(e.text))}${e.actor ? `  (${sanitize(e.actor)})` : ''}`)
  for (const t of plan.timestamps)
    if (t.action === 'set')
      lines.push(`~ timestamps.${t.key}: ${t.value}${t.previous ? ` (was ${t.previous})` : ''}`)
  for (const m of plan.metrics)
    if (m.action === 'added' || m.action === 'replaced')
      lines.push(
        `${m.action === 'added' ? '+' : '~'} metric ${sanitize(m.name)}: ${m.points} samples${m.points < m.of ? ` of ${m.of}, peaks kept` : ''}`,
      )
  const counts = new Map<string, number>()
  for (const s of plan.skipped) {
    counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1)
    if (listed.has(s.reason) && counts.get(s.reason)! <= 10)
      lines.push(
        `- skipped ${s.time ?? ''}  ${sanitize(s.detail ?? reasonText[s.reason])}  ${sanitize(s.origin)}${s.text ? `  ${sanitize(short(s.text))}` : ''}`,
      )
  }
  for (const [reason, n] of counts)
    if (listed.has(reason) && n > 10)
      lines.push(`- … and ${n - 10} more ${reasonText[reason as SkippedItem['reason']]}`)
  for (const m of plan.metrics)
    if (m.action === 'empty') lines.push(`- metric ${sanitize(m.name)}: no samples within --since/--until`)
  const skipped = [...counts].map(([reason, n]) => `${n} ${reasonText[reason as SkippedItem['reason']]}`)
  const set = plan.timestamps.filter((t) => t.action === 'set').length
  const metrics = plan.metrics.filter((m) => m.action === 'added' || m.action === 'replaced').length
  const parts = [`${plan.added.length} event${plan.added.length === 1 ? '' : 's'} added`]
  if (set > 0) parts.push(`${set} key time${set === 1 ? '' : 's'} set`)
  if (metrics > 0) parts.push(`${metrics} metric${metrics === 1 ? '' : 's'} added`)
  parts.push(`${plan.skipped.length} skipped${skipped.length > 0 ? ` (${skipped.join(', ')})` : ''}`)
  const outcome = dryRun ? 'dry run: nothing written' : result.written ? 'written' : 'the file is unchanged'
  lines.push(`${sanitize(result.record)}: ${parts.join(', ')}; ${outcome}`)
  return `${lines.join('\n')}\n`
}

function short(text: string): string {
  const line = text.replace(/\s+/g, ' ')
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}

function resultJson(result: ImportResult, kind: string, dryRun: boolean): string {
  const diagnostics = JSON.parse(formatJson(1, [...result.diagnostics, ...result.warnings])) as {
    diagnostics: unknown[]
  }
  const plan = result.plan
  return `${JSON.stringify(
    {
      record: result.record,
      source: result.source,
      kind,
      dryRun,
      written: result.written,
      added: plan?.added ?? [],
      timestamps: plan?.timestamps ?? [],
      metrics: plan?.metrics ?? [],
      skipped: (plan?.skipped ?? []).map(({ at: _, time, ...s }) => ({ ...(time && { at: time }), ...s })),
      diagnostics: diagnostics.diagnostics,
    },
    null,
    2,
  )}\n`
}
