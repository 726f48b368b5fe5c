import { describe, expect, it } from 'vitest'
import * as api from '../src/index.js'
import { repoRoot } from './helpers/paths.js'

describe('the public API (src/index.ts)', () => {
  it('exports exactly these names: adding or removing one is a deliberate change', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DeniedTermError',
      'GitHubError',
      'PostmortemError',
      'TemplateError',
      'UsageError',
      'buildSite',
      'cli',
      'configSchema',
      'defaultConfig',
      'defaultLimits',
      'deriveFigures',
      'desiredIssues',
      'diagnosticCodes',
      'exitCodes',
      'formatPath',
      'importKinds',
      'importTimeline',
      'incidentSchema',
      'jsonSchemas',
      'lintCodes',
      'loadConfig',
      'loadIncidents',
      'loadTemplates',
      'locate',
      'managedLabel',
      'octokitTracker',
      'parseSource',
      'parseTimestamp',
      'planSync',
      'readSource',
      'renderPostmortem',
      'summarize',
      'syncIssues',
      'validateFiles',
      'validateIncident',
      'validateSource',
    ])
  })

  it('validates and derives figures through the lower-level loadConfig and validateFiles', async () => {
    const { config } = await api.loadConfig(repoRoot)
    const report = await api.validateFiles(['incidents'], repoRoot, {
      config,
      at: Date.UTC(2026, 11, 4),
    })
    expect(report.diagnostics).toEqual([])
    const figures = report.incidents.map((i) => api.deriveFigures(i, config, Date.UTC(2026, 11, 4)))
    expect(figures[0]!.durations.time_to_resolve).toBe(224 * 60_000)
  })
})
