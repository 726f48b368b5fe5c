import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exampleRepo, removeTempDirs, repoRoot, runCli } from './helpers/run-cli.js'

const at = ['--at', '2026-12-04T00:00:00Z']
const example = '2025-01-22-connection-pool-exhaustion'

afterAll(removeTempDirs)

describe('render', () => {
  it('writes public, published records to dist/postmortems and says what it skipped', async () => {
    const dir = await exampleRepo()
    const result = await runCli(['render', ...at], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`wrote dist/postmortems/${example}.md`)
    expect(result.stdout).toContain('skipped 2 records')
    expect(await readdir(join(dir, 'dist/postmortems'))).toEqual([`${example}.md`])
    const text = await readFile(join(dir, 'dist/postmortems', `${example}.md`), 'utf8')
    expect(text.startsWith('# API and web app outage')).toBe(true)
  })

  it('renders everything with --internal, by id, into --out', async () => {
    const dir = await exampleRepo()
    const result = await runCli(
      ['render', '2025-06-03-leaked-ci-token', '--internal', '--out', 'out', ...at],
      { cwd: dir },
    )
    expect(result.code).toBe(0)
    expect(await readdir(join(dir, 'out'))).toEqual(['2025-06-03-leaked-ci-token.md'])
  })

  it('writes nothing for an invalid record, reports it, and exits 1', async () => {
    const dir = await exampleRepo()
    const broken = join(dir, 'incidents/2025-09-14-search-index-rebuild-degradation.yaml')
    await writeFile(broken, (await readFile(broken, 'utf8')).replace('status: in_review', 'status: reviewed'))
    const result = await runCli(['render', '--internal', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('INVALID_VALUE')
    expect((await readdir(join(dir, 'dist/postmortems'))).sort()).toEqual([
      '2025-01-22-connection-pool-exhaustion.md',
      '2025-06-03-leaked-ci-token.md',
    ])
  })

  it('writes the first of two records with one id, and leaves no staging folder behind', async () => {
    const dir = await exampleRepo()
    const first = join(dir, 'incidents', `${example}.yaml`)
    await mkdir(join(dir, 'incidents/zz'))
    // The same id in a later sub-folder: a DUPLICATE_ID error for the copy, found across records.
    await writeFile(
      join(dir, 'incidents/zz', `${example}.yaml`),
      (await readFile(first, 'utf8')).replace(/^title: .*$/m, 'title: The copy'),
    )
    const result = await runCli(['render', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('DUPLICATE_ID')
    expect(await readdir(join(dir, 'dist'))).toEqual(['postmortems'])
    expect(await readdir(join(dir, 'dist/postmortems'))).toEqual([`${example}.md`])
    const text = await readFile(join(dir, 'dist/postmortems', `${example}.md`), 'utf8')
    expect(text.startsWith('# API and web app outage')).toBe(true)
  })

  it('publishes nothing when a template fails on a later record, and leaves no staging folder', async () => {
    const dir = await exampleRepo()
    await writeFile(
      join(dir, 'postmortem.config.yaml'),
      `${await readFile(join(dir, 'postmortem.config.yaml'), 'utf8')}templates: my-templates\n`,
    )
    await mkdir(join(dir, 'my-templates'))
    const shipped = await readFile(join(repoRoot, 'templates/postmortem.md.hbs'), 'utf8')
    // Fails only for a record with related incidents: the last one, once the others are staged.
    await writeFile(
      join(dir, 'my-templates/postmortem.md.hbs'),
      `{{#if related.length}}{{md no_such_field}}{{/if}}${shipped}`,
    )
    const last = join(dir, 'incidents/2025-09-14-search-index-rebuild-degradation.yaml')
    await writeFile(
      last,
      (await readFile(last, 'utf8')).replace(/^tags:/m, 'related: [2025-06-03-leaked-ci-token]\ntags:'),
    )
    const result = await runCli(['render', '--internal', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/my-templates\/postmortem\.md\.hbs:1: /)
    expect(await readdir(join(dir, 'dist/postmortems'))).toEqual([])
  })

  it('reports an unknown id and exits 1', async () => {
    const dir = await exampleRepo()
    const result = await runCli(['render', 'no-such-incident', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no incident record with id `no-such-incident`')
    await expect(stat(join(dir, 'dist/postmortems/no-such-incident.md'))).rejects.toThrow()
  })

  it('reports a broken user template by file and line, exit 1, nothing written', async () => {
    const dir = await exampleRepo()
    await writeFile(
      join(dir, 'postmortem.config.yaml'),
      `${await readFile(join(dir, 'postmortem.config.yaml'), 'utf8')}templates: my-templates\n`,
    )
    await cp(join(repoRoot, 'templates/partials'), join(dir, 'my-templates/partials'), { recursive: true })
    await writeFile(join(dir, 'my-templates/partials/links.md.hbs'), '## Links\n\n{{#each links}}\n')
    const result = await runCli(['render', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/my-templates\/partials\/links\.md\.hbs:\d+: /)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    await expect(stat(join(dir, 'dist/postmortems'))).rejects.toThrow()
    expect(await readdir(join(dir, 'dist')).catch(() => [])).toEqual([])
  })
})

describe('stats', () => {
  it('matches hand-computed figures for the examples (--format json)', async () => {
    const result = await runCli(['stats', '--format', 'json', ...at])
    expect(result.code).toBe(0)
    const stats = JSON.parse(result.stdout) as {
      incidents: Array<Record<string, unknown>>
      rollups: Record<string, unknown>
    }
    expect(stats.incidents.map((i) => i.id)).toEqual([
      example,
      '2025-06-03-leaked-ci-token',
      '2025-09-14-search-index-rebuild-degradation',
    ])
    expect(stats.incidents[0]).toEqual({
      id: example,
      severity: 'SEV1',
      time_to_detect: 0,
      time_to_acknowledge: 44 * 60,
      time_to_mitigate: (2 * 60 + 59) * 60,
      time_to_resolve: (3 * 60 + 44) * 60,
      impact_duration: 224 * 60,
      error_budget: [{ slo: 'api-availability', burn_percent: 518.5 }],
      communications: { first_update_after_detect: 44 * 60, longest_gap: 3 * 3600 },
      action_items: { total: 12, open: 1, overdue: 0, done: 10 },
    })
    // Search degradation: Berlin times 02:10 → 05:30 CEST; 70 bad minutes of a 99.5 %/30 d budget (216 min).
    expect(stats.incidents[2]).toMatchObject({
      time_to_detect: 14 * 60,
      time_to_resolve: 200 * 60,
      error_budget: [{ slo: 'search-latency', burn_percent: 32.4 }],
      communications: { first_update_after_detect: 11 * 60, longest_gap: 28 * 60 },
    })
    expect(stats.rollups).toMatchObject({
      incidents: 3,
      by_severity: { SEV1: 1, SEV2: 1, SEV3: 1, SEV4: 0 },
      by_month: { '2025-01': 1, '2025-06': 1, '2025-09': 1 },
      durations: { time_to_resolve: { count: 3, median: 224 * 60 } },
      action_items: { total: 20, open: 5, overdue: 0, done: 14, not_doing: 1 },
    })
  })

  it('prints a readable table, filters with --since, and rejects a bad --since', async () => {
    const text = await runCli(['stats', '--since', '2025-06-01', ...at], { env: { NO_COLOR: '1' } })
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('2 incidents')
    expect(text.stdout).not.toContain(example)
    expect(text.stdout).toMatch(/time to resolve\s+\S+/)
    const bad = await runCli(['stats', '--since', 'last week'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--since must be')
  })
})

describe('timeline', () => {
  it('prints a readable terminal timeline for an id', async () => {
    const result = await runCli(['timeline', example, '--width', '120'], { env: { NO_COLOR: '1' } })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('time to detect 0m · acknowledge 44m · mitigate 2h 59m · resolve 3h 44m')
    for (const time of ['12:03', '12:47', '13:15', '14:30', '15:02', '15:47'])
      expect(result.stdout).toContain(time)
    expect(result.stdout).not.toContain('\u001b')
  })

  it('writes Markdown and SVG, and leaves internal events out with --public', async () => {
    const dir = await exampleRepo()
    const md = await runCli(['timeline', example, '--format', 'md', '--public'], { cwd: dir })
    expect(md.code).toBe(0)
    expect(md.stdout).toMatch(/^# API and web app outage .* — timeline\n/)
    expect(md.stdout).toContain('| Time to resolve | 3h 44m |')
    expect(md.stdout).not.toContain('Internal update to #company-incidents')
    const all = await runCli(['timeline', example, '--format', 'md'], { cwd: dir })
    expect(all.stdout).toContain('Internal update to #company-incidents')

    const svg = await runCli(['timeline', example, '--format', 'svg', '--out', 'timeline.svg'], { cwd: dir })
    expect(svg.code).toBe(0)
    const file = await readFile(join(dir, 'timeline.svg'), 'utf8')
    expect(file.startsWith('<svg')).toBe(true)
    expect(file.trimEnd().endsWith('</svg>')).toBe(true)
    expect(file).not.toContain('<script')
  })

  it('exits 1 for an unknown id', async () => {
    const result = await runCli(['timeline', 'nope'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no incident record with id `nope`')
  })
})
