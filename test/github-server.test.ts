import { Ajv } from 'ajv'
import { Octokit, RequestError } from 'octokit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  openApiCost,
  startGitHubServer,
  toJsonSchema,
  type GitHubServer,
  type GitHubServerOptions,
} from './helpers/github-server.js'

const owner = 'acme'
const repo = 'incidents'
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** Octokit as the app uses it, but with the retry and throttling plugins off: GitHub's answers, raw. */
function raw(server: GitHubServer, token = 'test-token'): Octokit {
  return new Octokit({
    auth: token,
    baseUrl: server.baseUrl,
    log: silent,
    retry: { enabled: false },
    throttle: { enabled: false },
  })
}

async function failure(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof RequestError) return error
    throw error
  }
  throw new Error('expected the request to fail')
}

/** `<url>; rel="next", …` → `{ next: url, … }` */
function links(header: string | undefined): Record<string, string> {
  const result: Record<string, string> = {}
  for (const part of (header ?? '').split(', ')) {
    const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part)
    if (match?.[1] && match[2]) result[match[2]] = match[1]
  }
  return result
}

let server: GitHubServer
let octokit: Octokit

async function start(options: GitHubServerOptions = {}): Promise<void> {
  await server?.close()
  server = await startGitHubServer(options)
  octokit = raw(server)
}

beforeEach(async () => {
  server = await startGitHubServer()
  octokit = raw(server)
})

afterEach(async () => {
  expect(server.responseErrors).toEqual([])
  await server.close()
})

