// `npm run bench`: times `postmortem validate` and `postmortem build` as whole processes on synthetic
// repositories. Prints wall time, CPU time and peak RSS (median of several runs) and records per second.
// Not a test: nothing here asserts a time.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeSyntheticRepo } from './synthetic-repo.js'

const bin = fileURLToPath(new URL('../bin/postmortem.js', import.meta.url))
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0)
const runs = Number(process.env.BENCH_RUNS ?? 3)

interface Sample {
  wall: number
  cpu: number
  rssMiB: number
}

const commands: Record<string, string[]> = {
  validate: ['validate', '--format', 'json', '--at', '2026-12-04T00:00:00Z'],
  build: ['build', '--at', '2026-12-04T00:00:00Z', '--base-url', 'https://status.example.com/'],
}

function timeOnce(cwd: string, command: string): Sample {
  // GNU time prints elapsed, user, system seconds and max RSS (KiB) on stderr.
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %U %S %M', process.execPath, bin, ...commands[command]!],
    {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  if (run.status !== 0)
    throw new Error(`${command} failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}`)
  const out = run.stderr
  const [wall, user, sys, rss] = out.trim().split('\n').at(-1)!.split(' ').map(Number) as [
    number,
    number,
    number,
    number,
  ]
  return { wall, cpu: user + sys, rssMiB: rss / 1024 }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const results = []
for (const n of sizes.length > 0 ? sizes : [100, 1000]) {
  const dir = mkdtempSync(join(tmpdir(), 'postmortem-bench-'))
  try {
    writeSyntheticRepo(dir, n)
    for (const command of Object.keys(commands)) {
      timeOnce(dir, command) // warm the file cache
      const samples = Array.from({ length: runs }, () => timeOnce(dir, command))
      const wall = median(samples.map((s) => s.wall))
      const row = {
        command,
        records: n,
        wall_s: wall,
        cpu_s: median(samples.map((s) => s.cpu)),
        peak_rss_mib: Math.round(median(samples.map((s) => s.rssMiB))),
        records_per_s: Math.round(n / wall),
        ms_per_100_records: Math.round((wall * 1000 * 100) / n),
      }
      results.push(row)
      console.log(
        `${command.padEnd(8)} ${String(n).padStart(6)} records: wall ${wall.toFixed(2)} s, cpu ${row.cpu_s.toFixed(2)} s, ` +
          `peak ${row.peak_rss_mib} MiB, ${row.records_per_s} records/s, ${row.ms_per_100_records} ms per 100`,
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const outDir = fileURLToPath(new URL('./results/', import.meta.url))
mkdirSync(outDir, { recursive: true })
writeFileSync(
  join(outDir, 'validate.json'),
  `${JSON.stringify({ node: process.version, runs, results }, null, 2)}\n`,
)
