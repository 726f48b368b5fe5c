import type { ItemKey } from './marker.js'
import { readBody, withBlock } from './marker.js'

/** What the record says an action item's issue should be. */
export interface DesiredIssue {
  key: ItemKey
  incidentId: string
  actionId: string
  title: string
  /** The generated text inside the tool's block. */
  content: string
  labels: string[]
  /** Set on create only: people may reassign an issue afterwards. */
  assignees: string[]
  /** `open`/`in_progress` items want an open issue; `done`/`not_doing` a closed one (or none). */
  status: 'open' | 'in_progress' | 'done' | 'not_doing'
  /** The issue number written back by an earlier sync, if any: a hint, verified by the marker. */
  recorded?: number
}

/** An issue as the tracker reports it. */
export interface ExistingIssue {
  number: number
  url: string
  title: string
  body: string
  labels: string[]
  state: 'open' | 'closed'
  stateReason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null
}

/** The fields an update sends. */
export interface IssuePatch {
  title?: string
  body?: string
  labels?: string[]
  state?: 'open' | 'closed'
  stateReason?: 'completed' | 'not_planned' | 'reopened'
}

/** One decision of the plan. */
export type PlanStep =
  | { kind: 'create'; desired: DesiredIssue; body: string }
  | { kind: 'update' | 'close' | 'reopen'; desired: DesiredIssue; issue: ExistingIssue; patch: IssuePatch }
  | { kind: 'unchanged'; desired: DesiredIssue; issue: ExistingIssue }
  /** `done`/`not_doing` items that never had an issue get none. */
  | { kind: 'skip'; desired: DesiredIssue; reason: string }
  /** With `pull`: the issue was closed on GitHub while the record still has the item open. */
  | { kind: 'pull'; desired: DesiredIssue; issue: ExistingIssue; status: 'done' | 'not_doing' }

/** Issues left alone, with why: duplicates of the same item, ambiguous markers. */
export interface PlanWarning {
  issue: number
  message: string
}

/** What a sync would do: a step per action item, and the issues it leaves alone with why. */
export interface Plan {
  steps: PlanStep[]
  warnings: PlanWarning[]
}

/** Label prefixes the tool owns: a stale one (severity changed) is removed, others are kept. */
export const ownedLabelPrefixes = ['severity:', 'priority:'] as const

const wantsOpen = (d: DesiredIssue) => d.status === 'open' || d.status === 'in_progress'

function labelsFor(issue: ExistingIssue, desired: DesiredIssue): string[] {
  const kept = issue.labels.filter(
    (l) => desired.labels.includes(l) || !ownedLabelPrefixes.some((p) => l.startsWith(p)),
  )
  for (const l of desired.labels) if (!kept.includes(l)) kept.push(l)
  return kept
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x))

/**
 * Decides, for every action item, what to do with its issue. Pure: no network, no clock.
 *
 * Issues are matched by the marker in the tool's block (never by title or label); among several
 * issues for one item the oldest wins and the others are reported, untouched. Issues whose marker is
 * ambiguous are never touched. An update is planned only when title, block, owned labels or state
 * differ; text outside the block and labels people added are kept.
 *
 * @param desired - What the records want, from `desiredIssues`.
 * @param existing - The issues there are, e.g. from an `IssueTracker`'s `list()`.
 * @param options - `pull`: an issue closed on GitHub marks its open item done (GitHub wins).
 * @returns A step per desired issue, and warnings about issues left alone.
 *
 * @example
 * ```ts
 * const plan = planSync(desiredIssues(incidents, config, templates), await tracker.list())
 * for (const step of plan.steps) console.log(step.kind, step.desired.key)
 * ```
 */
export function planSync(
  desired: readonly DesiredIssue[],
  existing: readonly ExistingIssue[],
  options: { pull?: boolean } = {},
): Plan {
  const warnings: PlanWarning[] = []
  const byKey = new Map<ItemKey, ExistingIssue>()
  for (const issue of [...existing].sort((a, b) => a.number - b.number)) {
    const found = readBody(issue.body)
    if (found.kind === 'ambiguous') {
      warnings.push({ issue: issue.number, message: `left alone: ${found.reason}` })
      continue
    }
    if (found.kind === 'none') continue
    const first = byKey.get(found.key)
    if (first)
      warnings.push({
        issue: issue.number,
        message: `duplicate of #${first.number} for ${found.key}; left alone (close it by hand)`,
      })
    else byKey.set(found.key, issue)
  }

  const steps: PlanStep[] = desired.map((d): PlanStep => {
    const issue = byKey.get(d.key)
    if (!issue) {
      if (!wantsOpen(d))
        return { kind: 'skip', desired: d, reason: `item is ${d.status.replace('_', ' ')} and has no issue` }
      return { kind: 'create', desired: d, body: withBlock('', d.key, d.content) }
    }
    if (options.pull && issue.state === 'closed' && wantsOpen(d))
      return {
        kind: 'pull',
        desired: d,
        issue,
        status: issue.stateReason === 'not_planned' ? 'not_doing' : 'done',
      }

    const patch: IssuePatch = {}
    if (issue.title !== d.title) patch.title = d.title
    const body = withBlock(issue.body, d.key, d.content)
    if (body !== issue.body.replace(/\r\n/g, '\n')) patch.body = body
    const labels = labelsFor(issue, d)
    if (!sameSet(labels, issue.labels)) patch.labels = labels

    if (wantsOpen(d) && issue.state === 'closed')
      return {
        kind: 'reopen',
        desired: d,
        issue,
        patch: { ...patch, state: 'open', stateReason: 'reopened' },
      }
    if (!wantsOpen(d) && issue.state === 'open')
      return {
        kind: 'close',
        desired: d,
        issue,
        patch: { ...patch, state: 'closed', stateReason: d.status === 'done' ? 'completed' : 'not_planned' },
      }
    if (!wantsOpen(d)) return { kind: 'unchanged', desired: d, issue } // closed stays closed, as people left it
    return Object.keys(patch).length === 0
      ? { kind: 'unchanged', desired: d, issue }
      : { kind: 'update', desired: d, issue, patch }
  })
  return { steps, warnings }
}

/** Counts per kind, for the `create 12, update 1, …` summary. */
export function planCounts(plan: Plan): Record<PlanStep['kind'], number> {
  const counts = { create: 0, update: 0, close: 0, reopen: 0, unchanged: 0, skip: 0, pull: 0 }
  for (const step of plan.steps) counts[step.kind]++
  return counts
}
