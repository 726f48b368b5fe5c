// Whole-process measurements with GNU time: what a user waits for, including start-up.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One process run: wall and CPU (user + system) seconds, peak resident memory. */
export interface Sample {
  wall_s: number
  cpu_s: number
  peak_rss_mib: number
}

/** A command to time: `argv[0]` is the executable. */
export interface Command {
  argv: readonly string[]
  cwd: string
  env?: NodeJS.ProcessEnv
}

export const gnuTime = '/usr/bin/time'
// Elapsed, user, system seconds and max RSS in KiB, on one line.
const format = '%e %U %S %M'

/** Fails early, with the fix, when GNU time is missing (Debian: `apt-get install time`). */
export function checkGnuTime(): void {
  if (!existsSync(gnuTime))
    throw new Error(`${gnuTime} not found: install GNU time (apt-get install -y time)`)
}

// Note: GNU time writes its figures to a file (`-o`), so they never mix with the program's own stderr;
// a program stopped by a signal gets a "Command terminated by signal" line before them.
function readFigures(file: string): Sample {
  const last = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? ''
  const [wall, user, sys, rss] = last.split(' ').map(Number)
  if ([wall, user, sys, rss].some((x) => x === undefined || Number.isNaN(x)))
    throw new Error(`unexpected GNU time output: ${last}`)
  return { wall_s: wall!, cpu_s: round(user! + sys!), peak_rss_mib: Math.round(rss! / 1024) }
}

const round = (x: number) => Math.round(x * 100) / 100

/** Runs a command to completion under GNU time; a non-zero exit is an error carrying its stderr. */
export function timeProcess(command: Command): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'))
  try {
    const out = join(dir, 'time.txt')
    const run = spawnSync(gnuTime, ['-o', out, '-f', format, ...command.argv], {
      cwd: command.cwd,
      env: command.env ?? process.env,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    })
    if (run.status !== 0)
      throw new Error(
        `${command.argv.join(' ')} failed (exit ${run.status}) in ${command.cwd}:\n${run.stderr.slice(-2000)}`,
      )
    return readFigures(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A long-running process (a dev server) under GNU time; `stop()` ends it and returns its figures. */
export interface TimedServer {
  child: ChildProcess
  /** What it printed (stdout and stderr) after `mark` (a previous `printed()`); the last 1 MB at most. */
  output(mark?: number): string
  /** How many characters it has printed so far. */
  printed(): number
  stop(): Promise<Sample>
}

/** Starts a server in its own process group, so a stop reaches it (and only it) through GNU time. */
export function startTimed(command: Command): TimedServer {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'))
  const out = join(dir, 'time.txt')
  const child = spawn(gnuTime, ['-o', out, '-f', format, ...command.argv], {
    cwd: command.cwd,
    env: command.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let tail = ''
  let total = 0
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    total += text.length
    tail = (tail + text).slice(-1_000_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  return {
    child,
    output: (mark = 0) => tail.slice(Math.max(0, tail.length - (total - mark))),
    printed: () => total,
    async stop() {
      try {
        // GNU time ignores SIGINT while it waits, so this stops the server as Ctrl-C would.
        signalGroup(child, 'SIGINT')
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 15_000)
        await exited
        clearTimeout(timer)
        return readFigures(out)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

/** The middle value (the lower middle one for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

/** The median of each figure over several samples. */
export function medianSample(samples: readonly Sample[]): Sample {
  return {
    wall_s: median(samples.map((s) => s.wall_s)),
    cpu_s: median(samples.map((s) => s.cpu_s)),
    peak_rss_mib: median(samples.map((s) => s.peak_rss_mib)),
  }
}

/** The version line a tool prints, or undefined when it is not installed. */
export function versionOf(argv: readonly string[]): string | undefined {
  const run = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
  if (run.status !== 0) return undefined
  return run.stdout.trim().split('\n')[0]
}
