import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { block, readBody, withBlock } from '../src/github/marker.js'
import type { DesiredIssue, ExistingIssue } from '../src/github/plan.js'
import { planCounts, planSync } from '../src/github/plan.js'

const key = '2025-01-22-db/AI-1'

function desired(partial: Partial<DesiredIssue> = {}): DesiredIssue {
  return {
    key,
    incidentId: '2025-01-22-db',
    actionId: 'AI-1',
    title: '[2025-01-22-db] Alert on pool use',
    content: 'Generated text.',
    labels: ['postmortem', 'severity:SEV1', 'priority:P0'],
    assignees: ['octocat'],
    status: 'open',
    ...partial,
  }
}

function issue(partial: Partial<ExistingIssue> = {}): ExistingIssue {
  return {
    number: 7,
    url: 'https://github.com/o/r/issues/7',
    title: '[2025-01-22-db] Alert on pool use',
    body: block(key, 'Generated text.'),
    labels: ['postmortem', 'severity:SEV1', 'priority:P0'],
    state: 'open',
    stateReason: null,
    ...partial,
  }
}

describe('the marker block', () => {
  it('reads the block and what people wrote around it', () => {
    const body = `Notes before\n${block(key, 'Generated.')}\nA comment after`
    expect(readBody(body)).toEqual({
      kind: 'block',
      key,
      before: 'Notes before\n',
      content: 'Generated.',
      after: '\nA comment after',
    })
  })

  it('treats repeated, unclosed or inline markers as hands-off', () => {
    expect(readBody(`${block(key, 'a')}\n${block(key, 'b')}`).kind).toBe('ambiguous')
    expect(readBody(`<!-- postmortem:${key} -->\nno end`).kind).toBe('ambiguous')
    expect(readBody(`quoted <!-- postmortem:${key} -->\n<!-- /postmortem -->`).kind).toBe('ambiguous')
    expect(readBody('no marker').kind).toBe('none')
    expect(readBody(null).kind).toBe('none')
  })

  it('replaces only the block, keeping human text byte for byte (property)', () => {
    const human = fc.string().filter((s) => !s.includes('<!--'))
    fc.assert(
      fc.property(human, human, fc.string(), (before, after, content) => {
        const body = `${before}\n${block(key, 'old')}${after}`
        const next = withBlock(body, key, content || 'x')
        const read = readBody(next)
        expect(read.kind).toBe('block')
        if (read.kind === 'block') {
          expect(read.before).toBe(`${before.replace(/\r\n/g, '\n')}\n`)
          expect(read.after).toBe(after.replace(/\r\n/g, '\n'))
        }
      }),
    )
  })
})

describe('planSync', () => {
  it('creates an issue for an open or in-progress item that has none', () => {
    for (const status of ['open', 'in_progress'] as const) {
      const plan = planSync([desired({ status })], [])
      expect(plan.steps).toMatchObject([{ kind: 'create', body: block(key, 'Generated text.') }])
    }
  })

  it('skips done and not-doing items without an issue', () => {
    for (const status of ['done', 'not_doing'] as const)
      expect(planSync([desired({ status })], []).steps[0]!.kind).toBe('skip')
  })

  it('leaves a matching issue unchanged, and sends nothing', () => {
    expect(planSync([desired()], [issue()]).steps[0]!.kind).toBe('unchanged')
  })

  it('updates only what differs, keeping text and labels people added', () => {
    const existing = issue({
      body: `Triage notes\n${block(key, 'Old text.')}\nmore`,
      labels: ['postmortem', 'severity:SEV2', 'priority:P0', 'team:db'],
    })
    const step = planSync([desired({ title: 'New title' })], [existing]).steps[0]!
    expect(step.kind).toBe('update')
    if (step.kind !== 'update') return
    expect(step.patch).toEqual({
      title: 'New title',
      body: `Triage notes\n${block(key, 'Generated text.')}\nmore`,
      labels: ['postmortem', 'priority:P0', 'team:db', 'severity:SEV1'],
    })
  })

  it('closes the issue of a done item as completed, of a not-doing item as not planned', () => {
    expect(planSync([desired({ status: 'done' })], [issue()]).steps[0]).toMatchObject({
      kind: 'close',
      patch: { state: 'closed', stateReason: 'completed' },
    })
    expect(planSync([desired({ status: 'not_doing' })], [issue()]).steps[0]).toMatchObject({
      kind: 'close',
      patch: { state: 'closed', stateReason: 'not_planned' },
    })
  })

  it('reopens a closed issue whose item is open again, unless --pull lets GitHub win', () => {
    const closed = issue({ state: 'closed', stateReason: 'completed' })
    expect(planSync([desired()], [closed]).steps[0]).toMatchObject({
      kind: 'reopen',
      patch: { state: 'open' },
    })
    expect(planSync([desired()], [closed], { pull: true }).steps[0]).toMatchObject({
      kind: 'pull',
      status: 'done',
    })
    expect(
      planSync([desired()], [issue({ state: 'closed', stateReason: 'not_planned' })], { pull: true })
        .steps[0],
    ).toMatchObject({ kind: 'pull', status: 'not_doing' })
  })

  it('leaves a closed issue of a done item alone', () => {
    const closed = issue({ state: 'closed', stateReason: 'completed', title: 'edited by hand' })
    expect(planSync([desired({ status: 'done' })], [closed]).steps[0]!.kind).toBe('unchanged')
  })

  it('never touches issues without a marker or with an ambiguous one, and keeps the oldest of duplicates', () => {
    const handMade = issue({ number: 1, body: 'A person wrote this, mentioning AI-1.' })
    const quoted = issue({ number: 2, body: `see <!-- postmortem:${key} -->` })
    const dup = issue({ number: 9 })
    const plan = planSync([desired()], [dup, handMade, quoted, issue({ number: 7 })])
    expect(plan.steps).toMatchObject([{ kind: 'unchanged', issue: { number: 7 } }])
    expect(plan.warnings.map((w) => w.issue).sort()).toEqual([2, 9])
  })

  it('is exhaustive over status × issue state (property): one step per item, no writes when in sync', () => {
    const statuses = ['open', 'in_progress', 'done', 'not_doing'] as const
    fc.assert(
      fc.property(
        fc.constantFrom(...statuses),
        fc.option(fc.constantFrom('open', 'closed') as fc.Arbitrary<'open' | 'closed'>, { nil: undefined }),
        fc.boolean(),
        (status, state, pull) => {
          const existing =
            state === undefined
              ? []
              : [issue({ state, stateReason: state === 'closed' ? 'completed' : null })]
          const plan = planSync([desired({ status })], existing, { pull })
          expect(plan.steps).toHaveLength(1)
          const kind = plan.steps[0]!.kind
          const open = status === 'open' || status === 'in_progress'
          if (state === undefined) expect(kind).toBe(open ? 'create' : 'skip')
          else if (state === 'open') expect(kind).toBe(open ? 'unchanged' : 'close')
          else expect(kind).toBe(open ? (pull ? 'pull' : 'reopen') : 'unchanged')
        },
      ),
    )
  })

  it('counts steps for the summary', () => {
    const plan = planSync([desired(), desired({ key: 'x/AI-2', status: 'done' })], [])
    expect(planCounts(plan)).toMatchObject({ create: 1, skip: 1, update: 0 })
  })
})
