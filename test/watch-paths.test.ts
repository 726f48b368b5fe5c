import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { watchPaths } from '../src/site/watch-paths.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'

afterAll(removeTempDirs)

describe('watchPaths', () => {
  const stops: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  /** Watches `paths`; `seen()` is how many bursts of changes were reported so far. */
  async function watching(paths: string[]) {
    let count = 0
    const watcher = await watchPaths(paths, () => (count += 1), { delayMs: 20 })
    stops.push(() => watcher.close())
    const seen = () => count
    /** Runs `change`, then waits until it is reported (and for any events still on their way). */
    const reports = async (change: () => Promise<unknown>) => {
      const before = count
      await change()
      await expect.poll(seen, { timeout: 5_000, interval: 10 }).toBeGreaterThan(before)
      await sleep(100)
    }
    /** Runs `change`, then checks that nothing is reported for a while. */
    const ignores = async (change: () => Promise<unknown>) => {
      const before = count
      await change()
      await sleep(300)
      expect(count).toBe(before)
    }
    return { reports, ignores }
  }

  it('reports records written in place or replaced by a rename, in sub-folders too, but not hidden files', async () => {
    const dir = await makeTempDir()
    const incidents = join(dir, 'incidents')
    await mkdir(join(incidents, '2025'), { recursive: true })
    const file = join(incidents, '2025', 'a.yaml')
    await writeFile(file, 'one')
    const { reports, ignores } = await watching([incidents])
    await reports(() => writeFile(file, 'two'))
    await reports(async () => {
      await writeFile(join(incidents, '2025', '.a.yaml.swp'), 'three')
      await rename(join(incidents, '2025', '.a.yaml.swp'), file)
    })
    // Again: a watch on the replaced file itself would have gone with it.
    await reports(() => writeFile(file, 'four'))
    await ignores(() => writeFile(join(incidents, '2025', '.b.yaml.swp'), 'x'))
    await ignores(() => mkdir(join(incidents, '.git')))
    await ignores(() => writeFile(join(incidents, '.git', 'HEAD'), 'x'))
    // A new sub-folder, and then a record in it.
    await reports(() => mkdir(join(incidents, '2026')))
    await reports(() => writeFile(join(incidents, '2026', 'b.yaml'), 'one'))
    await reports(() => rm(join(incidents, '2025', 'a.yaml')))
  })

  it('reports a file by name through its folder, and a folder that appears, goes and comes back', async () => {
    const dir = await makeTempDir()
    const config = join(dir, 'postmortem.config.yaml')
    await writeFile(config, 'a: 1')
    const templates = join(dir, 'templates')
    const { reports, ignores } = await watching([config, templates])
    await reports(() => writeFile(config, 'a: 2'))
    await ignores(() => writeFile(join(dir, 'notes.txt'), 'x'))
    await reports(() => mkdir(join(templates, 'partials'), { recursive: true }))
    await reports(() => writeFile(join(templates, 'partials', 'x.md.hbs'), 'x'))
    await reports(() => rm(templates, { recursive: true }))
    await reports(() => mkdir(templates))
    await reports(() => writeFile(join(templates, 'postmortem.md.hbs'), 'x'))
  })

  it('names each changed path in its folder, and nothing for a root that appears', async () => {
    const dir = await makeTempDir()
    const incidents = join(dir, 'incidents')
    const named: Array<string | undefined> = []
    const watcher = await watchPaths([incidents], () => undefined, {
      delayMs: 20,
      onPath: (path) => named.push(path),
    })
    stops.push(() => watcher.close())
    await mkdir(incidents)
    await expect.poll(() => named.length, { timeout: 5_000, interval: 10 }).toBeGreaterThan(0)
    expect(named).toContain(undefined)
    const file = join(incidents, 'a.yaml')
    await writeFile(file, 'one')
    await expect.poll(() => named.includes(file), { timeout: 5_000, interval: 10 }).toBe(true)
    await writeFile(join(incidents, '.a.yaml.swp'), 'x')
    await sleep(200)
    expect(named.filter((path) => path?.endsWith('.swp'))).toEqual([])
  })

  it('watches for a folder whose parents do not exist yet', async () => {
    const dir = await makeTempDir()
    const theme = join(dir, 'themes', 'ours', 'layouts')
    const { reports } = await watching([theme])
    await reports(() => mkdir(theme, { recursive: true }))
    await reports(() => writeFile(join(theme, 'index.html.hbs'), 'x'))
    await reports(() => writeFile(join(theme, 'index.html.hbs'), 'y'))
    // All of it made at once, before any watch hears of the first folder.
    const other = join(dir, 'other', 'deep', 'templates')
    const more = await watching([other])
    await more.reports(async () => {
      mkdirSync(other, { recursive: true })
      writeFileSync(join(other, 'postmortem.md.hbs'), 'x')
    })
    await more.reports(() => writeFile(join(other, 'postmortem.md.hbs'), 'y'))
  })
})
