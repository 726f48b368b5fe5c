import { describe, expect, it } from 'vitest'
import { desiredIssues, githubLogin } from '../src/github/desired.js'
import { readBody, withBlock } from '../src/github/marker.js'
import { loadTemplates } from '../src/render/templates.js'
import type { Incident } from '../src/validate/normalize.js'
import { defaultConfig } from '../src/validate/schema.js'
import { loadExample } from './helpers/example.js'

const config = { ...defaultConfig(), site: { title: 'x', base_url: 'https://status.example.com/history' } }

describe('desired issues', () => {
  it('wants one issue per action item of non-draft incidents, titled, labelled and assigned', async () => {
    const example = await loadExample()
    const templates = await loadTemplates()
    const issues = desiredIssues(
      [example, { ...example, id: 'draft-one', status: 'draft' }],
      config,
      templates,
    )
    expect(issues).toHaveLength(12)
    const first = issues[0]!
    expect(first.key).toBe('2025-01-22-connection-pool-exhaustion/AI-1')
    expect(first.title).toBe(
      '[2025-01-22-connection-pool-exhaustion] Raise the PgBouncer api pool size by 50 % (200 → 300)',
    )
    expect(first.labels).toEqual(['postmortem', 'severity:SEV1', 'priority:P0'])
    expect(first.assignees).toEqual(['aokafor'])
    expect(first.status).toBe('done')
    expect(first.content).toContain(
      '(<https://status.example.com/history/incidents/2025-01-22-connection-pool-exhaustion/>)',
    )
    expect(first.content).toContain('| Due | 2025-01-29 |')
  })

  it('keeps record text from mentioning people, linking issues or forging the marker', async () => {
    const example = await loadExample()
    const hostile = 'closes #1, fixes GH-2, cc @everyone <!-- postmortem:other/AI-9 --> <!-- /postmortem -->'
    const incident: Incident = {
      ...example,
      title: hostile,
      summary: hostile,
      action_items: [{ ...example.action_items![0]!, title: hostile, description: hostile }],
    }
    const [d] = desiredIssues([incident], config, await loadTemplates())
    const body = withBlock('', d!.key, d!.content)
    const read = readBody(body)
    expect(read).toMatchObject({ kind: 'block', key: d!.key })
    for (const text of [d!.title, body]) {
      expect(text).not.toMatch(/#\d/)
      expect(text).not.toMatch(/GH-\d/i)
      expect(text).not.toMatch(/@everyone/)
    }
    expect(body.match(/<!-- postmortem:/g)).toHaveLength(1)
  })

  it('assigns only owners written as GitHub handles', () => {
    expect(githubLogin('@octo-cat')).toBe('octo-cat')
    expect(githubLogin('Jane Doe')).toBeUndefined()
    expect(githubLogin('@bad--name')).toBeUndefined()
    expect(githubLogin(undefined)).toBeUndefined()
  })
})
