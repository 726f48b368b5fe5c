// `npm run bench:ab -- <git ref> [sizes…] [--steps cold,edit,serve] [--runs N]`: our commands at an
// earlier commit (A) and in the working tree (B), side by side, in turns, on the same synthetic records,
// so that a slow minute of this shared machine falls on both. Prints each step's medians and B ÷ A.
// What a change did to the speed is claimed from this, never from two bench runs an hour apart.
// Not a test: nothing here asserts a time.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { referenceTime } from './tools/postmortem.js'
import { measureServeEdits } from './serve-edit.js'
import { recordToEdit, retitle, writeSyntheticRepo } from './synthetic-repo.js'
import type { Command } from './time-process.js'
import { checkGnuTime, median, timeProcess } from './time-process.js'
import { editMarker } from './tool.js'

const steps = ['cold', 'edit', 'serve'] as const
type Step = (typeof steps)[number]

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { steps: { type: 'string' }, runs: { type: 'string' } },
})
const [ref, ...sizeArgs] = positionals
if (!ref)
  throw new Error('usage: npm run bench:ab -- <git ref> [sizes…] [--steps cold,edit,serve] [--runs N]')
const sizes = sizeArgs.length > 0 ? sizeArgs.map(Number) : [1000]
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`sizes must be positive integers`)
const chosen = (values.steps?.split(',') ?? steps) as Step[]
const unknown = chosen.filter((s) => !steps.includes(s))
if (unknown.length > 0) throw new Error(`unknown steps: ${unknown.join(', ')} (known: ${steps.join(', ')})`)
const runs = Number(values.runs ?? 5)
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')

const root = fileURLToPath(new URL('..', import.meta.url))
const log = (line: string) => process.stderr.write(`${line}\n`)

function run(argv: string[], cwd: string): void {
  const done = spawnSync(argv[0]!, argv.slice(1), {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (done.status !== 0) throw new Error(`${argv.join(' ')} failed in ${cwd}:\n${done.stderr.slice(-2000)}`)
}

/** The package at `ref`, built, in a worktree under `dir` (sharing this clone's node_modules). */
function checkout(dir: string): string {
  const base = join(dir, 'base')
  run(['git', 'worktree', 'add', '--detach', base, ref!], root)
  symlinkSync(join(root, 'node_modules'), join(base, 'node_modules'))
  log(`[ab] building ${ref} in ${base}`)
  run(['npm', 'run', 'build:lib'], base)
  return base
}

interface Version {
  label: 'A' | 'B'
  bin: string
  repo: string
  edited: { id: string; file: string }
}

/** Figures by name (`edit`; `serve page` and `serve all` for the edited page and every page showing it). */
async function measure(version: Version, step: Step, round: number): Promise<Record<string, number[]>> {
  const command = (...args: string[]): Command => ({
    argv: [process.execPath, version.bin, ...args],
    cwd: version.repo,
  })
  if (step === 'cold') {
    rmSync(join(version.repo, 'dist-cold'), { recursive: true, force: true })
    const out = ['--out', 'dist-cold']
    return { cold: [timeProcess(command('build', '-q', '--no-cache', '--at', referenceTime, ...out)).wall_s] }
  }
  if (step === 'edit') {
    retitle(version.edited.file, editMarker(`ab${version.label}`, round))
    return { edit: [timeProcess(command('build', '-q', '--at', referenceTime)).wall_s] }
  }
  const result = await measureServeEdits(
    {
      command: (port) => command('serve', '--port', String(port)),
      page: `/incidents/${version.edited.id}/`,
      aggregates: ['/', '/action-items/', '/feed.xml', '/search.json'],
      file: version.edited.file,
    },
    { edits: 3, timeoutMs: 1_800_000, label: `serve ${version.label}` },
  )
  return { 'serve page': result.rebuilds_s, 'serve all': result.completes_s }
}

async function compare(records: number, base: string, dir: string): Promise<void> {
  const versions: Version[] = (['A', 'B'] as const).map((label) => {
    const repo = join(dir, `repo-${records}-${label}`)
    const edited = recordToEdit(writeSyntheticRepo(repo, records))
    return { label, bin: join(label === 'A' ? base : root, 'bin', 'postmortem.js'), repo, edited }
  })
  // A cache for the edits: each version's own first build.
  if (chosen.includes('edit'))
    for (const v of versions)
      timeProcess({ argv: [process.execPath, v.bin, 'build', '-q', '--at', referenceTime], cwd: v.repo })
  const figures = new Map<string, number[]>()
  for (let round = 1; round <= runs; round++)
    for (const step of chosen)
      for (const v of versions)
        for (const [name, values] of Object.entries(await measure(v, step, round))) {
          const key = `${name}\0${v.label}`
          figures.set(key, [...(figures.get(key) ?? []), ...values])
          log(
            `[ab ${records}] round ${round} ${name} ${v.label}: ${values.map((x) => x.toFixed(3)).join(' ')} s`,
          )
        }
  console.log(
    `\n## ${records.toLocaleString('en-US')} records: ${ref} (A) against the working tree (B), ${runs} rounds in turns\n`,
  )
  console.log('| figure | A median | B median | B ÷ A | A | B |')
  console.log('|---|---|---|---|---|---|')
  const names = [...new Set([...figures.keys()].map((key) => key.split('\0')[0]!))]
  for (const name of names) {
    const [a, b] = [figures.get(`${name}\0A`) ?? [], figures.get(`${name}\0B`) ?? []]
    const all = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ')
    // Note: a serve session whose aggregate pages stayed stale has no "every page" figure.
    const ratio = a.length > 0 && b.length > 0 ? (median(b) / median(a)).toFixed(3) : '—'
    const shown = (xs: number[]) => (xs.length > 0 ? `${median(xs).toFixed(3)} s` : '—')
    console.log(`| ${name} | ${shown(a)} | ${shown(b)} | ${ratio} | ${all(a)} | ${all(b)} |`)
  }
}

checkGnuTime()
const dir = mkdtempSync(join(tmpdir(), 'postmortem-ab-'))
try {
  const base = checkout(dir)
  for (const records of sizes) await compare(records, base, dir)
} finally {
  spawnSync('git', ['worktree', 'remove', '--force', join(dir, 'base')], { cwd: root })
  rmSync(dir, { recursive: true, force: true })
}