describe('OpenAPI nullable conversion', () => {
  const convert = (schema: Record<string, unknown>): Record<string, unknown> =>
    toJsonSchema(schema, new Set(), new Set())

  it('turns nullable typed schemas into type arrays, adding null to enums', () => {
    expect(convert({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] })
    expect(convert({ type: 'string', enum: ['completed', 'not_planned'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['completed', 'not_planned', null],
    })
    expect(convert({ type: 'string', nullable: false, example: 'x', 'x-github': {} })).toEqual({
      type: 'string',
    })
  })

  it('wraps untyped nullable schemas in anyOf and hoists null out of oneOf branches', () => {
    expect(convert({ oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true })).toEqual({
      anyOf: [{ oneOf: [{ type: 'string' }, { type: 'integer' }] }, { type: 'null' }],
    })
    const value = convert({
      oneOf: [
        { type: 'string', nullable: true },
        { type: 'integer', nullable: true },
      ],
    })
    const validate = new Ajv().compile(value)
    expect([validate(null), validate('a'), validate(1), validate(true)]).toEqual([true, true, true, false])
  })

  it('points $refs at separately added component schemas and records formats', () => {
    const refs = new Set<string>()
    const formats = new Set<string>()
    expect(
      toJsonSchema(
        {
          type: 'object',
          properties: {
            user: { $ref: '#/components/schemas/simple-user' },
            at: { type: 'string', format: 'date-time' },
          },
        },
        refs,
        formats,
      ),
    ).toEqual({
      type: 'object',
      properties: {
        user: { $ref: 'https://github-server.test/schemas/simple-user' },
        at: { type: 'string', format: 'date-time' },
      },
    })
    expect([...refs]).toEqual(['simple-user'])
    expect([...formats]).toEqual(['date-time'])
  })

  it('converts 3.0 boolean exclusive bounds', () => {
    expect(convert({ type: 'integer', minimum: 0, exclusiveMinimum: true })).toEqual({
      type: 'integer',
      exclusiveMinimum: 0,
    })
  })
})

describe('authentication and basics', () => {
  it('answers 401 Bad credentials for an unknown token and 401 for none', async () => {
    const error = await failure(raw(server, 'nope').rest.users.getAuthenticated())
    expect(error.status).toBe(401)
    expect(error.response?.data).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    })
    const anonymous = new Octokit({ baseUrl: server.baseUrl, log: silent, retry: { enabled: false } })
    const none = await failure(anonymous.rest.repos.get({ owner, repo }))
    expect(none.status).toBe(401)
    expect(server.requests.every((r) => !('authorization' in r.headers))).toBe(true)
  })

  it('accepts `token X` and `Bearer X`, and serves /user and /repos with rate-limit headers', async () => {
    const { data: user, headers } = await octokit.rest.users.getAuthenticated()
    expect(user.login).toBe('postmortem-bot')
    expect(headers['x-ratelimit-limit']).toBe('5000')
    expect(headers['x-ratelimit-remaining']).toBe('4999')
    expect(headers['x-ratelimit-used']).toBe('1')
    expect(headers['x-ratelimit-resource']).toBe('core')
    expect(Number(headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000)
    expect(headers['x-github-request-id']).toMatch(/^[0-9A-F:]+$/)
    const bearer = await fetch(`${server.baseUrl}/repos/${owner}/${repo}`, {
      headers: { authorization: 'Bearer test-token' },
    })
    expect(bearer.status).toBe(200)
    expect(((await bearer.json()) as { full_name: string }).full_name).toBe('acme/incidents')
    const missing = await failure(octokit.rest.repos.get({ owner, repo: 'nope' }))
    expect(missing.status).toBe(404)
    expect(server.violations).toEqual([])
  })

  it('answers 403 with x-accepted-github-permissions for a read-only token', async () => {
    await start({ tokens: [{ token: 'read-only', write: false }] })
    const error = await failure(raw(server, 'read-only').rest.issues.create({ owner, repo, title: 'x' }))
    expect(error.status).toBe(403)
    expect(error.message).toMatch(/Resource not accessible/)
    expect(error.response?.headers['x-accepted-github-permissions']).toBe('issues=write')
    expect(server.issues()).toEqual([])
  })

  it('parses the description once per process and compiles only the operations it serves', async () => {
    const started = performance.now()
    const other = await startGitHubServer()
    const startMs = performance.now() - started
    await other.close()
    expect(startMs).toBeLessThan(100) // a cold start (parsing the description) takes ~145 ms
    expect(openApiCost.operations).toBeLessThanOrEqual(8)
  })
})

describe('issues', () => {
  it('paginates 250 labelled issues with Link headers, pull requests included', async () => {
    server.seedIssues(`${owner}/${repo}`, 240, (i) => ({
      title: `[INC-${i}] action`,
      body: `<!-- postmortem:INC-${i}/AI-1 -->`,
      labels: ['postmortem', i % 2 ? 'severity:SEV1' : 'severity:SEV2'],
      state: i % 5 === 0 ? 'closed' : 'open',
    }))
    server.seedIssues(`${owner}/${repo}`, 8, { title: 'hand-made', labels: ['postmortem'] })
    server.seedIssue(`${owner}/${repo}`, { title: 'a PR', labels: ['postmortem'], pull_request: true })
    server.seedIssue(`${owner}/${repo}`, {
      title: 'dropped',
      labels: ['postmortem'],
      state: 'closed',
      state_reason: 'not_planned',
    })
    server.seedIssues(`${owner}/${repo}`, 5, { title: 'unlabelled' })

    const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: 'all',
      labels: 'postmortem',
      per_page: 100,
    })
    expect(all).toHaveLength(250)
    expect(new Set(all.map((issue) => issue.number)).size).toBe(250)
    expect(all.filter((issue) => issue.pull_request)).toHaveLength(1)
    expect(all.find((issue) => issue.title === 'dropped')?.state_reason).toBe('not_planned')
    expect(server.requests.map((r) => [r.method, r.query.page, r.status])).toEqual([
      ['GET', undefined, 200],
      ['GET', '2', 200],
      ['GET', '3', 200],
    ])

    const { data: repository } = await octokit.rest.repos.get({ owner, repo })
    const first = await octokit.rest.issues.listForRepo({
      owner,
      repo,
      state: 'all',
      labels: 'postmortem',
      per_page: 100,
    })
    const base = `${server.baseUrl}/repositories/${repository.id}/issues?`
    expect(links(first.headers.link)).toEqual({
      next: `${base}state=all&labels=postmortem&per_page=100&page=2`,
      last: `${base}state=all&labels=postmortem&per_page=100&page=3`,
    })
    const middle = await octokit.rest.issues.listForRepo({
      owner,
      repo,
      state: 'all',
      per_page: 100,
      page: 2,
    })
    expect(Object.keys(links(middle.headers.link))).toEqual(['prev', 'next', 'last', 'first'])

    // Defaults: open only, 30 per page, newest first; labels are ANDed, case-insensitively.
    const open = await octokit.rest.issues.listForRepo({ owner, repo })
    expect(open.data).toHaveLength(30)
    expect(open.data.every((issue) => issue.state === 'open')).toBe(true)
    expect(open.data[0]?.number).toBeGreaterThan(open.data[1]?.number ?? Infinity)
    const sev1 = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: 'all',
      labels: 'Postmortem,severity:SEV1',
      per_page: 100,
    })
    expect(sev1).toHaveLength(120)
    const single = await octokit.rest.issues.listForRepo({
      owner,
      repo,
      labels: 'severity:SEV1',
      per_page: 100,
      page: 9,
    })
    expect(single.data).toEqual([])
    expect(server.violations).toEqual([])
  })

  it('creates, updates, closes and reopens issues with GitHub shapes', async () => {
    const created = await octokit.rest.issues.create({
      owner,
      repo,
      title: '[INC-1] Add alerting',
      body: 'body\n<!-- postmortem:INC-1/AI-1 -->',
      labels: ['postmortem', 'priority:P1'],
      assignees: ['octocat'],
    })
    expect(created.status).toBe(201)
    expect(created.headers.location).toBe(`${server.baseUrl}/repos/${owner}/${repo}/issues/1`)
    expect(created.data).toMatchObject({
      number: 1,
      state: 'open',
      state_reason: null,
      closed_at: null,
      html_url: `https://github.com/${owner}/${repo}/issues/1`,
      user: { login: 'postmortem-bot' },
      assignee: { login: 'octocat' },
    })
    expect(created.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual([
      'postmortem',
      'priority:P1',
    ])
    expect(server.labels().find((l) => l.name === 'priority:P1')).toMatchObject({
      color: 'ededed',
      default: false,
    })

    const edited = await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: 1,
      title: 'renamed',
      labels: [],
    })
    expect(edited.data.title).toBe('renamed')
    expect(edited.data.labels).toEqual([])

    const closed = await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: 1,
      state: 'closed',
      state_reason: 'not_planned',
    })
    expect(closed.data).toMatchObject({
      state: 'closed',
      state_reason: 'not_planned',
      closed_by: { login: 'postmortem-bot' },
    })
    expect(closed.data.closed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    // state_reason is ignored unless the state changes; reopening sets `reopened`.
    const ignored = await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: 1,
      state_reason: 'completed',
    })
    expect(ignored.data.state_reason).toBe('not_planned')
    const reopened = await octokit.rest.issues.update({ owner, repo, issue_number: 1, state: 'open' })
    expect(reopened.data).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null })

    const { data: fetched } = await octokit.rest.issues.get({ owner, repo, issue_number: 1 })
    expect(fetched.title).toBe('renamed')
    expect(server.issues()).toMatchObject([
      { number: 1, title: 'renamed', state: 'open', assignees: ['octocat'] },
    ])
    expect(server.writes()).toBe(5)
    expect(server.writes({ method: 'POST' })).toBe(1)
    const missing = await failure(octokit.rest.issues.get({ owner, repo, issue_number: 99 }))
    expect(missing.status).toBe(404)
    expect(server.violations).toEqual([])
  })

  it('rejects an unassignable assignee with 422 (or drops it when configured)', async () => {
    const error = await failure(octokit.rest.issues.create({ owner, repo, title: 't', assignees: ['ghost'] }))
    expect(error.status).toBe(422)
    expect(error.response?.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ value: 'ghost', resource: 'Issue', field: 'assignees', code: 'invalid' }],
    })
    expect(server.issues()).toEqual([])

    await start({ invalidAssignees: 'drop' })
    const { data } = await octokit.rest.issues.create({
      owner,
      repo,
      title: 't',
      assignees: ['ghost', 'hubot'],
    })
    expect(data.assignees?.map((a) => a.login)).toEqual(['hubot'])
    expect(server.violations).toEqual([])
  })
})

