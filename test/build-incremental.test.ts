import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { syntheticConfig, syntheticRecord } from '../bench/generate.js'
import type { BuildMemory } from '../src/cli/build.js'
import { runBuild } from '../src/cli/build.js'
import { outputTree } from './helpers/output-tree.js'
import { makeTempDir, removeTempDirs, runCli } from './helpers/run-cli.js'

afterAll(removeTempDirs)

const at = ['--at', '2026-12-04T00:00:00Z', '--base-url', 'https://status.example.com/']

/** Builds into dist/ (warm when a cache is there) and, from scratch, into fresh/; both must agree. */
async function buildBoth(dir: string, extra: string[] = []) {
  const warm = await runCli(['build', ...at, '--timings', ...extra], { cwd: dir })
  await rm(join(dir, 'fresh'), { recursive: true, force: true })
  const cold = await runCli(['build', ...at, '--no-cache', '--out', 'fresh', ...extra], { cwd: dir })
  expect(cold.code, cold.stderr).toBe(0)
  expect(warm.code, warm.stderr).toBe(0)
  const [a, b] = [await outputTree(join(dir, 'dist')), await outputTree(join(dir, 'fresh'))]
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
  for (const [path, text] of a) expect(text, path).toBe(b.get(path))
  return warm
}

const ids = [1, 2, 3, 4, 5].map((i) => syntheticRecord(i).id)
const file = (dir: string, i: number) => join(dir, 'incidents', `${ids[i]}.yaml`)
const page = (dir: string, i: number) => join(dir, 'dist/site/incidents', ids[i]!, 'index.html')

