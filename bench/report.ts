// The results of one size: the JSON record, the tables printed for people, and the issue 7 ratios.
import { cpus, loadavg, release } from 'node:os'
import type { ServeResult } from './serve-edit.js'
import type { Sample } from './time-process.js'
import { median } from './time-process.js'

/** One timed step: the median of its runs, and every run. */
export interface StepResult extends Sample {
  runs: Sample[]
  /** Outputs that did not show the step's edit, in any run (build after an edit). */
  stale?: string[]
}

/** One tool's figures at one size. */
export interface ToolResult {
  version: string
  /** Incident pages its full build wrote. */
  pages: number
  steps: Record<string, StepResult>
  serve?: ServeResult
  /** Why the dev-server measurement failed, when it did. */
  serve_error?: string
}

/** Everything `bench/results/<date>-<size>.json` holds. */
export interface SizeResult {
  date: string
  machine: { cpus: number; cpu: string; node: string; os: string }
  /** 1-minute load average when the size started and ended: how shared the machine was. */
  load: { start: number; end: number }
  records: number
  /** Records that reach the public site (public, and published or closed). */
  on_site: number
  /** The record every one-edit step changes (the newest on the site). */
  edited: string
  runs: number
  tools: Partial<Record<'postmortem' | 'hugo' | 'eleventy', ToolResult>>
  skipped: string[]
  ratios: Record<string, number>
}

/** Where this run happens, for the record. */
export function machine(): SizeResult['machine'] {
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, os: release() }
}

/** The 1-minute load average, to two decimals. */
export const load = () => Math.round(loadavg()[0]! * 100) / 100

/** ours ÷ theirs for the goals (a ratio ≤ 1 meets the goal), when both were measured. */
export function ratios(tools: SizeResult['tools']): Record<string, number> {
  const ours = tools.postmortem
  const out: Record<string, number> = {}
  const put = (name: string, a: number | undefined, b: number | undefined) => {
    if (a !== undefined && b !== undefined && b > 0) out[name] = Math.round((a / b) * 100) / 100
  }
  put('build_vs_eleventy_build', ours?.steps.build?.wall_s, tools.eleventy?.steps.build?.wall_s)
  put('build_vs_hugo_build', ours?.steps.build?.wall_s, tools.hugo?.steps.build?.wall_s)
  put('serve_rebuild_vs_hugo_server', ours?.serve?.rebuild_s, tools.hugo?.serve?.rebuild_s)
  put(
    'serve_complete_vs_hugo_server',
    ours?.serve?.complete_s ?? undefined,
    tools.hugo?.serve?.complete_s ?? undefined,
  )
  put('build_after_edit_vs_hugo_server', ours?.steps['build-edit']?.wall_s, tools.hugo?.serve?.rebuild_s)
  put('serve_rebuild_vs_eleventy_incremental', ours?.serve?.rebuild_s, tools.eleventy?.serve?.rebuild_s)
  return out
}

