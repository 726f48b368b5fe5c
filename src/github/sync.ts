import type { ProgressCallback } from '../progress.js'
import type { Templates } from '../render/templates.js'
import type { Config } from '../validate/schema.js'
import type { SyncIncident } from './desired.js'
import { desiredIssues } from './desired.js'
import { readBody } from './marker.js'
import type { IssueTracker } from './octokit-tracker.js'
import { GitHubError } from './octokit-tracker.js'
import type { DesiredIssue, ExistingIssue, Plan, PlanStep } from './plan.js'
import { planSync } from './plan.js'

/** What a sync writes back into one action item of a record. */
export interface WriteBack {
  incidentId: string
  actionId: string
  issue?: { number: number; url: string; state: 'open' | 'closed'; synced_at: string }
  /** With `--pull`: the item's new status (and a reason for `not_doing`). */
  status?: 'done' | 'not_doing'
  not_doing_reason?: string
}

/** Options of `syncIssues`. */
export interface SyncOptions {
  /** Validated incidents (whole, or what `syncIncident` keeps of them); drafts are left out. */
  incidents: readonly SyncIncident[]
  config: Config
  /** Templates with `issue.md`, from `loadTemplates`. */
  templates: Templates
  /** Where issues live: `octokitTracker(…)`, or your own implementation. */
  tracker: IssueTracker
  /** Plan only; send no write. */
  dryRun?: boolean
  /** Let GitHub win: an issue closed there marks its open item done (or not doing). */
  pull?: boolean
  /** ISO time written as `synced_at` (a parameter: tests and reproducible runs). */
  now: string
  /** Called after every step that changes what a record should say, so progress survives a crash. */
  writeBack?: (change: WriteBack) => Promise<void>
  /** Reports each applied step (for progress output). */
  onStep?: (step: PlanStep, result: 'done' | 'failed', message?: string) => void
  /**
   * Called with stage `sync` before the first change and after each (applied or failed): `total` counts
   * the steps that change something (create, update, close, reopen, pull). Not called with `dryRun`.
   */
  onProgress?: ProgressCallback
  /** Times a create is tried (after re-listing) before giving up on that item. */
  createAttempts?: number
}

/** Steps that change an issue or a record; `unchanged` and `skip` steps do not. */
const isChange = (step: PlanStep) => step.kind !== 'unchanged' && step.kind !== 'skip'

/** What happened. */
export interface SyncResult {
  plan: Plan
  /** Steps that failed, with why; the others were applied. */
  failures: Array<{ step: PlanStep; message: string }>
}

/**
 * Plans and (unless `dryRun`) applies the sync of SPEC §7. Writes are serial. A create that fails in
 * any way is followed by a fresh listing and a search for its marker before it is tried again, so a
 * create GitHub performed but did not confirm never becomes a duplicate.
 *
 * @param options - The incidents, configuration, templates, tracker and callbacks; see {@link SyncOptions}.
 * @returns The plan, and the steps that failed with why (the others were applied).
 * @throws `GitHubError` when listing fails, or on a 401/403 (a bad token or a missing permission
 *   fails every step alike, so the sync stops at the first); other failed steps are returned, not thrown.
 *
 * @example
 * ```ts
 * const tracker = octokitTracker({ token, repo: 'acme/incidents', baseUrl: 'https://api.github.com',
 *   label: managedLabel, userAgent: 'my-script' })
 * const { plan, failures } = await syncIssues({ incidents, config, templates, tracker,
 *   now: new Date().toISOString(), dryRun: true })
 * ```
 */
export async function syncIssues(options: SyncOptions): Promise<SyncResult> {
  const { tracker } = options
  const desired = desiredIssues(options.incidents, options.config, options.templates)
  const existing = await tracker.list()
  await addRecordedIssues(desired, existing, tracker)
  const plan = planSync(desired, existing, { pull: options.pull ?? false })
  const failures: SyncResult['failures'] = []
  if (options.dryRun) return { plan, failures }

  const needed = new Set(
    plan.steps.flatMap((s) =>
      s.kind === 'create' || s.kind === 'update' || s.kind === 'reopen' || s.kind === 'close'
        ? s.desired.labels
        : [],
    ),
  )
  if (needed.size > 0) await tracker.ensureLabels([...needed])

  const changes = plan.steps.filter(isChange).length
  let changed = 0
  options.onProgress?.(0, changes, 'sync')
  for (const step of plan.steps) {
    try {
      const { issue, note } = await apply(step, options)
      if (issue) await recordIssue(step.desired, issue, options)
      if (step.kind === 'pull')
        await options.writeBack?.({
          incidentId: step.desired.incidentId,
          actionId: step.desired.actionId,
          status: step.status,
          ...(step.status === 'not_doing' && {
            not_doing_reason: `Closed as not planned in issue #${step.issue.number}.`,
          }),
          issue: issueRecord(step.issue, options.now),
        })
      if (isChange(step)) options.onStep?.(step, 'done', note)
    } catch (error) {
      // A bad token or a missing permission fails every step alike: stop at the first.
      if (error instanceof GitHubError && (error.status === 401 || error.status === 403)) throw error
      const message = error instanceof Error ? error.message : String(error)
      failures.push({ step, message })
      options.onStep?.(step, 'failed', message)
    }
    if (isChange(step)) options.onProgress?.(++changed, changes, 'sync')
  }
  return { plan, failures }
}

