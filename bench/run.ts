// `npm run bench [-- sizes…] [--only=postmortem,hugo,eleventy] [--keep]` (issue 7): builds synthetic
// repositories of each size (default 100 and 1,000), times our commands and, when installed, Hugo and
// Eleventy on the same content, round by round so that noise on a shared machine falls on every tool
// alike. Prints Markdown tables and the ratios; writes bench/results/<date>-<size>.json.
// BENCH_RUNS (default 3) sets the runs per figure. Not a test: nothing here asserts a time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { eleventyTool } from './peers/eleventy.js'
import { hugoTool } from './peers/hugo.js'
import type { SizeResult, StepResult, ToolResult } from './report.js'
import { formatResult, formatScaling, load, machine, ratios } from './report.js'
import { measureServeEdits } from './serve-edit.js'
import { recordToEdit, writeSyntheticRepo } from './synthetic-repo.js'
import type { Sample } from './time-process.js'
import { checkGnuTime, medianSample, timeProcess } from './time-process.js'
import type { Tool } from './tool.js'
import { postmortemTool } from './tools/postmortem.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { only: { type: 'string' }, keep: { type: 'boolean' } },
})
const sizes = positionals.length > 0 ? positionals.map(Number) : [100, 1000]
if (sizes.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`sizes must be positive integers: ${positionals}`)
const only = values.only?.split(',')
const runs = Number(process.env.BENCH_RUNS ?? 3)
if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer`)
// A dev server's start-up is a full build: at 10,000 records that can take minutes.
const serveTimeoutMs = Number(process.env.BENCH_TIMEOUT_S ?? 1800) * 1000
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

const log = (line: string) => process.stderr.write(`${line}\n`)

async function benchSize(records: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), `postmortem-bench-${records}-`))
  const loadAtStart = load()
  try {
    log(`\n[${records}] writing the synthetic repository and the peers' content in ${dir}`)
    const files = writeSyntheticRepo(join(dir, 'repo'), records)
    const edited = recordToEdit(files)
    const candidates: Array<Tool | string> = [
      postmortemTool(join(dir, 'repo'), edited),
      ...(!only || only.includes('hugo') ? [hugoTool(join(dir, 'hugo'), files, edited)] : []),
      ...(!only || only.includes('eleventy') ? [eleventyTool(join(dir, 'eleventy'), files, edited)] : []),
    ]
    const tools = candidates.filter(
      (t): t is Tool => typeof t !== 'string' && (!only || only.includes(t.name)),
    )
    const skipped = candidates.filter((t): t is string => typeof t === 'string')
    for (const note of skipped) log(`[${records}] skipped: ${note}`)

    const samples = new Map<string, Sample[]>()
    const stale = new Map<string, Set<string>>()
    for (let round = 1; round <= runs; round++)
      for (const tool of tools)
        for (const step of tool.steps) {
          step.before?.()
          const sample = timeProcess(step.command)
          const key = `${tool.name}/${step.name}`
          samples.set(key, [...(samples.get(key) ?? []), sample])
          for (const file of step.stale?.() ?? []) stale.set(key, (stale.get(key) ?? new Set()).add(file))
          log(`[${records}] round ${round}/${runs} ${key}: ${sample.wall_s} s, ${sample.peak_rss_mib} MiB`)
        }

    const on_site = files.filter((f) => f.onSite).length
    const results: SizeResult['tools'] = {}
    for (const tool of tools) {
      const pages = tool.pages()
      if (pages !== on_site)
        log(`[${records}] warning: ${tool.name} wrote ${pages} incident pages, expected ${on_site}`)
      log(`[${records}] ${tool.name}: one-edit rebuilds under its dev server`)
      // From scratch, like the cold build: the server must not answer with a previous build's pages.
      tool.steps.find((step) => step.name === 'build')?.before?.()
      let serve: ToolResult['serve']
      let serveError: string | undefined
      try {
        serve = await measureServeEdits(tool.serve, {
          // Note: at least three edits, even with one run: a session's first edit alone swung from
          // 0.46 to 0.91 s between two runs at 10,000 records; edits cost little beside the start-up.
          edits: Math.max(runs, 3),
          timeoutMs: serveTimeoutMs,
          label: tool.name,
        })
        log(
          `[${records}] ${tool.name} serve: start-up ${serve.startup_s} s, rebuilds ${serve.rebuilds_s.join(', ')} s`,
        )
      } catch (error) {
        serveError = error instanceof Error ? error.message : String(error)
        log(`[${records}] ${tool.name} serve failed: ${serveError}`)
      }
      const steps: Record<string, StepResult> = {}
      for (const step of tool.steps) {
        const key = `${tool.name}/${step.name}`
        const runsOf = samples.get(key)!
        steps[step.name] = {
          ...medianSample(runsOf),
          runs: runsOf,
          ...(step.stale && { stale: [...(stale.get(key) ?? [])] }),
        }
      }
      results[tool.name] = {
        version: tool.version,
        pages,
        steps,
        ...(serve && { serve }),
        ...(serveError && { serve_error: serveError }),
      } satisfies ToolResult
    }
    return {
      date: new Date().toISOString(),
      machine: machine(),
      load: { start: loadAtStart, end: load() },
      records,
      on_site,
      edited: edited.id,
      runs,
      tools: results,
      skipped,
      ratios: ratios(results),
    }
  } finally {
    if (values.keep) log(`[${records}] kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

checkGnuTime()
const all: SizeResult[] = []
for (const records of sizes) {
  const result = await benchSize(records)
  all.push(result)
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, `${result.date.slice(0, 10)}-${records}.json`)
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(`\n${formatResult(result)}\nJSON: ${file}\n`)
}
process.stdout.write(`\n${formatScaling(all)}`)