describe('labels', () => {
  it('creates labels, answers 422 already_exists for a duplicate, and paginates', async () => {
    const { status, data } = await octokit.rest.issues.createLabel({
      owner,
      repo,
      name: 'postmortem',
      color: 'B60205',
    })
    expect(status).toBe(201)
    expect(data).toMatchObject({ name: 'postmortem', color: 'b60205', default: false, description: null })
    const duplicate = await failure(octokit.rest.issues.createLabel({ owner, repo, name: 'PostMortem' }))
    expect(duplicate.status).toBe(422)
    expect(duplicate.response?.data).toEqual({
      message: 'Validation Failed',
      errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
      documentation_url: 'https://docs.github.com/rest/issues/labels#create-a-label',
      status: '422',
    })
    const badColor = await failure(octokit.rest.issues.createLabel({ owner, repo, name: 'x', color: '#fff' }))
    expect(badColor.response?.data).toMatchObject({
      errors: [{ resource: 'Label', code: 'invalid', field: 'color' }],
    })

    const labels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { owner, repo, per_page: 4 })
    expect(labels.map((l) => l.name)).toContain('postmortem')
    expect(labels).toHaveLength(10) // GitHub's nine defaults and ours
    expect(server.requests.filter((r) => r.path.endsWith('/labels') && r.method === 'GET')).toHaveLength(3)
    expect(server.violations).toEqual([])
  })
})