/** Issues the records name whose label was removed by hand: found by number, kept only if their marker matches. */
async function addRecordedIssues(
  desired: readonly DesiredIssue[],
  existing: ExistingIssue[],
  tracker: IssueTracker,
): Promise<void> {
  const listed = new Set(existing.map((i) => i.number))
  const keys = new Set(
    existing.flatMap((i) => {
      const found = readBody(i.body)
      return found.kind === 'block' ? [found.key] : []
    }),
  )
  for (const d of desired) {
    if (d.recorded === undefined || listed.has(d.recorded) || keys.has(d.key)) continue
    const issue = await tracker.get(d.recorded)
    const found = issue ? readBody(issue.body) : undefined
    if (issue && found?.kind === 'block' && found.key === d.key) {
      existing.push(issue)
      listed.add(issue.number)
    }
  }
}

async function apply(
  step: PlanStep,
  options: SyncOptions,
): Promise<{ issue?: ExistingIssue; note?: string }> {
  const { tracker } = options
  switch (step.kind) {
    case 'create':
      return createOnce(step.desired, step.body, options)
    case 'update':
    case 'close':
    case 'reopen':
      return { issue: await tracker.update(step.issue.number, step.patch) }
    case 'unchanged':
      return { issue: step.issue }
    default:
      return {}
  }
}

/** Creates an issue exactly once: after any failure, re-list and look for the marker before retrying. */
async function createOnce(
  desired: DesiredIssue,
  body: string,
  options: SyncOptions,
): Promise<{ issue: ExistingIssue; note?: string }> {
  const attempts = options.createAttempts ?? 3
  let lastError: unknown
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      const found = (await options.tracker.list()).find((i) => {
        const read = readBody(i.body)
        return read.kind === 'block' && read.key === desired.key
      })
      if (found) return { issue: found }
      await new Promise((wait) => setTimeout(wait, 200 * 2 ** (attempt - 2)))
    }
    try {
      const issue = await options.tracker.create({
        title: desired.title,
        body,
        labels: desired.labels,
        assignees: desired.assignees,
      })
      return { issue }
    } catch (error) {
      if (
        error instanceof GitHubError &&
        error.status !== undefined &&
        error.status < 500 &&
        error.status !== 429
      ) {
        // An assignee GitHub refuses must not stop the item: create it unassigned and say so.
        if (error.status === 422 && desired.assignees.length > 0)
          return {
            issue: await options.tracker.create({
              title: desired.title,
              body,
              labels: desired.labels,
              assignees: [],
            }),
            note: `created unassigned: GitHub refused ${desired.assignees.map((a) => `@${a}`).join(', ')} as assignee`,
          }
        throw error
      }
      lastError = error
    }
  }
  throw lastError
}

function issueRecord(issue: ExistingIssue, now: string): NonNullable<WriteBack['issue']> {
  return { number: issue.number, url: issue.url, state: issue.state, synced_at: now }
}

/** Writes the issue into the record when the record does not already say exactly that. */
async function recordIssue(desired: DesiredIssue, issue: ExistingIssue, options: SyncOptions): Promise<void> {
  const incident = options.incidents.find((i) => i.id === desired.incidentId)
  const recorded = incident?.action_items?.find((a) => a.id === desired.actionId)?.issue
  if (
    recorded &&
    recorded.number === issue.number &&
    recorded.url === issue.url &&
    recorded.state === issue.state
  )
    return
  await options.writeBack?.({
    incidentId: desired.incidentId,
    actionId: desired.actionId,
    issue: issueRecord(issue, options.now),
  })
}