describe('incremental build', () => {
  let dir: string
  beforeEach(async () => {
    dir = await makeTempDir()
    await writeFile(join(dir, 'postmortem.config.yaml'), syntheticConfig)
    await mkdir(join(dir, 'incidents'))
    for (const [n, i] of [1, 2, 3, 4, 5].entries()) {
      // Every record on the public site, each with open action items due on 2030-01-01.
      let text = syntheticRecord(i)
        .text.replace(/^visibility: \w+$/m, 'visibility: public')
        .replace(/^status: \w+$/m, 'status: published')
        .replace(/^( {4}due: ).*$/gm, '$12030-01-01')
        .replace(/^( {4}status: )\w+$/gm, '$1open')
      // The first record links the second: its page depends on whether the second is on the site.
      if (n === 0) text = text.replace(/^tags:/m, `related: [${ids[1]}]\ntags:`)
      await writeFile(file(dir, n), text)
    }
    const first = await runCli(['build', ...at], { cwd: dir })
    expect(first.code, first.stderr).toBe(0)
  })

  it('reuses every unchanged record, and rewrites no file whose bytes are the same', async () => {
    const files = [
      page(dir, 2),
      ...['index.html', 'feed.xml', 'assets/style.css'].map((f) => join(dir, 'dist/site', f)),
    ]
    const before = await Promise.all(files.map((f) => stat(f)))
    const result = await buildBoth(dir, ['--verbose'])
    expect(result.stdout).toMatch(/Timings \(incremental build, 5 records, 5 reused\)/)
    expect(result.stderr + result.stdout).toContain(
      '(incremental build: 0 files written, 5 unchanged records reused)',
    )
    for (const [i, f] of files.entries()) expect((await stat(f)).mtimeMs, f).toBe(before[i]!.mtimeMs)
  })

  it('re-renders an edited record and every aggregate that shows it', async () => {
    const text = await readFile(file(dir, 3), 'utf8')
    await writeFile(file(dir, 3), text.replace(/^title: .*$/m, 'title: "A brand new title"'))
    const untouched = await stat(page(dir, 2))
    const result = await buildBoth(dir)
    expect(result.stdout).toContain('Timings (incremental build, 5 records, 4 reused)')
    // Each page over all incidents has its own row, before their total.
    expect(result.stdout).toMatch(
      /\n {4}index\.html +\d+ ms\n(.*\n)* {4}sitemap\.xml +\d+ ms\n {2}render aggregates/,
    )
    expect(await readFile(page(dir, 3), 'utf8')).toContain('A brand new title')
    for (const f of ['index.html', 'feed.xml', 'search.json', 'incidents.json'])
      expect(await readFile(join(dir, 'dist/site', f), 'utf8'), f).toContain('A brand new title')
    expect((await stat(page(dir, 2))).mtimeMs).toBe(untouched.mtimeMs)
  })

  it('removes the pages of a deleted record', async () => {
    await rm(file(dir, 4))
    await buildBoth(dir)
    await expect(stat(page(dir, 4))).rejects.toThrow()
    await expect(stat(join(dir, 'dist/postmortems', `${ids[4]}.md`))).rejects.toThrow()
  })

  it('re-renders a page whose related incident left the site', async () => {
    expect(await readFile(page(dir, 0), 'utf8')).toContain(`${ids[1]}`)
    const text = await readFile(file(dir, 1), 'utf8')
    await writeFile(file(dir, 1), text.replace('visibility: public', 'visibility: internal'))
    const result = await buildBoth(dir)
    // The edited record, and the page that linked it, are rendered again; the other three are reused.
    expect(result.stdout).toContain('Timings (incremental build, 5 records, 3 reused)')
    await expect(stat(page(dir, 1))).rejects.toThrow()
    expect(await readFile(page(dir, 0), 'utf8')).not.toContain(`${ids[1]}/`)
  })

  it('re-renders pages whose action items became overdue as the reference time moved', async () => {
    // The synthetic items are due 2030-01-01: overdue from 2030-01-02.
    const later = ['--at', '2030-06-01T00:00:00Z']
    const result = await buildBoth(dir, later)
    expect(result.stdout).toContain('Timings (incremental build, 5 records, 0 reused)')
    expect(await readFile(page(dir, 0), 'utf8')).toContain('overdue')
  })

  it('rebuilds everything when the config changes', async () => {
    await writeFile(
      join(dir, 'postmortem.config.yaml'),
      syntheticConfig.replace('title: Synthetic incident history', 'title: Another title'),
    )
    const result = await buildBoth(dir)
    expect(result.stdout).toContain('Timings (full build, 5 records, 0 reused)')
    expect(await readFile(page(dir, 2), 'utf8')).toContain('Another title')
  })

  it('changes nothing when an edited record has an error', async () => {
    const before = await outputTree(join(dir, 'dist'))
    const text = await readFile(file(dir, 2), 'utf8')
    await writeFile(file(dir, 2), text.replace('severity: SEV', 'severity: XSEV'))
    const result = await runCli(['build', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`incidents/${ids[2]}\\.yaml\\n\\s+\\d+:\\d+\\s+error`))
    expect(await outputTree(join(dir, 'dist'))).toEqual(before)
  })

  it('reports a duplicate id with its position, also when the other record came from the cache', async () => {
    const text = (await readFile(file(dir, 2), 'utf8')).replace(`id: ${ids[2]}`, `id: ${ids[3]}`)
    await writeFile(join(dir, 'incidents', 'sub.yaml'), text)
    const result = await runCli(['build', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    const line = text.split('\n').findIndex((l) => l.startsWith('id: ')) + 1
    expect(result.stderr).toMatch(
      new RegExp(`incidents/sub\\.yaml\\n(.*\\n)*\\s+${line}:5\\s+error\\s+.*already used by`),
    )
  })

  it('keeps the cache in memory between builds of one process (serve), and still saves it', async () => {
    let stdout = ''
    const io = {
      stdout: { write: (s: string) => ((stdout += s), true) },
      stderr: { write: () => true },
      cwd: dir,
      env: {},
    }
    const memory: BuildMemory = {}
    const flags = { at: at[1]!, baseUrl: at[3]!, timings: true }
    expect((await runBuild(io, [], flags, memory)).code).toBe(0)
    expect(memory.manifest?.records).toBeDefined()
    // Without the file on disk, the next build still knows every record from memory.
    await rm(join(dir, 'dist/.cache/postmortem-build.json'))
    stdout = ''
    expect((await runBuild(io, [], flags, memory)).code).toBe(0)
    expect(stdout).toContain('Timings (incremental build, 5 records, 5 reused)')
    expect((await stat(join(dir, 'dist/.cache/postmortem-build.json'))).isFile()).toBe(true)
    // serve's warm-up renders a record and writes nothing.
    const before = await outputTree(join(dir, 'dist'))
    await memory.warmUp!()
    expect(await outputTree(join(dir, 'dist'))).toEqual(before)
  })

  it('under serve, commits the incident pages first, and puts them back if the rest fails', async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: dir, env: {} }
    const flags = { at: at[1]!, baseUrl: at[3]!, quiet: true }
    const edit = async (title: string) => {
      const text = await readFile(file(dir, 3), 'utf8')
      await writeFile(file(dir, 3), text.replace(/^title: .*$/m, `title: "${title}"`))
    }
    const seen: string[] = []
    const memory: BuildMemory = {
      // What a reader sees between the two steps: the new page, the old index.
      onPagesCommitted: () => {
        seen.push(readFileSync(page(dir, 3), 'utf8').includes('First new title') ? 'new page' : 'old page')
        seen.push(
          readFileSync(join(dir, 'dist/site/index.html'), 'utf8').includes('First new title')
            ? 'new index'
            : 'old index',
        )
      },
      // Then the rest of the output is written, before the cache is saved.
      onOutputCommitted: () => {
        seen.push(
          readFileSync(join(dir, 'dist/site/index.html'), 'utf8').includes('First new title')
            ? 'new index'
            : 'old index',
        )
        seen.push(existsSync(join(dir, 'dist/.cache/postmortem-build.json')) ? 'cache saved' : 'no cache')
      },
    }
    await edit('First new title')
    expect((await runBuild(io, [], flags, memory)).code).toBe(0)
    expect(seen).toEqual(['new page', 'old index', 'new index', 'no cache'])
    expect(existsSync(join(dir, 'dist/.cache/postmortem-build.json'))).toBe(true)
    const index = await readFile(join(dir, 'dist/site/index.html'), 'utf8')
    expect(index).toContain('First new title')

    // The second step fails (stats/index.html cannot be replaced: a folder with a file took its place).
    const before = await readFile(page(dir, 3), 'utf8')
    memory.onPagesCommitted = () => {
      const stats = join(dir, 'dist/site/stats/index.html')
      rmSync(stats)
      mkdirSync(stats)
      writeFileSync(join(stats, 'blocker'), '')
    }
    await edit('Second new title')
    await expect(runBuild(io, [], flags, memory)).rejects.toThrow()
    expect(await readFile(page(dir, 3), 'utf8')).toBe(before)
    expect(await readFile(join(dir, 'dist/site/index.html'), 'utf8')).toBe(index)
  })

  it('keeps the rows of the index and the action items, and renders those of an edited record', async () => {
    const rows = () => JSON.parse(readFileSync(join(dir, 'dist/.cache/page-rows.json'), 'utf8'))
    expect(Object.keys(rows().pages).sort()).toEqual([
      'action-items/index.html',
      'incidents.json',
      'index.html',
      'search.json',
      'sitemap.xml',
    ])
    expect(rows().pages['index.html'].keys).toHaveLength(5)
    const text = await readFile(file(dir, 3), 'utf8')
    await writeFile(file(dir, 3), text.replace(/^title: .*$/m, 'title: "Row & title"'))
    await buildBoth(dir)
    expect(await readFile(join(dir, 'dist/site/index.html'), 'utf8')).toContain('Row &amp; title')
    expect(await readFile(join(dir, 'dist/site/action-items/index.html'), 'utf8')).toContain(
      'Row &amp; title',
    )
  })

  it('renders every row again when the page was changed since the last build', async () => {
    const index = join(dir, 'dist/site/index.html')
    // The same size, other bytes: only the modification time tells.
    const html = await readFile(index, 'utf8')
    await writeFile(index, html.replace(/<li class="incident-card"/g, '<li class="incident-cord"'))
    const text = await readFile(file(dir, 3), 'utf8')
    await writeFile(file(dir, 3), text.replace(/^title: .*$/m, 'title: "Another title"'))
    await buildBoth(dir)
  })

  it('renders rows through a theme partial that looks beyond its row every time', async () => {
    await writeFile(
      join(dir, 'postmortem.config.yaml'),
      syntheticConfig.replace('site:\n', 'site:\n  theme: theme\n'),
    )
    mkdirSync(join(dir, 'theme/layouts/partials'), { recursive: true })
    writeFileSync(
      join(dir, 'theme/layouts/partials/incident-row.html.hbs'),
      '<li>{{@index}} of {{@root.incidents.length}}: {{title}}</li>\n',
    )
    await buildBoth(dir)
    const text = await readFile(file(dir, 3), 'utf8')
    await writeFile(file(dir, 3), text.replace(/^title: .*$/m, 'title: "Themed title"'))
    await buildBoth(dir)
    const index = await readFile(join(dir, 'dist/site/index.html'), 'utf8')
    expect(index).toMatch(/<li>\d of 5: Themed title<\/li>/)
    const kept = JSON.parse(readFileSync(join(dir, 'dist/.cache/page-rows.json'), 'utf8'))
    expect(Object.keys(kept.pages)).not.toContain('index.html')
    expect(Object.keys(kept.pages)).toContain('action-items/index.html')
  })

  it('falls back to a full build when the cache is unreadable', async () => {
    await writeFile(join(dir, 'dist/.cache/postmortem-build.json'), '{"format": 1, "key": ')
    const result = await buildBoth(dir)
    expect(result.stdout).toContain('Timings (full build, 5 records, 0 reused)')
  })
})

