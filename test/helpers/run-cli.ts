import { cp, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { cli } from '../../src/cli/index.js'

export { repoRoot } from './paths.js'
import { repoRoot } from './paths.js'

/** How to run the CLI: working directory, environment and whether the streams are terminals. */
export interface RunOptions {
  /** Working directory the CLI sees (default: the repository root). */
  cwd?: string
  /** Environment the CLI sees (default `{}`: no `NO_COLOR`, no `TERM`, unless given). */
  env?: Record<string, string | undefined>
  /** Whether stdout and stderr claim to be terminals (default false). */
  isTTY?: boolean
}

/** What one run produced. */
export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `cli(argv, io)` in-process with string-buffer streams. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const isTTY = options.isTTY ?? false
  const code = await cli(argv, {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk
        return true
      },
      isTTY,
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk
        return true
      },
      isTTY,
    },
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? {},
  })
  return { code, stdout, stderr }
}

const made: string[] = []

/**
 * A fresh folder under the OS temp dir holding `files` (relative path → content).
 * Note: the real path, so paths the CLI prints relative to it match on systems where /tmp is a symlink.
 */
export async function makeTempDir(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'postmortem-test-')))
  made.push(dir)
  await writeFiles(dir, files)
  return dir
}

/** A copy of the bundled example repository (config + incidents) in a fresh temp dir. */
export async function exampleRepo(): Promise<string> {
  const dir = await makeTempDir()
  await cp(join(repoRoot, 'incidents'), join(dir, 'incidents'), { recursive: true })
  await cp(join(repoRoot, 'postmortem.config.yaml'), join(dir, 'postmortem.config.yaml'))
  return dir
}

/** Writes `files` (relative path → content) under `dir`, creating folders as needed. */
export async function writeFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, content)
  }
}

/** Removes every folder made by `makeTempDir` (call from `afterEach`). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
}

/** Lines of output that look like a JavaScript stack trace. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s{4}at /.test(line))
}
