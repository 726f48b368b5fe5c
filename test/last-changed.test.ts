import { execFileSync } from 'node:child_process'
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { GitDatesMemo } from '../src/site/last-changed.js'
import { lastChanged, readGitMemo, writeGitMemo } from '../src/site/last-changed.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'

afterAll(removeTempDirs)

describe('lastChanged', () => {
  it('dates files by their last commit, reads the log again only when HEAD moves', async () => {
    const dir = await makeTempDir()
    const incidents = join(dir, 'incidents')
    await mkdir(incidents)
    const commit = (when: string) => {
      const env = { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: dir,
          stdio: 'pipe',
          env,
        })
      git('add', '.')
      git('commit', '-qm', `at ${when}`)
    }
    execFileSync('git', ['init', '-q'], { cwd: dir })
    const [a, b] = [join(incidents, 'a.yaml'), join(incidents, 'b.yaml')]
    await writeFile(a, 'a\n')
    await writeFile(b, 'b\n')
    commit('2026-01-01T00:00:00Z')

    const memo: GitDatesMemo = {}
    const first = await lastChanged(incidents, memo)
    expect(first.get(a)).toBe(Date.parse('2026-01-01T00:00:00Z'))
    expect(first.get(b)).toBe(Date.parse('2026-01-01T00:00:00Z'))

    // HEAD where it was: the remembered dates are used (a stand-in proves the log was not read again);
    // an uncommitted edit is dated by its modification time all the same.
    memo.committed = new Map([[b, 42]])
    await writeFile(a, 'a, edited\n')
    await utimes(a, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'))
    const second = await lastChanged(incidents, memo)
    expect(second.get(b)).toBe(42)
    expect(second.get(a)).toBe(Date.parse('2026-03-01T00:00:00Z'))

    // A new commit moves HEAD: the log is read again.
    commit('2026-06-01T00:00:00Z')
    const third = await lastChanged(incidents, memo)
    expect(third.get(a)).toBe(Date.parse('2026-06-01T00:00:00Z'))
    expect(third.get(b)).toBe(Date.parse('2026-01-01T00:00:00Z'))
  })

  it('keeps the memo in a file for the next build, rewritten only when HEAD moved', async () => {
    const dir = await makeTempDir()
    const folder = join(dir, 'incidents')
    const file = join(dir, 'dist', '.cache', 'git-dates.json')
    expect(await readGitMemo(file, folder)).toEqual({})
    const memo: GitDatesMemo = { head: 'abc', committed: new Map([[join(folder, 'a.yaml'), 1000]]) }
    await writeGitMemo(file, folder, memo)
    const read = await readGitMemo(file, folder)
    expect(read).toEqual({ head: 'abc', committed: new Map([[join(folder, 'a.yaml'), 1000]]), stored: 'abc' })
    // Paths are kept relative: the repository may be checked out elsewhere next time.
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      folder: join('..', '..', 'incidents'),
      head: 'abc',
      paths: ['a.yaml'],
      times: [1000],
    })
    // Paths in sub-folders, and outside the folder, come back as they went.
    const [deep, outside] = [join(folder, 'sub', 'b.yaml'), join(dir, 'elsewhere', 'c.yaml')]
    const more: GitDatesMemo = {
      head: 'def',
      committed: new Map([
        [deep, 2],
        [outside, 3],
      ]),
    }
    await writeGitMemo(file, folder, more)
    expect((await readGitMemo(file, folder)).committed).toEqual(more.committed)
    await writeGitMemo(file, folder, { head: 'abc', committed: new Map([[join(folder, 'a.yaml'), 1000]]) })
    // A memo of the earlier format (an object of dates by path) is not used: git is asked again.
    const earlier = JSON.stringify({
      folder: join('..', '..', 'incidents'),
      head: 'abc',
      committed: { 'a.yaml': 1 },
    })
    await writeFile(`${file}.earlier`, earlier)
    expect(await readGitMemo(`${file}.earlier`, folder)).toEqual({})
    // Another incidents folder (a config change) does not take these dates.
    expect(await readGitMemo(file, join(dir, 'records'))).toEqual({})
    // Same HEAD: not written again (a changed map in memory would otherwise replace the file).
    read.committed = new Map()
    await writeGitMemo(file, folder, read)
    expect((await readGitMemo(file, folder)).committed?.size).toBe(1)
    await writeFile(file, '{"head": 1')
    expect(await readGitMemo(file, folder)).toEqual({})
  })

  it('gives no dates outside a repository', async () => {
    expect((await lastChanged(await makeTempDir())).size).toBe(0)
  })
})
