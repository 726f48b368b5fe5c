import Bottleneck from 'bottleneck'
import { Octokit } from 'octokit'
import { PostmortemError } from '../errors.js'
import type { ExistingIssue, IssuePatch } from './plan.js'

/** Where issues live and how to reach them. */
export interface TrackerOptions {
  token: string
  /** `owner/name`. */
  repo: string
  /** `https://api.github.com`, or a GitHub Enterprise `https://host/api/v3`. */
  baseUrl: string
  /** The label that marks managed issues. */
  label: string
  userAgent: string
  /** Milliseconds between writes and between creates (GitHub asks for ≥ 1 s and ≥ 3 s). */
  spacing?: { write: number; create: number }
  /** Milliseconds per second of `retry-after` and per step of the retry backoff (default 1000; tests shrink it). */
  retryBaseMs?: number
  /** Per-request time limit (default 30 s). */
  requestTimeoutMs?: number
  /** Aborts everything when the whole run's time is up. */
  signal?: AbortSignal
}

/** A failure talking to GitHub, with a message that says what to do. Exit code 3; never carries the token. */
export class GitHubError extends PostmortemError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message, { exitCode: 3 })
    this.name = 'GitHubError'
  }
}

/** The side effects of a sync, behind a small interface (tests and other trackers implement it too). */
export interface IssueTracker {
  /** Every issue with the managed label, in every state, every page; pull requests left out. */
  list(): Promise<ExistingIssue[]>
  get(number: number): Promise<ExistingIssue | undefined>
  /** Creates an issue. Never retried here: the caller re-lists before trying again. */
  create(input: {
    title: string
    body: string
    labels: string[]
    assignees: string[]
  }): Promise<ExistingIssue>
  update(number: number, patch: IssuePatch): Promise<ExistingIssue>
  /** Creates the labels that do not exist yet (an `already_exists` answer counts as done). */
  ensureLabels(names: readonly string[]): Promise<void>
  /** Requests sent so far. */
  readonly requests: number
}

interface RawIssue {
  number: number
  html_url: string
  title: string
  body?: string | null
  labels: Array<string | { name?: string }>
  state: string
  state_reason?: string | null
  pull_request?: unknown
}

function toIssue(raw: RawIssue): ExistingIssue {
  return {
    number: raw.number,
    url: raw.html_url,
    title: raw.title,
    body: raw.body ?? '',
    labels: raw.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== ''),
    state: raw.state === 'closed' ? 'closed' : 'open',
    stateReason: (raw.state_reason ?? null) as ExistingIssue['stateReason'],
  }
}

const colours: Record<string, string> = { postmortem: '5319e7', severity: 'b60205', priority: 'fbca04' }

/**
 * Turns an Octokit failure into a GitHubError that says what to do. Octokit errors carry the request
 * headers, including `authorization`: only the status and GitHub's message are kept.
 */
export function gitHubError(error: unknown, what: string): GitHubError {
  const e = error as {
    status?: number
    message?: string
    response?: { headers?: Record<string, string>; data?: { message?: string } }
  }
  // Note: Octokit reports a request that got no answer (refused, reset, timed out) as status 500
  // without a response; its message is the network error's, which names no header.
  if (!e.response) {
    const name = (error as Error)?.name
    const reason =
      name === 'AbortError' || name === 'TimeoutError'
        ? 'timed out'
        : `could not reach GitHub${e.message ? ` (${e.message})` : ''}`
    return new GitHubError(`${what}: ${reason}. Check GITHUB_API_URL and the network, then run again.`)
  }
  const status = e.status
  const message = e.response.data?.message ?? ''
  const headers = e.response.headers ?? {}
  if (status === 401)
    return new GitHubError(`${what}: GitHub rejected the token (401 ${message}). Check GITHUB_TOKEN.`, status)
  if ((status === 403 || status === 429) && headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset'])
    const until = Number.isFinite(reset) ? new Date(reset * 1000).toISOString().slice(11, 16) : 'later'
    return new GitHubError(
      `${what}: rate limited by GitHub until ${until} UTC. Run again after that.`,
      status,
    )
  }
  if (status === 403)
    return new GitHubError(
      `${what}: forbidden (403 ${message}). The token needs the \`issues: write\` permission on the repository.`,
      status,
    )
  if (status === 404)
    return new GitHubError(
      `${what}: not found (404). Check the repository name and that the token can see it.`,
      status,
    )
  if (status !== undefined && status >= 500)
    return new GitHubError(
      `${what}: GitHub failed (${status} ${message}). Run again later; the sync picks up where it stopped.`,
      status,
    )
  return new GitHubError(`${what}: GitHub answered ${status ?? 'without a status'} ${message}`.trim(), status)
}