describe('incremental build of more incidents than the feeds show', () => {
  it('reads no more of an unchanged record than its rows and entries kept from the last build need', async () => {
    const dir = await makeTempDir()
    await writeFile(join(dir, 'postmortem.config.yaml'), syntheticConfig)
    await mkdir(join(dir, 'incidents'))
    const count = 56
    for (let i = 0; i < count; i++) {
      const { id, text } = syntheticRecord(i)
      const shown = text
        .replace(/^visibility: \w+$/m, 'visibility: public')
        .replace(/^status: \w+$/m, 'status: published')
      await writeFile(join(dir, 'incidents', `${id}.yaml`), shown)
    }
    await buildBoth(dir)
    // The records the feeds leave out (they show the newest 50): none of their rows or entries is
    // drawn again after an edit elsewhere. Their cache lines lose what follows the tab (the title,
    // the excerpt, the HTML and the warnings); a build that read it would stop, saying so.
    const feed = await readFile(join(dir, 'dist/site/feed.xml'), 'utf8')
    const left = Array.from({ length: count }, (_, i) => syntheticRecord(i).id).filter(
      (id) => !feed.includes(`/incidents/${id}/`),
    )
    expect(left).toHaveLength(count - 50)
    const cache = join(dir, 'dist/.cache/postmortem-build.json')
    const lines = (await readFile(cache, 'utf8')).split('\n')
    let damaged = 0
    for (const [n, line] of lines.entries())
      if (left.some((id) => line.startsWith(`["incidents/${id}.yaml",`))) {
        lines[n] = `${line.slice(0, line.indexOf('\t'))}\t{{not JSON`
        damaged += 1
      }
    expect(damaged).toBe(left.length)
    await writeFile(cache, lines.join('\n'))
    const edited = join(dir, 'incidents', `${syntheticRecord(count - 1).id}.yaml`)
    const text = await readFile(edited, 'utf8')
    await writeFile(edited, text.replace(/^title: .*$/m, 'title: "Only this one"'))
    const warm = await buildBoth(dir)
    expect(warm.stdout).toContain(`Timings (incremental build, ${count} records, ${count - 1} reused)`)
    expect(await readFile(join(dir, 'dist/site/index.html'), 'utf8')).toContain('Only this one')
  })
})