describe('request validation', () => {
  it('answers 422 for a body that does not match the OpenAPI description and records a violation', async () => {
    server.seedIssue(`${owner}/${repo}`, { title: 'x' })
    const error = await failure(
      octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner,
        repo,
        issue_number: 1,
        state: 'done',
      } as never),
    )
    expect(error.status).toBe(422)
    expect(error.message).toContain(`For 'properties/state', "done" is not a member of enum.`)
    expect(server.violations).toEqual([
      {
        method: 'PATCH',
        path: `/repos/${owner}/${repo}/issues/1`,
        operationId: 'issues/update',
        errors: [expect.stringContaining('body/state must be equal to one of the allowed values')],
      },
    ])
    expect(server.issues()[0]?.state).toBe('open')

    const noTitle = await failure(
      octokit.request('POST /repos/{owner}/{repo}/issues', { owner, repo } as never),
    )
    expect(noTitle.message).toContain(`"title" wasn't supplied.`)
  })

  it('records bad path and query parameters, unknown parameters and unknown operations', async () => {
    const text = await failure(octokit.request(`GET /repos/${owner}/${repo}/issues/abc`))
    expect(text.status).toBe(404)
    const state = await failure(
      octokit.request('GET /repos/{owner}/{repo}/issues', { owner, repo, state: 'done' as never }),
    )
    expect(state.status).toBe(422)
    await octokit.request('GET /repos/{owner}/{repo}/issues', { owner, repo, per_pag: 100 })
    await octokit
      .request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner,
        repo,
        issue_number: 1,
        titel: 'typo',
      })
      .catch(() => {})
    const unknown = await failure(
      octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}', { owner, repo, issue_number: 1 }),
    )
    expect(unknown.status).toBe(404)
    expect(server.violations.map((v) => v.errors[0])).toEqual([
      expect.stringMatching(/^params\/issue_number must be integer/),
      expect.stringMatching(/^params\/state must be equal to one of the allowed values/),
      'query parameter per_pag is not defined',
      'body property titel is not defined',
      `DELETE /repos/${owner}/${repo}/issues/1 is not an operation this server serves`,
    ])
  })

  it('catches a response that does not match the description (a bug in the fake)', async () => {
    await start({ onInvalidResponse: 'record' })
    server.seedIssue(`${owner}/${repo}`, { title: 'x', state: 'closed', state_reason: 'bogus' as never })
    const error = await failure(octokit.rest.issues.get({ owner, repo, issue_number: 1 }))
    expect(error.status).toBe(500)
    expect(server.responseErrors).toEqual([
      expect.objectContaining({
        operationId: 'issues/get',
        status: 200,
        errors: [expect.stringContaining('/state_reason')],
      }),
    ])
    ;(server.responseErrors as unknown[]).length = 0
  })
})

