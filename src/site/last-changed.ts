import { execFile } from 'node:child_process'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { dirname, relative, resolve, sep } from 'node:path'
import { promisify } from 'node:util'
import writeFileAtomic from 'write-file-atomic'

const run = promisify(execFile)

/**
 * What `lastChanged` keeps between calls: the commit dates at a `HEAD` (its hash, and whether the
 * clone is shallow: fetching the history changes the dates, not `HEAD`). `serve` keeps it in
 * memory; `build` in `<out>/.cache` (`readGitMemo`, `writeGitMemo`).
 */
export interface GitDatesMemo {
  head?: string
  committed?: ReadonlyMap<string, number>
  /** The `head` of the copy in the build cache, when it was read or written. */
  stored?: string
}

/**
 * When each file last changed, from git: the newest commit that touched it, or its modification time
 * when it has uncommitted changes. Files git does not know, and folders outside a repository, are left
 * out (the caller falls back to the record's own timestamps). One `git log` for the whole folder —
 * not run again while `HEAD` stays where `memo` saw it (an edit under `serve` is not a commit).
 * Note: a shallow clone (CI's default depth 1) dates every file at its last commit; fetch full history
 * for exact feed dates.
 */
export async function lastChanged(folder: string, memo: GitDatesMemo = {}): Promise<Map<string, number>> {
  let times = new Map<string, number>()
  try {
    const options = { cwd: folder, maxBuffer: 64 * 1024 * 1024, timeout: 30_000 }
    // Note: porcelain status paths are relative to the repository root, whatever the working folder.
    const [top, shallow, commit] = (
      await run('git', ['rev-parse', '--show-toplevel', '--is-shallow-repository', 'HEAD'], options)
    ).stdout
      .trim()
      .split('\n')
    const head = `${commit}${shallow === 'true' ? ' shallow' : ''}`
    if (memo.head !== head || !memo.committed) {
      const log = await run('git', ['log', '--format=@%ct', '--name-only', '--relative', '--', '.'], options)
      let current = 0
      for (const line of log.stdout.split('\n')) {
        if (line.startsWith('@')) current = Number(line.slice(1)) * 1000
        else if (line !== '' && !times.has(resolve(folder, line))) times.set(resolve(folder, line), current)
      }
      memo.head = head
      memo.committed = new Map(times)
    } else times = new Map(memo.committed)
    const status = await run('git', ['status', '--porcelain', '--', '.'], options)
    for (const line of status.stdout.split('\n')) {
      const path = line.slice(3).trim()
      if (path === '') continue
      const file = resolve(top!, path)
      const modified = await stat(file).then(
        (s) => s.mtimeMs,
        () => undefined,
      )
      if (modified !== undefined) times.set(file, Math.floor(modified))
    }
  } catch {
    // Not a repository, or no git: the records' own timestamps will do.
  }
  return times
}

/** The commit dates a build saved for `folder` (paths relative to it), or an empty memo. */
export async function readGitMemo(file: string, folder: string): Promise<GitDatesMemo> {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      folder?: unknown
      head?: unknown
      paths?: unknown
      times?: unknown
    }
    // Note: the folder is kept relative to the cache, so a repository moved as a whole keeps it.
    if (saved.folder !== relative(dirname(file), folder) || typeof saved.head !== 'string') return {}
    const { paths, times } = saved
    if (!Array.isArray(paths) || !Array.isArray(times) || paths.length !== times.length) return {}
    // Note: `resolve(folder, path)` for the paths `relative` made, joined without `resolve` when that
    // gives the same, since it normalises each of 10,000 paths again (~25 ms of a warm build).
    const prefix = folder.endsWith(sep) ? folder : folder + sep
    const committed = new Map<string, number>()
    for (const [i, path] of paths.entries()) {
      const time: unknown = times[i]
      if (typeof path === 'string' && typeof time === 'number')
        committed.set(unusual.test(path) ? resolve(folder, path) : prefix + path, time)
    }
    return { head: saved.head, committed, stored: saved.head }
  } catch {
    // Missing or unreadable: git is asked again.
    return {}
  }
}

/**
 * Matches a path `resolve` would change beyond prefixing it with the folder: empty, absolute (or on
 * another drive), or with `.` or `..` parts.
 */
const unusual = /^$|^[\\/]|^[A-Za-z]:|(^|[\\/])\.\.?([\\/]|$)/

/**
 * Saves the memo for the next build when its `HEAD` is not the one stored (atomically: a reader
 * never sees half a file). The paths and their dates are two lists: one JSON object with a key per
 * record was most of the cost of reading it back.
 */
export async function writeGitMemo(file: string, folder: string, memo: GitDatesMemo): Promise<void> {
  if (memo.head === undefined || memo.committed === undefined || memo.head === memo.stored) return
  const paths: string[] = []
  const times: number[] = []
  for (const [path, time] of memo.committed) {
    paths.push(relative(folder, path))
    times.push(time)
  }
  await mkdir(dirname(file), { recursive: true })
  const where = relative(dirname(file), folder)
  await writeFileAtomic(file, JSON.stringify({ folder: where, head: memo.head, paths, times }))
  memo.stored = memo.head
}