/**
 * The IssueTracker on GitHub's REST API through Octokit, with the throttling plugin (GitHub's write
 * spacing, `retry-after`, `x-ratelimit-reset`) and the retry plugin (5xx with backoff) — except for
 * creates, which are never blindly retried: a create that GitHub performed but answered with a 502
 * would become a duplicate.
 *
 * @param options - Token, repository, API URL, the managed label (`managedLabel`) and limits.
 * @returns The tracker; its methods throw `GitHubError`, whose message says what to do and never
 *   carries the token.
 */
export function octokitTracker(options: TrackerOptions): IssueTracker {
  const [owner, repo] = options.repo.split('/') as [string, string]
  let requests = 0
  const spacing = options.spacing ?? { write: 1000, create: 3000 }
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: options.userAgent,
    throttle: {
      // Rate limits: wait as GitHub says and try again, a few times.
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 3,
      onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 3,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing.write }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing.create }),
    },
    retry: {
      retries: 3,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      doNotRetry: [400, 401, 403, 404, 410, 422, 451],
    },
  })
  octokit.hook.before('request', () => {
    requests++
  })
  const timeout = options.requestTimeoutMs ?? 30_000
  const signal = () =>
    options.signal
      ? AbortSignal.any([options.signal, AbortSignal.timeout(timeout)])
      : AbortSignal.timeout(timeout)
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      throw gitHubError(error, what)
    }
  }

  return {
    get requests() {
      return requests
    },
    list: () =>
      call('listing issues', async () => {
        const all = (await octokit.paginate(octokit.rest.issues.listForRepo, {
          owner,
          repo,
          labels: options.label,
          state: 'all',
          per_page: 100,
          request: { signal: signal() },
        })) as RawIssue[]
        return all.filter((i) => !i.pull_request).map(toIssue)
      }),
    get: (number) =>
      call(`reading issue #${number}`, async () => {
        try {
          const { data } = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
            owner,
            repo,
            issue_number: number,
            request: { signal: signal() },
          })
          return (data as RawIssue).pull_request ? undefined : toIssue(data as RawIssue)
        } catch (error) {
          if ((error as { status?: number }).status === 404 || (error as { status?: number }).status === 410)
            return undefined
          throw error
        }
      }),
    create: (input) =>
      call('creating an issue', async () => {
        const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues', {
          owner,
          repo,
          title: input.title,
          body: input.body,
          labels: input.labels,
          ...(input.assignees.length > 0 && { assignees: input.assignees }),
          request: { signal: signal(), retries: 0 },
        })
        return toIssue(data as RawIssue)
      }),
    update: (number, patch) =>
      call(`updating issue #${number}`, async () => {
        const { data } = await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
          owner,
          repo,
          issue_number: number,
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.body !== undefined && { body: patch.body }),
          ...(patch.labels !== undefined && { labels: patch.labels }),
          ...(patch.state !== undefined && { state: patch.state }),
          ...(patch.stateReason !== undefined && { state_reason: patch.stateReason }),
          request: { signal: signal() },
        })
        return toIssue(data as RawIssue)
      }),
    ensureLabels: (names) =>
      call('creating labels', async () => {
        const existing = (await octokit.paginate(octokit.rest.issues.listLabelsForRepo, {
          owner,
          repo,
          per_page: 100,
          request: { signal: signal() },
        })) as Array<{ name: string }>
        const have = new Set(existing.map((l) => l.name.toLowerCase()))
        for (const name of names) {
          if (have.has(name.toLowerCase())) continue
          try {
            await octokit.request('POST /repos/{owner}/{repo}/labels', {
              owner,
              repo,
              name,
              color: colours[name.split(':')[0]!] ?? 'ededed',
              description: 'Managed by postmortem',
              request: { signal: signal() },
            })
          } catch (error) {
            // Another run (or a person) created it meanwhile: that is what we wanted.
            const e = error as {
              status?: number
              response?: { data?: { errors?: Array<{ code?: string }> } }
            }
            if (!(e.status === 422 && e.response?.data?.errors?.some((x) => x.code === 'already_exists')))
              throw error
          }
        }
      }),
  }
}
