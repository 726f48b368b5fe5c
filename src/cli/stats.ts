import { Command, Option } from 'commander'
import { formatDuration } from '../model/format-duration.js'
import { figuresCheck } from '../model/figures-job.js'
import type { IncidentFigures, Rollups } from '../model/rollups.js'
import { durationNames, summarize } from '../model/rollups.js'
import { statsJson } from '../model/stats-json.js'
import { recordLimits } from '../validate/validate-files.js'
import { commandConfig, loadRecords, referenceTime } from './context.js'
import type { CliIO, Colors } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'
import { formatText } from './report.js'

/** `postmortem stats [paths…]`: the figures and roll-ups of SPEC §4. */
export function statsCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('stats')
    .description(
      'derived figures per incident and roll-ups (durations, error budget, communications, action items)',
    )
    .argument('[paths...]', 'record files or folders (default: the config’s incidents folder)')
    .option('--since <date>', 'only incidents whose impact started at or after this date or time')
    .option('--at <time>', 'reference time for overdue action items and budget windows (default: now)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        OutputFlags & { since?: string; at?: string; format: string; config?: string }
      >()
      const say = output(io, options)
      const loaded = await commandConfig(io, options.config, say)
      const at = referenceTime(options.at, undefined, '--at')
      const since =
        options.since === undefined ? undefined : referenceTime(options.since, undefined, '--since')
      // Each record's figures are derived where it is validated (a worker thread, maybe): only they
      // come back, not the record.
      const byFile = new Map<string, IncidentFigures>()
      const report = await loadRecords(io, say, loaded, {
        ...(paths.length > 0 && { paths }),
        at,
        keepIncidents: false,
        check: {
          ...figuresCheck({ config: loaded.config, at, limits: recordLimits(loaded.config) }),
          onRecord: async (file, { figures }) => void (figures && byFile.set(file, figures)),
        },
      })
      // Records with errors are left out of the figures and reported; warnings do not matter here.
      const errors = report.diagnostics.filter((d) => d.severity === 'error')
      if (errors.length > 0) {
        say.error(formatText(errors, colorsFor(io.stderr, io.env)))
        say.error('Records with errors are left out of the figures below.\n')
      }
      const failed = new Set(errors.map((d) => d.file))
      const valid = report.files.flatMap((file) => {
        const item = byFile.get(file)
        return item && !failed.has(file) ? [item] : []
      })
      const recent = valid.filter(
        ({ incident }) => since === undefined || incident.timestamps.impact_started >= since,
      )
      if (since !== undefined)
        say.detail(`--since leaves out ${valid.length - recent.length} of ${valid.length}\n`)
      const items = recent.sort(
        (a, b) => a.incident.timestamps.impact_started - b.incident.timestamps.impact_started,
      )
      const rollups = summarize(items, loaded.config, at)
      if (options.format === 'json') say.result(`${JSON.stringify(statsJson(items, rollups, at), null, 2)}\n`)
      else say.result(statsText(items, rollups, colorsFor(io.stdout, io.env)))
      done(errors.length > 0 ? 1 : 0)
    })
}

const pct = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)}%`)
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function table(rows: string[][], c: Colors): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r, n) => {
    const line = r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
    return n === 0 ? c.bold(line) : line
  })
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record)
  return entries.length === 0
    ? '—'
    : entries.map(([k, v]) => `${sanitize(k)} ${Math.round(v * 10) / 10}`).join(' · ')
}

/** The readable form: a row per incident, then the roll-ups. */
function statsText(items: readonly IncidentFigures[], rollups: Rollups, c: Colors): string {
  const out: string[] = [c.bold(`${rollups.incidents} incident${rollups.incidents === 1 ? '' : 's'}`), '']
  if (items.length > 0) {
    const rows = [
      [
        'incident',
        'sev',
        'detect',
        'ack',
        'mitigate',
        'resolve',
        'impact',
        'budget',
        '1st update',
        'gap',
        'actions',
      ],
    ]
    for (const { incident, figures } of items) {
      const d = figures.durations
      const a = figures.action_items
      rows.push([
        sanitize(incident.id),
        sanitize(incident.severity),
        formatDuration(d.time_to_detect),
        formatDuration(d.time_to_acknowledge),
        formatDuration(d.time_to_mitigate),
        formatDuration(d.time_to_resolve),
        formatDuration(d.impact_duration),
        figures.error_budget.map((b) => `${sanitize(b.slo)} ${pct(b.burn_percent)}`).join(', ') || '—',
        formatDuration(figures.communications.first_update_after_detect),
        formatDuration(figures.communications.longest_gap),
        a.total === 0
          ? '—'
          : `${a.done}/${a.total - a.not_doing} done${a.overdue > 0 ? `, ${a.overdue} overdue` : ''}`,
      ])
    }
    out.push(...table(rows, c), '')
  }
  const dist = [['duration', 'mean', 'median', 'p90', 'n']]
  for (const name of durationNames) {
    const d = rollups.durations[name]
    dist.push([
      name.replace(/_/g, ' '),
      formatDuration(d.mean),
      formatDuration(d.median),
      formatDuration(d.p90),
      String(d.count),
    ])
  }
  out.push(...table(dist, c), '')
  out.push(`${c.bold('By severity')}  ${counts(rollups.by_severity)}`)
  out.push(`${c.bold('By service')}   ${counts(rollups.by_service)}`)
  out.push(`${c.bold('By month')}     ${counts(rollups.by_month)}`)
  out.push(`${c.bold('Impact minutes by service')}  ${counts(rollups.impact_minutes_by_service)}`)
  for (const [severity, ds] of Object.entries(rollups.durations_by_severity))
    out.push(
      `${c.bold(`${sanitize(severity)} time to resolve`)}  mean ${formatDuration(ds.time_to_resolve.mean)} · median ${formatDuration(ds.time_to_resolve.median)} · p90 ${formatDuration(ds.time_to_resolve.p90)}`,
    )
  for (const slo of rollups.error_budget) {
    out.push(
      `${c.bold(`Error budget ${sanitize(slo.slo)}`)} (${slo.target}% over ${slo.window}: ${Math.round(slo.budget_minutes * 10) / 10} budget minutes per window)`,
    )
    for (const w of slo.windows) {
      const burn = w.burn_percent > 100 ? c.red(pct(w.burn_percent)) : pct(w.burn_percent)
      out.push(
        `  ${day(w.start)} → ${day(w.end)}  ${burn}${w.incidents.length > 0 ? `  ${w.incidents.map(sanitize).join(', ')}` : ''}`,
      )
    }
  }
  const a = rollups.action_items
  const overdue = a.overdue > 0 ? c.red(`${a.overdue} overdue`) : '0 overdue'
  out.push(
    `${c.bold('Action items')}  ${a.total} total · ${a.open} open · ${overdue} · ${a.done} done · ${a.not_doing} not doing`,
  )
  return `${out.join('\n')}\n`
}
