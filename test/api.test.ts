import { readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ExistingIssue, IssueTracker } from '../src/index.js'
import {
  buildSite,
  defaultConfig,
  deriveFigures,
  loadIncidents,
  loadTemplates,
  managedLabel,
  readSource,
  renderPostmortem,
  summarize,
  syncIssues,
  validateIncident,
  validateSource,
} from '../src/index.js'
import { exampleRepo, removeTempDirs, repoRoot } from './helpers/run-cli.js'

afterAll(removeTempDirs)

const at = Date.UTC(2026, 11, 4)
const examples = [
  '2025-01-22-connection-pool-exhaustion',
  '2025-06-03-leaked-ci-token',
  '2025-09-14-search-index-rebuild-degradation',
]

describe('loadIncidents', () => {
  it('finds the config and the records like the CLI does, and validates them', async () => {
    const loaded = await loadIncidents({ cwd: repoRoot, at })
    expect(loaded.diagnostics).toEqual([])
    expect(loaded.incidents.map((i) => i.id)).toEqual(examples)
    expect(loaded.files).toEqual(examples.map((id) => `incidents/${id}.yaml`))
    expect(loaded.configFile).toBe(join(repoRoot, 'postmortem.config.yaml'))
    expect(loaded.root).toBe(resolve(repoRoot))
    expect(loaded.at).toBe(at)
    expect(Object.keys(loaded.config.slos)).toContain('api-availability')
  })

  it('reads only the given paths, relative to cwd; an empty list reads nothing', async () => {
    const one = await loadIncidents({ cwd: repoRoot, at, paths: [`incidents/${examples[1]}.yaml`] })
    expect(one.incidents.map((i) => i.id)).toEqual([examples[1]])
    const none = await loadIncidents({ cwd: repoRoot, at, paths: [] })
    expect(none).toMatchObject({ files: [], incidents: [], diagnostics: [] })
  })

  it('returns record problems as diagnostics, and checks across records', async () => {
    const dir = await exampleRepo()
    const file = join(dir, 'incidents', `${examples[2]}.yaml`)
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^status: .*$/m, 'status: publishd'))
    const loaded = await loadIncidents({ cwd: dir, at })
    expect(loaded.incidents.map((i) => i.id)).toEqual(examples.slice(0, 2))
    expect(loaded.diagnostics.map((d) => [d.file, d.code, d.severity])).toContainEqual([
      `incidents/${examples[2]}.yaml`,
      'INVALID_VALUE',
      'error',
    ])
  })

  it('uses a given config and root instead of searching', async () => {
    const dir = await exampleRepo()
    const config = { ...defaultConfig(), incidents: 'incidents' }
    const loaded = await loadIncidents({ cwd: '/', root: dir, config, at })
    expect(loaded.configFile).toBeUndefined()
    expect(loaded.files).toHaveLength(3)
    // The example records name SLOs the default config does not have.
    expect(loaded.diagnostics.map((d) => d.code)).toContain('UNKNOWN_SLO')
  })

  it('reports an invalid or missing config file as diagnostics, reading no record', async () => {
    const dir = await exampleRepo()
    await writeFile(join(dir, 'postmortem.config.yaml'), 'incidentz: incidents\n')
    const invalid = await loadIncidents({ cwd: dir, at })
    expect(invalid.files).toEqual([])
    expect(invalid.incidents).toEqual([])
    expect(invalid.diagnostics.map((d) => [d.file, d.line, d.code])).toEqual([
      ['postmortem.config.yaml', 1, 'UNKNOWN_KEY'],
    ])
    const missing = await loadIncidents({ cwd: dir, at, configFile: 'nope.yaml' })
    expect(missing.diagnostics.map((d) => [d.file, d.code])).toEqual([['nope.yaml', 'READ_FAILED']])
  })

  it('reports progress per file, stage `validate`', async () => {
    const calls: Array<[number, number, string]> = []
    await loadIncidents({ cwd: repoRoot, at, onProgress: (...call) => calls.push(call) })
    expect(calls).toEqual([
      [1, 3, 'validate'],
      [2, 3, 'validate'],
      [3, 3, 'validate'],
    ])
  })
})

describe('validateIncident', () => {
  it('validates one record; validateSource is the same function under its earlier name', async () => {
    expect(validateSource).toBe(validateIncident)
    const { config } = await loadIncidents({ cwd: repoRoot, paths: [] })
    const file = `incidents/${examples[0]}.yaml`
    const result = validateIncident(await readSource(join(repoRoot, file), file), { config, at })
    expect(result.diagnostics).toEqual([])
    expect(result.incident?.id).toBe(examples[0])
  })
})

describe('the pipeline through the API', () => {
  it('load → derive → summarize → render', async () => {
    const { incidents, config } = await loadIncidents({ cwd: repoRoot, at })
    const items = incidents.map((incident) => ({ incident, figures: deriveFigures(incident, config, at) }))
    expect(items[0]!.figures.durations.time_to_resolve).toBe(224 * 60_000)
    expect(summarize(items, config, at).incidents).toBe(3)
    const markdown = renderPostmortem(items[0]!.incident, items[0]!.figures, config, {
      templates: await loadTemplates(),
    })
    expect(markdown).toMatch(/^# /)
  })

  it('buildSite reports progress per page (`render`), then around writing (`write`)', async () => {
    const dir = await exampleRepo()
    const { incidents, config } = await loadIncidents({ cwd: dir, at })
    const calls: Array<[number, number, string]> = []
    const result = await buildSite({
      incidents,
      config,
      at,
      root: dir,
      outDir: join(dir, 'dist', 'site'),
      audience: 'internal',
      baseUrl: 'https://status.example.com/',
      markdown: await loadTemplates(),
      generator: 'test',
      onProgress: (...call) => calls.push(call),
    })
    expect(calls).toEqual([
      [1, 3, 'render'],
      [2, 3, 'render'],
      [3, 3, 'render'],
      [0, result.files, 'write'],
      [result.files, result.files, 'write'],
    ])
  })

  it('syncIssues reports progress per change (`sync`), and none on a dry run', async () => {
    const { incidents, config } = await loadIncidents({ cwd: repoRoot, at })
    const created: ExistingIssue[] = []
    const tracker: IssueTracker = {
      list: async () => [...created],
      get: async (n) => created.find((i) => i.number === n),
      create: async (input) => {
        const issue: ExistingIssue = {
          number: created.length + 1,
          url: `https://github.example/acme/incidents/issues/${created.length + 1}`,
          title: input.title,
          body: input.body,
          labels: input.labels,
          state: 'open',
          stateReason: null,
        }
        created.push(issue)
        return issue
      },
      update: async () => {
        throw new Error('no update expected')
      },
      ensureLabels: async () => {},
      requests: 0,
    }
    const options = {
      incidents,
      config,
      templates: await loadTemplates(),
      tracker,
      now: '2026-12-04T00:00:00Z',
    }
    const dry: unknown[] = []
    await syncIssues({ ...options, dryRun: true, onProgress: (...call) => dry.push(call) })
    expect(dry).toEqual([])
    const calls: Array<[number, number, string]> = []
    const { plan, failures } = await syncIssues({ ...options, onProgress: (...call) => calls.push(call) })
    expect(failures).toEqual([])
    const changes = plan.steps.filter((s) => s.kind === 'create').length
    expect(changes).toBe(5)
    expect(calls).toEqual([0, 1, 2, 3, 4, 5].map((done) => [done, 5, 'sync']))
    expect(created.every((i) => i.labels.includes(managedLabel))).toBe(true)
  })
})
