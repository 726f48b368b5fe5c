import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { pinnedActions, workflowText } from '../src/init/workflow.js'

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
  id?: string
}
interface Job {
  if?: string
  needs?: string | string[]
  permissions?: Record<string, string>
  environment?: { name: string; url?: string }
  concurrency?: { group: string; 'cancel-in-progress': boolean }
  steps: Step[]
}
interface Workflow {
  on: { pull_request?: unknown; push?: { branches: string[] } }
  permissions: Record<string, string>
  concurrency: { group: string; 'cancel-in-progress': unknown }
  jobs: Record<string, Job>
}

const text = workflowText({ branch: 'main', incidents: 'incidents', out: 'dist' })
const workflow = parse(text) as Workflow
const jobs = Object.entries(workflow.jobs)
const steps = (job: string) => workflow.jobs[job]!.steps
const runs = (job: string) => steps(job).flatMap((s) => (s.run ? [s.run] : []))

describe('the generated GitHub Actions workflow', () => {
  it('runs on pull requests and on pushes to the default branch only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push'])
    expect(workflow.on.push).toEqual({ branches: ['main'] })
    expect(parse(workflowText({ branch: 'trunk', incidents: 'incidents', out: 'dist' })).on.push).toEqual({
      branches: ['trunk'],
    })
    expect(workflow.jobs.validate!.if).toBe("github.event_name == 'pull_request'")
    expect(workflow.jobs.build!.if).toBe("github.event_name == 'push'")
    expect(workflow.jobs.deploy!.needs).toBe('build')
    expect(workflow.jobs['sync-issues']!.needs).toBe('deploy')
  })

  it('grants nothing by default and each job only what it needs', () => {
    expect(workflow.permissions).toEqual({})
    const granted = Object.fromEntries(jobs.map(([name, job]) => [name, job.permissions]))
    expect(granted).toEqual({
      validate: { contents: 'read' },
      build: { contents: 'read', pages: 'read' },
      deploy: { pages: 'write', 'id-token': 'write' },
      'sync-issues': { contents: 'write', issues: 'write' },
    })
    // Jobs that do not push keep no credentials in the checkout.
    for (const job of ['validate', 'build'])
      expect(steps(job).find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toMatchObject({
        'persist-credentials': false,
      })
  })

  it('pins every action to a full commit, with the release in a comment', () => {
    const uses = jobs.flatMap(([, job]) => job.steps.flatMap((s) => (s.uses ? [s.uses] : [])))
    expect(uses.length).toBeGreaterThanOrEqual(8)
    for (const ref of uses) {
      expect(ref).toMatch(/^[\w-]+\/[\w.-]+(\/[\w.-]+)?@[0-9a-f]{40}$/)
      expect(text).toMatch(new RegExp(`uses: ${ref} # v\\d+\\.\\d+\\.\\d+\\n`))
    }
    const known = new Set<string>(Object.values(pinnedActions).map((a) => a.uses))
    for (const ref of uses) expect(known).toContain(ref)
  })

  it('never runs two syncs (or two deploys) at once', () => {
    expect(workflow.concurrency.group).toContain('github.event.pull_request.number || github.ref')
    expect(workflow.jobs['sync-issues']!.concurrency).toEqual({
      group: 'postmortem-issues-sync',
      'cancel-in-progress': false,
    })
    expect(workflow.jobs.deploy!.concurrency).toEqual({ group: 'pages', 'cancel-in-progress': false })
  })

  it('annotates pull requests with validate --format github, reusing the base branch’s record checks', () => {
    expect(runs('validate')).toContain('npx postmortem validate --format github')
    const validate = steps('validate')
    const restore = validate.findIndex((s) => s.uses?.startsWith('actions/cache/restore@'))
    expect(restore).toBeLessThan(validate.findIndex((s) => s.run?.includes('postmortem validate')))
    // The build job saves the cache alone under the branch's name; a pull request restores its base's.
    expect(validate[restore]!.with).toEqual({
      path: 'dist/.cache',
      key: 'postmortem-checks-${{ github.base_ref }}-${{ github.sha }}',
      'restore-keys': 'postmortem-checks-${{ github.base_ref }}-',
    })
    expect(steps('build').find((s) => s.uses?.startsWith('actions/cache/save@'))!.with).toEqual({
      path: 'dist/.cache',
      key: 'postmortem-checks-${{ github.ref_name }}-${{ github.sha }}',
    })
  })

  it('builds the site and deploys it with the official GitHub Pages actions', () => {
    const build = steps('build')
    expect(build.map((s) => s.uses?.split('@')[0] ?? s.run)).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'npm ci --no-audit --no-fund',
      'actions/configure-pages',
      'actions/cache',
      'npx postmortem build --base-url "$BASE_URL/"',
      'actions/cache/save',
      'actions/upload-pages-artifact',
    ])
    // The last build's output is restored, so unchanged records are reused: per branch, newest first.
    expect(build.find((s) => s.uses?.startsWith('actions/cache@'))!.with).toEqual({
      path: 'dist',
      key: 'postmortem-build-${{ github.ref_name }}-${{ github.sha }}',
      'restore-keys': 'postmortem-build-${{ github.ref_name }}-',
    })
    expect(build.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))!.with).toEqual({
      path: 'dist/site',
    })
    expect(build.find((s) => s.run?.includes('build'))!.env).toEqual({
      BASE_URL: '${{ steps.pages.outputs.base_url }}',
    })
    const deploy = workflow.jobs.deploy!
    expect(deploy.environment).toEqual({
      name: 'github-pages',
      url: '${{ steps.deployment.outputs.page_url }}',
    })
    expect(deploy.steps).toEqual([{ id: 'deployment', uses: pinnedActions.deployPages.uses }])
  })

  it('syncs issues with GITHUB_TOKEN and commits the written-back numbers only when a record changed', () => {
    const sync = steps('sync-issues')
    expect(sync.find((s) => s.run === 'npx postmortem issues sync')!.env).toEqual({
      GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}',
    })
    const commit = runs('sync-issues').at(-1)!
    expect(commit).toMatch(/^if git diff --quiet -- 'incidents'; then\n/)
    expect(commit).toContain("git config user.name 'github-actions[bot]'")
    expect(commit).toMatch(/git commit -m '[^']*\[skip ci\]'/)
    // The checkout keeps its credentials here (and only here): the commit is pushed.
    expect(sync.find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toEqual({
      ref: '${{ github.ref }}',
    })
  })

  it('has shell steps that parse', () => {
    for (const [, job] of jobs)
      for (const step of job.steps)
        if (step.run) execFileSync('bash', ['-n'], { input: step.run, stdio: ['pipe', 'pipe', 'pipe'] })
  })

  it('uses the configured folders', () => {
    const custom = parse(
      workflowText({ branch: 'main', incidents: 'records/prod', out: 'public' }),
    ) as Workflow
    expect(
      custom.jobs.build!.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))!.with,
    ).toEqual({ path: 'public/site' })
    expect(custom.jobs.build!.steps.find((s) => s.uses?.startsWith('actions/cache@'))!.with).toMatchObject({
      path: 'public',
    })
    expect(
      custom.jobs.validate!.steps.find((s) => s.uses?.startsWith('actions/cache/restore@'))!.with,
    ).toMatchObject({ path: 'public/.cache' })
    expect(custom.jobs['sync-issues']!.steps.at(-1)!.run).toContain("git add -- 'records/prod'")
  })
})