describe('fault injection', () => {
  it('secondary limit: 403 with retry-after, then the throttling plugin retries', async () => {
    const fault = server.fail({ method: 'GET', path: /\/issues$/, kind: 'secondary-limit' })
    const error = await failure(octokit.rest.issues.listForRepo({ owner, repo }))
    expect(error.status).toBe(403)
    expect(error.message).toMatch(/^You have exceeded a secondary rate limit/)
    expect(error.response?.headers['retry-after']).toBe('1')
    expect(error.response?.headers['x-ratelimit-remaining']).not.toBe('0')
    expect(fault).toMatchObject({ hits: 1, remaining: 0 })

    server.fail({ method: 'GET', path: /\/issues$/, kind: 'secondary-limit', retryAfter: 0.05, times: 2 })
    const waits: number[] = []
    const throttled = new Octokit({
      auth: 'test-token',
      baseUrl: server.baseUrl,
      log: silent,
      throttle: {
        id: 'secondary-test',
        onRateLimit: () => false,
        onSecondaryRateLimit: (after: number) => {
          waits.push(after)
          return true
        },
      },
    })
    const { status } = await throttled.rest.issues.listForRepo({ owner, repo })
    expect(status).toBe(200)
    expect(waits).toEqual([0.05, 0.05])
  })

  it('primary limit: 403/429 with x-ratelimit-remaining 0 until x-ratelimit-reset', async () => {
    let clock = Date.now()
    await start({ now: () => clock })
    server.fail({ path: /\/issues$/, kind: 'primary-limit', resetAfter: 30 })
    const error = await failure(octokit.rest.issues.listForRepo({ owner, repo }))
    expect(error.status).toBe(403)
    expect(error.response?.data).toMatchObject({ message: 'API rate limit exceeded for user ID 1.' })
    expect(error.response?.headers['x-ratelimit-remaining']).toBe('0')
    const reset = Number(error.response?.headers['x-ratelimit-reset'])
    expect(reset - clock / 1000).toBeGreaterThan(29)
    expect(reset - clock / 1000).toBeLessThanOrEqual(31)
    // Every request of that token is limited until the reset.
    expect((await failure(octokit.rest.repos.get({ owner, repo }))).status).toBe(403)

    const waits: number[] = []
    const throttled = new Octokit({
      auth: 'test-token',
      baseUrl: server.baseUrl,
      log: silent,
      throttle: {
        id: 'primary-test',
        retryAfterBaseValue: 1,
        onSecondaryRateLimit: () => false,
        onRateLimit: (after: number) => {
          waits.push(after)
          clock = reset * 1000 // the fake clock jumps to the reset
          return true
        },
      },
    })
    expect((await throttled.rest.issues.listForRepo({ owner, repo })).status).toBe(200)
    expect(waits).toHaveLength(1)

    server.fail({ path: /\/issues$/, kind: 'primary-limit', status: 429 })
    expect((await failure(octokit.rest.issues.listForRepo({ owner, repo }))).status).toBe(429)
  })

  it('bad gateway after create: the issue exists, and a blind retry duplicates it', async () => {
    server.fail({ method: 'POST', path: /\/issues$/, kind: 'bad-gateway-after-create' })
    const error = await failure(octokit.rest.issues.create({ owner, repo, title: 'once' }))
    expect(error.status).toBe(502)
    expect(server.issues().map((i) => i.title)).toEqual(['once'])

    server.fail({ method: 'POST', path: /\/issues$/, kind: 'bad-gateway-after-create' })
    const retrying = new Octokit({
      auth: 'test-token',
      baseUrl: server.baseUrl,
      log: silent,
      retry: { retryAfterBaseValue: 1 },
      throttle: { enabled: false },
    })
    await retrying.rest.issues.create({ owner, repo, title: 'twice' })
    expect(server.issues().filter((i) => i.title === 'twice')).toHaveLength(2)
  })

  it('reset: the connection drops with no answer, optionally after the write', async () => {
    server.fail({ method: 'POST', path: /\/issues$/, kind: 'reset' })
    const before = await failure(octokit.rest.issues.create({ owner, repo, title: 'lost' }))
    expect(before.status).toBe(500) // Octokit's status for a network failure
    expect(server.issues()).toEqual([])

    server.fail({ method: 'POST', path: /\/issues$/, kind: 'reset', afterWrite: true })
    await failure(octokit.rest.issues.create({ owner, repo, title: 'kept' }))
    expect(server.issues().map((i) => i.title)).toEqual(['kept'])
    expect(server.requests.map((r) => r.status)).toEqual([null, null])
  })

  it('server error and unprocessable: 500 and a custom 422 body', async () => {
    server.fail({ method: 'PATCH', kind: 'server-error', times: 2 })
    server.seedIssue(`${owner}/${repo}`, { title: 'x' })
    const error = await failure(octokit.rest.issues.update({ owner, repo, issue_number: 1, title: 'y' }))
    expect(error.status).toBe(500)
    const retrying = new Octokit({
      auth: 'test-token',
      baseUrl: server.baseUrl,
      log: silent,
      retry: { retryAfterBaseValue: 1 },
      throttle: { enabled: false },
    })
    expect((await retrying.rest.issues.update({ owner, repo, issue_number: 1, title: 'y' })).data.title).toBe(
      'y',
    )

    const body = {
      message: 'Validation Failed',
      errors: [{ resource: 'Issue', field: 'body', code: 'custom', message: 'body is too long' }],
      documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
      status: '422',
    }
    server.fail({ method: 'POST', kind: 'unprocessable', body })
    const unprocessable = await failure(octokit.rest.issues.create({ owner, repo, title: 'z' }))
    expect(unprocessable.status).toBe(422)
    expect(unprocessable.response?.data).toEqual(body)
    expect(server.violations).toEqual([])
  })

  it('hang: no answer until the client gives up', async () => {
    server.fail({ method: 'GET', kind: 'hang' })
    const error = await failure(
      octokit.rest.issues.listForRepo({ owner, repo, request: { signal: AbortSignal.timeout(50) } }),
    )
    expect(error.message).toMatch(/abort|timeout/i)
  })

  it('failAfter and onWrite: a client "killed" after its second create', async () => {
    const events: Array<[number, string | undefined]> = []
    server.onWrite((event) => events.push([event.count, event.issue?.title]))
    const cutOff = server.failAfter(2, { match: { method: 'POST', path: /\/issues$/ } })
    await octokit.rest.issues.create({ owner, repo, title: 'one' })
    expect(cutOff.triggered).toBe(false)
    await octokit.rest.issues.create({ owner, repo, title: 'two' })
    expect(cutOff.triggered).toBe(true)
    await failure(octokit.rest.issues.create({ owner, repo, title: 'three' }))
    await failure(octokit.rest.issues.listForRepo({ owner, repo }))
    expect(server.issues().map((i) => i.title)).toEqual(['one', 'two'])
    expect(events).toEqual([
      [1, 'one'],
      [2, 'two'],
    ])

    cutOff.cancel() // the re-run
    server.resetRecording()
    const { data } = await octokit.rest.issues.listForRepo({ owner, repo, state: 'all' })
    expect(data.map((i) => i.title)).toEqual(['two', 'one'])
    expect(server.writes()).toBe(0)
  })
})