const s = (x: number | undefined) => (x === undefined ? '—' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s`)
const mib = (x: number | undefined) => (x === undefined ? '—' : `${x} MiB`)
const rate = (count: number, wall: number | undefined) =>
  wall === undefined || wall === 0 ? '—' : String(Math.round(count / wall))

/** A GitHub-style Markdown table, columns padded so it also reads in a terminal. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)))
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}

const rebuildHow: Record<string, string> = {
  postmortem: '`postmortem serve`',
  hugo: '`hugo server`',
  eleventy: '`eleventy --serve --incremental`',
}

/** The tables and ratios, as printed after each size. */
export function formatResult(result: SizeResult): string {
  const out: string[] = [
    `## ${result.records.toLocaleString('en')} records (${result.on_site.toLocaleString('en')} on the public site), median of ${result.runs} run${result.runs === 1 ? '' : 's'}`,
    `${result.date}, ${result.machine.cpus} cores (${result.machine.cpu}), Node ${result.machine.node}, load average ${result.load.start} → ${result.load.end}`,
    '',
  ]
  const rows = Object.entries(result.tools).map(([name, t]) => {
    const build = t.steps.build
    const stale = t.serve && t.serve.stale.length > 0 ? ` (stale: ${t.serve.stale.join(' ')})` : ''
    return [
      t.version,
      s(build?.wall_s),
      s(build?.cpu_s),
      mib(build?.peak_rss_mib),
      t.serve
        ? `${s(t.serve.rebuild_s)} ${rebuildHow[name]}${stale}`
        : `failed: ${t.serve_error?.split('\n')[0]}`,
      t.serve?.complete_s != null ? s(t.serve.complete_s) : t.serve ? 'never (stale)' : '—',
      t.serve && t.serve.reported_s.length > 0 ? s(median(t.serve.reported_s)) : '—',
      rate(t.pages, build?.wall_s),
    ]
  })
  out.push(
    table(
      [
        'tool, same content',
        'full build (wall)',
        'CPU',
        'peak memory',
        'one-file rebuild (edit → page served)',
        'edit → every page showing it served',
        'rebuild as the server reports it',
        'pages/s',
      ],
      rows,
    ),
    '',
  )
  const ours = result.tools.postmortem
  if (ours) {
    const label: Record<string, string> = {
      validate: '`validate` (no cache)',
      render: '`render` (no cache)',
      build: '`build` cold (no output, no cache)',
      'build-warm': '`build` warm (no change)',
      'build-edit': '`build` after editing one record',
      'validate-cached': '`validate` after a build (its cache)',
      stats: '`stats --format json` (no cache)',
    }
    const rows = Object.entries(ours.steps).map(([name, step]) => [
      label[name] ?? name,
      s(step.wall_s),
      s(step.cpu_s),
      mib(step.peak_rss_mib),
      rate(result.records, step.wall_s),
      step.stale && step.stale.length > 0 ? `stale: ${step.stale.join(' ')}` : '',
    ])
    if (ours.serve)
      rows.push(
        ['`serve` start-up (first page served)', s(ours.serve.startup_s), '', '', '', ''],
        [
          '`serve` one-edit rebuild (edit → new page served)',
          s(ours.serve.rebuild_s),
          s(ours.serve.process.cpu_s),
          mib(ours.serve.process.peak_rss_mib),
          '',
          `whole session's CPU and peak; runs: ${ours.serve.rebuilds_s.map((x) => x.toFixed(2)).join(', ')} s`,
        ],
      )
    out.push(table(['postmortem', 'wall', 'CPU', 'peak memory', 'records/s', 'note'], rows), '')
  }
  const goals: Array<[string, string]> = [
    ['build_vs_eleventy_build', 'cold build, ours ÷ Eleventy (goal ≤ 1)'],
    ['build_vs_hugo_build', 'cold build, ours ÷ Hugo (long-term goal ≤ 1)'],
    ['serve_rebuild_vs_hugo_server', 'one-edit rebuild, `serve` ÷ `hugo server` (goal ≤ 1)'],
    [
      'serve_complete_vs_hugo_server',
      'one-edit rebuild until every page showing the record is served, `serve` ÷ `hugo server` (goal ≤ 1)',
    ],
    ['build_after_edit_vs_hugo_server', 'one-edit rebuild, `build` ÷ `hugo server` (goal ≤ 1)'],
    ['serve_rebuild_vs_eleventy_incremental', 'one-edit rebuild, `serve` ÷ Eleventy `--incremental`'],
  ]
  for (const [key, text] of goals)
    if (result.ratios[key] !== undefined) out.push(`- ${text}: ${result.ratios[key]}×`)
  if (ours?.steps.build)
    out.push(`- peak memory of the cold build: ${ours.steps.build.peak_rss_mib} MiB (goal ≤ 500 MiB)`)
  for (const note of result.skipped) out.push(`- skipped: ${note}`)
  return `${out.join('\n')}\n`
}

/** How each of our steps grew from the smallest to the largest size (goal: ≤ 11× for 1,000 → 10,000). */
export function formatScaling(results: readonly SizeResult[]): string {
  if (results.length < 2) return ''
  const [a, b] = [results[0]!, results.at(-1)!]
  const lines = [`## Scaling ${a.records.toLocaleString('en')} → ${b.records.toLocaleString('en')} records`]
  for (const step of Object.keys(a.tools.postmortem?.steps ?? {})) {
    const x = a.tools.postmortem?.steps[step]?.wall_s
    const y = b.tools.postmortem?.steps[step]?.wall_s
    if (x && y) lines.push(`- postmortem ${step}: ${(y / x).toFixed(1)}× (records ${b.records / a.records}×)`)
  }
  return `${lines.join('\n')}\n`
}
