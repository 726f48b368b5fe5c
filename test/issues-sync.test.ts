import { appendFileSync } from 'node:fs'
import { cp, readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { block } from '../src/github/marker.js'
import type { GitHubServer } from './helpers/github-server.js'
import { startGitHubServer } from './helpers/github-server.js'
import { makeTempDir, removeTempDirs, repoRoot, runCli } from './helpers/run-cli.js'

const repo = 'acme/incidents'
const token = 'ghp_SENTINEL_token_never_printed_0123456789'
const pool = '2025-01-22-connection-pool-exhaustion'
const token2 = '2025-06-03-leaked-ci-token'
const search = '2025-09-14-search-index-rebuild-degradation'
// Open or in-progress items of the non-draft examples: one issue each.
const wanted = [`${pool}/AI-10`, `${token2}/AI-4`, `${token2}/AI-5`, `${search}/AI-2`, `${search}/AI-3`]

let server: GitHubServer
let dir: string

beforeEach(async () => {
  server = await startGitHubServer({ repos: [repo], tokens: [{ token, login: 'postmortem-bot' }] })
  dir = await makeTempDir()
  await cp(join(repoRoot, 'incidents'), join(dir, 'incidents'), { recursive: true })
  await cp(join(repoRoot, 'postmortem.config.yaml'), join(dir, 'postmortem.config.yaml'))
})
afterEach(async () => {
  expect(server.violations).toEqual([])
  await server.close()
})
afterAll(removeTempDirs)

/** Runs `issues sync` against the test server; waits are shrunk unless `env` says otherwise. */
function syncWith(env: Record<string, string | undefined>, ...args: string[]) {
  return runCli(['issues', 'sync', ...args], {
    cwd: dir,
    env: {
      GITHUB_TOKEN: token,
      GITHUB_REPOSITORY: repo,
      GITHUB_API_URL: server.baseUrl,
      POSTMORTEM_GITHUB_SPACING_MS: '0',
      POSTMORTEM_GITHUB_RETRY_BASE_MS: '5',
      NO_COLOR: '1',
      ...env,
    },
  })
}

const sync = (...args: string[]) => syncWith({}, ...args)

/** Issues per item key, from the markers on the server. */
function issuesByItem(): Map<string, number[]> {
  const found = new Map<string, number[]>()
  for (const issue of server.issues(repo)) {
    const key = /<!-- postmortem:(\S+) -->/.exec(issue.body ?? '')?.[1]
    if (key) found.set(key, [...(found.get(key) ?? []), issue.number])
  }
  return found
}

function expectOneIssuePerItem(seeded: string[] = []): void {
  const found = issuesByItem()
  expect([...found.keys()].sort()).toEqual([...wanted, ...seeded].sort())
  for (const numbers of found.values()) expect(numbers).toHaveLength(1)
}

const record = (id: string) => readFile(join(dir, 'incidents', `${id}.yaml`), 'utf8')

describe('issues sync against a GitHub-compatible server', () => {
  it('says GitHub could not be reached, and why, when nothing listens at GITHUB_API_URL', async () => {
    // A port that was just free: nothing listens there now.
    const closed = createServer()
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done))
    const { port } = closed.address() as AddressInfo
    await new Promise((done) => closed.close(done))
    const result = await syncWith({ GITHUB_API_URL: `http://127.0.0.1:${port}` }, '--dry-run')
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(
      `listing issues: could not reach GitHub (connect ECONNREFUSED 127.0.0.1:${port}). Check GITHUB_API_URL and the network, then run again.`,
    )
    expect(result.stderr).not.toContain('(500')
    expect(result.stdout + result.stderr).not.toContain(token)
  })

  it('prints the plan and sends no write with --dry-run', async () => {
    const result = await sync('--dry-run')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'Plan: create 5, update 0, close 0, reopen 0, pull 0, unchanged 0, skipped 15 (dry run: nothing sent)',
    )
    expect(result.stdout).toContain(`+ create  ${pool}/AI-10`)
    expect(server.writes()).toBe(0)
  })

  it('creates one issue per open item, closes the issue of a done item, writes numbers back, then sends nothing', async () => {
    const done = server.seedIssue(repo, {
      title: `[${pool}] Alert on connection pool utilisation`,
      body: block(`${pool}/AI-2`, 'old text'),
      labels: ['postmortem'],
    })
    const before = await record(pool)
    const first = await sync()
    expect(first.code).toBe(0)
    expectOneIssuePerItem([`${pool}/AI-2`])
    expect(server.issues(repo).find((i) => i.number === done.number)).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
    })
    const created = server.issues(repo).find((i) => i.title.includes('Active-active'))!
    expect(created.labels.sort()).toEqual(['postmortem', 'priority:P2', 'severity:SEV1'])
    expect(created.assignees).toEqual([])

    // Only the issue lines were added; every comment and line of the record is still there.
    const after = await record(pool)
    expect(after).toContain(`number: ${created.number}`)
    for (const line of before.split('\n')) expect(after).toContain(line)
    expect(after.split('\n').length - before.split('\n').length).toBeLessThanOrEqual(2 * 5)

    server.resetRecording()
    const second = await sync()
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('create 0, update 0, close 0, reopen 0')
    expect(server.writes()).toBe(0)
  })

  it('converges to one issue per item under every injected fault', async () => {
    // Owners GitHub accepts as assignees, so every fault lands on a real create.
    await server.close()
    server = await startGitHubServer({
      repos: [repo],
      tokens: [{ token, login: 'postmortem-bot' }],
      invalidAssignees: 'drop',
    })
    server.fail({ method: 'POST', path: /\/issues$/, kind: 'secondary-limit', retryAfter: 0.05, times: 1 })
    server.fail({ method: 'POST', path: /\/issues$/, kind: 'bad-gateway-after-create', times: 1 })
    server.fail({ method: 'POST', path: /\/issues$/, kind: 'reset', afterWrite: true, times: 1 })
    server.fail({ method: 'POST', path: /\/issues$/, kind: 'server-error', times: 1 })
    const result = await sync()
    expect(result.stdout + result.stderr).not.toContain(token)
    expect(result.code).toBe(0)
    expectOneIssuePerItem()
    // Every fault was met on the way.
    expect(
      server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/issues')).map((r) => r.status),
    ).toEqual(expect.arrayContaining([403, 502, 500, null]))
  })

  it('resumes a run killed after its second create without duplicates', async () => {
    const cut = server.failAfter(2, { match: { method: 'POST', path: /\/issues$/ } })
    const killed = await sync()
    expect(killed.code).not.toBe(0)
    expect(killed.stdout + killed.stderr).not.toContain(token)
    cut.cancel()
    const rerun = await sync()
    expect(rerun.code).toBe(0)
    expectOneIssuePerItem()
  })

  it('leaves marker-less and hand-made issues alone, across pages', async () => {
    const handMade = server.seedIssues(repo, 130, (i) => ({
      title: `Hand-made ${i}`,
      body: `Written by a person about AI-${i}`,
      labels: ['postmortem'],
    }))
    expect((await sync()).code).toBe(0)
    expectOneIssuePerItem()
    for (const seeded of handMade) {
      const now = server.issues(repo).find((i) => i.number === seeded.number)!
      expect(now.body).toBe(seeded.body)
      expect(now.state).toBe('open')
    }
    server.resetRecording()
    expect((await sync()).code).toBe(0)
    expect(server.writes()).toBe(0)
  })

  it('marks an item done when its issue was closed on GitHub, with --pull', async () => {
    expect((await sync()).code).toBe(0)
    const issue = server.issues(repo).find((i) => i.title.includes('Active-active'))!
    const closed = await fetch(`${server.baseUrl}/repos/${repo}/issues/${issue.number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'closed', state_reason: 'completed' }),
    })
    expect(closed.status).toBe(200)
    const pulled = await sync('--pull')
    expect(pulled.code).toBe(0)
    expect(pulled.stdout).toContain(`← pull    ${pool}/AI-10`)
    const text = await record(pool)
    expect(text).toMatch(/id: AI-10[\s\S]*?status: done/)
    expect(server.issues(repo).find((i) => i.number === issue.number)!.state).toBe('closed')
  })

  it('exits 3 on a bad token or a server error, and never prints the token', async () => {
    const bad = await runCli(['issues', 'sync'], {
      cwd: dir,
      env: {
        GITHUB_TOKEN: 'ghp_wrong_SENTINEL',
        GITHUB_REPOSITORY: repo,
        GITHUB_API_URL: server.baseUrl,
        NO_COLOR: '1',
      },
    })
    expect(bad.code).toBe(3)
    expect(bad.stderr).toContain('GITHUB_TOKEN')
    expect(bad.stdout + bad.stderr).not.toContain('ghp_wrong_SENTINEL')

    server.fail({ method: 'GET', path: /\/issues/, kind: 'server-error', times: 10 })
    const failed = await runCli(['--debug', 'issues', 'sync'], {
      cwd: dir,
      env: {
        GITHUB_TOKEN: token,
        GITHUB_REPOSITORY: repo,
        GITHUB_API_URL: server.baseUrl,
        POSTMORTEM_GITHUB_RETRY_BASE_MS: '5',
        NO_COLOR: '1',
      },
    })
    expect(failed.code).toBe(3)
    expect(failed.stdout + failed.stderr).not.toContain(token)
    server.clearFaults()
  })

  it('refuses to write back into a record that changed since it was read', async () => {
    // The records are read once before any request; change one while the sync runs its first create.
    const file = join(dir, 'incidents', `${pool}.yaml`)
    const off = server.onWrite(() => appendFileSync(file, '# edited meanwhile\n'))
    const result = await sync()
    off()
    expect(result.stdout + result.stderr).toMatch(/changed since it was read/)
    expect(await readFile(file, 'utf8')).toContain('# edited meanwhile')
  })
})

describe('issues sync at scale and under primary rate limits', () => {
  it('manages more than 100 issues across pages; a no-change run only lists them', async () => {
    const items = Array.from({ length: 105 }, (_, i) =>
      [
        `  - id: AI-${i + 1}`,
        `    title: Follow-up number ${i + 1}`,
        '    type: prevent',
        '    priority: P2',
        '    status: open',
      ].join('\n'),
    ).join('\n')
    const many = [
      'id: 2025-02-01-many-items',
      'title: An incident with many follow-ups',
      'status: published',
      'severity: SEV3',
      'timestamps:',
      '  impact_started: 2025-02-01T10:00:00Z',
      '  detected: 2025-02-01T10:05:00Z',
      '  resolved: 2025-02-01T11:00:00Z',
      'summary: Many follow-ups.',
      'root_cause:',
      '  summary: Many causes.',
      'timeline:',
      '  - at: 2025-02-01T10:05:00Z',
      '    kind: detect',
      '    text: Detected.',
      'action_items:',
      items,
      '',
    ].join('\n')
    const { rm, writeFile } = await import('node:fs/promises')
    await rm(join(dir, 'incidents'), { recursive: true })
    const { mkdir } = await import('node:fs/promises')
    await mkdir(join(dir, 'incidents'))
    await writeFile(join(dir, 'incidents', '2025-02-01-many-items.yaml'), many)
    const first = await sync()
    expect(first.code).toBe(0)
    expect(server.issues(repo).filter((i) => i.body?.includes('<!-- postmortem:'))).toHaveLength(105)
    server.resetRecording()
    const again = await sync('--format', 'json')
    expect(again.code).toBe(0)
    const report = JSON.parse(again.stdout) as { counts: { unchanged: number }; requests: number }
    expect(report.counts.unchanged).toBe(105)
    expect(server.writes()).toBe(0)
    // Two pages of 100 issues; nothing else.
    expect(report.requests).toBe(2)
  })

  it('waits for x-ratelimit-reset on a primary rate limit and goes on', async () => {
    server.fail({ method: 'POST', path: /\/issues$/, kind: 'primary-limit', resetAfter: 1, times: 1 })
    // GitHub's own wait: the quota resets after a real second.
    const result = await syncWith({ POSTMORTEM_GITHUB_RETRY_BASE_MS: undefined })
    expect(result.stdout + result.stderr).not.toContain(token)
    expect(result.code).toBe(0)
    expectOneIssuePerItem()
  })
})

describe('issues sync hints and refusals', () => {
  it('finds an issue whose label was removed by its recorded number, checked by its marker', async () => {
    expect((await sync()).code).toBe(0)
    const issue = server.issues(repo).find((i) => i.title.includes('Active-active'))!
    const unlabelled = await fetch(`${server.baseUrl}/repos/${repo}/issues/${issue.number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ labels: [] }),
    })
    expect(unlabelled.status).toBe(200)
    server.resetRecording()
    const again = await sync()
    expect(again.code).toBe(0)
    expectOneIssuePerItem()
    // The label comes back; nothing is created.
    expect(server.writes({ method: 'POST', path: /\/issues$/ })).toBe(0)
    expect(server.issues(repo).find((i) => i.number === issue.number)!.labels).toContain('postmortem')
  })

  it('reports an owner GitHub will not assign, and still creates the issue', async () => {
    const result = await sync()
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('created unassigned: GitHub refused @tnakamura as assignee')
  })
})
