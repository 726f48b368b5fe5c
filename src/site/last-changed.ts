import { execFile } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What `lastChanged` keeps between calls of one process (`serve`): the commit dates at a `HEAD`. */
export interface GitDatesMemo {
  head?: string
  committed?: ReadonlyMap<string, number>
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
    const [top, head] = (await run('git', ['rev-parse', '--show-toplevel', 'HEAD'], options)).stdout
      .trim()
      .split('\n')
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
