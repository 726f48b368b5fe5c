import { loadConfig } from '../../src/load/load-config.js'
import type { Incident } from '../../src/validate/normalize.js'
import { validateFiles } from '../../src/validate/validate-files.js'
import { repoRoot } from './paths.js'

/** The SPEC §9 example incident, validated with the repository's config. */
export async function loadExample(): Promise<Incident> {
  const { config } = await loadConfig(repoRoot)
  const report = await validateFiles(['incidents/2025-01-22-connection-pool-exhaustion.yaml'], repoRoot, {
    config,
    at: Date.UTC(2026, 0, 1),
  })
  return report.incidents[0]!
}
