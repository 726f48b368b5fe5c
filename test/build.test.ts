import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs, repoRoot, runCli } from './helpers/run-cli.js'

const at = ['--at', '2026-12-04T00:00:00Z']
const example = '2025-01-22-connection-pool-exhaustion'

afterAll(removeTempDirs)

async function exampleRepo(extraConfig = ''): Promise<string> {
  const dir = await makeTempDir()
  await cp(join(repoRoot, 'incidents'), join(dir, 'incidents'), { recursive: true })
  const config = await readFile(join(repoRoot, 'postmortem.config.yaml'), 'utf8')
  await writeFile(join(dir, 'postmortem.config.yaml'), `${config}${extraConfig}`)
  return dir
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

/** Every href/src of every HTML page that points inside the site must name a file that exists. */
async function brokenLinks(site: string): Promise<string[]> {
  const broken: string[] = []
  for (const file of (await listFiles(site)).filter((f) => f.endsWith('.html'))) {
    const html = await readFile(join(site, file), 'utf8')
    for (const [, url] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      if (/^(https?:|mailto:|#)/.test(url!) || url === 'data:,') continue
      const target = resolve(dirname(join(site, file)), url!.replace(/[#?].*$/, ''))
      const exists = await stat(target).then(
        (s) => s.isFile(),
        () => false,
      )
      if (!exists) broken.push(`${file} → ${url}`)
    }
  }
  return broken
}

describe('build (public, the bundled examples)', () => {
  let dir: string
  let site: string
  let result: Awaited<ReturnType<typeof runCli>>
  beforeAll(async () => {
    dir = await exampleRepo()
    result = await runCli(['build', '--base-url', 'https://status.example.com/history/', ...at], { cwd: dir })
    site = join(dir, 'dist/site')
  })

  it('writes every page and file of SPEC §6, and only public published records', async () => {
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Built the public site: 1 incident')
    const files = await listFiles(site)
    for (const f of [
      'index.html',
      `incidents/${example}/index.html`,
      `incidents/${example}/postmortem.md`,
      'stats/index.html',
      'action-items/index.html',
      'feed.xml',
      'rss.xml',
      'feed.json',
      'incidents.json',
      'sitemap.xml',
      'search.json',
      'assets/style.css',
      'assets/site.js',
    ])
      expect(files).toContain(f)
    expect(files.some((f) => f.includes('leaked-ci-token'))).toBe(false)
    expect(files.some((f) => f.includes('search-index-rebuild'))).toBe(false)
    expect(await readdir(join(dir, 'dist/postmortems'))).toEqual([`${example}.md`])
  })

  it('has no broken internal links', async () => {
    expect(await brokenLinks(site)).toEqual([])
  })

  it('leaves internal events, people and other records out of everything it writes', async () => {
    for (const file of await listFiles(site)) {
      if (file.startsWith('assets/')) continue
      const text = await readFile(join(site, file), 'utf8')
      expect(text, file).not.toContain('Internal update to #company-incidents')
      expect(text, file).not.toContain('leaked-ci-token')
      expect(text, file).not.toContain('priya-raman')
      expect(text, file).not.toContain('INTERNAL')
    }
  })

  it('writes feeds that parse and carry the public entries with absolute links', async () => {
    const xml = new XMLParser({ ignoreAttributes: false })
    const atom = xml.parse(await readFile(join(site, 'feed.xml'), 'utf8')) as { feed: { entry: unknown } }
    const entries = [atom.feed.entry].flat() as Array<{ title: string; link: { '@_href': string } }>
    expect(entries).toHaveLength(1)
    expect(entries[0]!.link['@_href']).toBe(`https://status.example.com/history/incidents/${example}/`)
    const rss = xml.parse(await readFile(join(site, 'rss.xml'), 'utf8')) as {
      rss: { channel: { item: unknown } }
    }
    expect([rss.rss.channel.item].flat()).toHaveLength(1)
    const json = JSON.parse(await readFile(join(site, 'feed.json'), 'utf8')) as {
      version: string
      items: unknown[]
    }
    expect(json.version).toBe('https://jsonfeed.org/version/1.1')
    expect(json.items).toHaveLength(1)
  })

  it('writes incidents.json that matches the records', async () => {
    const data = JSON.parse(await readFile(join(site, 'incidents.json'), 'utf8')) as unknown
    const text = JSON.stringify(data)
    expect(text).toContain(example)
    expect(text).toContain('"severity":"SEV1"')
    expect(text).toContain('13440') // time to resolve, seconds
  })

  it('draws the timeline, the metric charts and the impact bar chart on the incident page', async () => {
    const html = await readFile(join(site, `incidents/${example}/index.html`), 'utf8')
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(5)
    expect(html).toContain('api_latency_p99')
    expect(html).toContain('Content-Security-Policy')
    // Only our own script, never inline.
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([
      '<script src="../../assets/site.js" defer>',
    ])
  })
})

describe('build (internal)', () => {
  it('includes every record and marks every page internal and noindex', async () => {
    const dir = await exampleRepo()
    const result = await runCli(['build', '--internal', ...at], { cwd: dir })
    expect(result.code).toBe(0)
    const site = join(dir, 'dist/site')
    const pages = (await listFiles(site)).filter((f) => f.endsWith('.html'))
    expect(pages).toContain('incidents/2025-06-03-leaked-ci-token/index.html')
    for (const page of pages) {
      const html = await readFile(join(site, page), 'utf8')
      expect(html, page).toContain('INTERNAL')
      expect(html, page).toContain('<meta name="robots" content="noindex, nofollow">')
    }
    expect(await brokenLinks(site)).toEqual([])
  })
})

describe('build safety', () => {
  it('fails on a denied term, writes nothing and keeps the previous site', async () => {
    const dir = await exampleRepo()
    expect((await runCli(['build', ...at], { cwd: dir })).code).toBe(0)
    const before = await readFile(join(dir, 'dist/site/index.html'), 'utf8')
    await writeFile(
      join(dir, 'postmortem.config.yaml'),
      `${await readFile(join(dir, 'postmortem.config.yaml'), 'utf8')}deny: [PgBouncer]\n`,
    )
    const result = await runCli(['build', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('"PgBouncer"')
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(await readFile(join(dir, 'dist/site/index.html'), 'utf8')).toBe(before)
    expect((await readdir(join(dir, 'dist'))).sort()).toEqual(['.cache', 'postmortems', 'site'])
  })

  it('applies redact patterns to the public output', async () => {
    const dir = await exampleRepo('redact: ["usage-report"]\n')
    expect((await runCli(['build', ...at], { cwd: dir })).code).toBe(0)
    const html = await readFile(join(dir, `dist/site/incidents/${example}/index.html`), 'utf8')
    expect(html).not.toContain('usage-report')
    expect(html).toContain('[redacted]')
  })

  it('refuses to build when a record has errors, leaving the previous output', async () => {
    const dir = await exampleRepo()
    expect((await runCli(['build', ...at], { cwd: dir })).code).toBe(0)
    const file = join(dir, `incidents/${example}.yaml`)
    await writeFile(file, (await readFile(file, 'utf8')).replace('severity: SEV1', 'severity: SEV9'))
    const result = await runCli(['build', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('UNKNOWN_SEVERITY')
    expect(await listFiles(join(dir, 'dist/site'))).toContain(`incidents/${example}/index.html`)
  })

  it('escapes and sanitises hostile record text everywhere (injection fixture)', async () => {
    const dir = await makeTempDir()
    await cp(join(repoRoot, 'test/fixtures/site/injection'), join(dir, 'incidents'), { recursive: true })
    const result = await runCli(['build', ...at], { cwd: dir })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    for (const file of await listFiles(join(dir, 'dist/site'))) {
      if (!file.endsWith('.html')) continue
      const html = await readFile(join(dir, 'dist/site', file), 'utf8')
      expect(
        [...html.matchAll(/<script\b[^>]*>/g)].every((m) => /src="[./]*assets\/site\.js"/.test(m[0])),
        file,
      ).toBe(true)
      expect(html, file).not.toMatch(/<img\b/i)
      // An event-handler attribute inside a real tag (record text shows up only escaped, as &lt;…).
      expect(html, file).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i)
      // (the site's own empty favicon, `<link rel="icon" href="data:,">`, is the one data: URL)
      expect(html.replace('<link rel="icon" href="data:,">', ''), file).not.toMatch(
        /<[a-z][^>]*\s(?:href|src)="\s*(?:javascript|data):/i,
      )
      expect(html, file).not.toMatch(/<(iframe|style|textarea)\b/i)
      expect(html, file).not.toContain('window.__pwned=1</script>')
      expect(html, file).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/)
    }
  })
})

describe('feed dates', () => {
  it("move when a record changes (git commit time, else the file's modification time)", async () => {
    const { execFileSync } = await import('node:child_process')
    const dir = await exampleRepo()
    const when = '2026-01-01T00:00:00Z'
    const env = { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env })
    git('init', '-q')
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.')
    git(
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-qm',
      'records',
      '--date',
      '2026-01-01T00:00:00Z',
    )
    const modified = async () => {
      expect((await runCli(['build', ...at], { cwd: dir })).code).toBe(0)
      const feed = JSON.parse(await readFile(join(dir, 'dist/site/feed.json'), 'utf8')) as {
        items: Array<{ date_modified: string }>
      }
      return Date.parse(feed.items[0]!.date_modified)
    }
    const first = await modified()
    // The record's own latest time is 2025-01-22; the commit is newer.
    expect(first).toBe(Date.parse(when))
    const file = join(dir, `incidents/${example}.yaml`)
    await writeFile(file, `${await readFile(file, 'utf8')}# edited\n`)
    const { utimes } = await import('node:fs/promises')
    await utimes(file, new Date('2026-06-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z'))
    expect(await modified()).toBe(Date.parse('2026-06-01T00:00:00Z'))
  })
})
