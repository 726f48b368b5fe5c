import { dirname, relative } from 'node:path'
import type { Diagnostic } from '../diagnostics.js'
import type { Config } from '../validate/schema.js'
import { defaultConfig } from '../validate/schema.js'
import { validateConfig } from '../validate/validate-config.js'
import { findConfigFile } from './find-config.js'
import { readSource } from './read-source.js'

/** The configuration in force and where it came from. */
export interface LoadedConfig {
  config: Config
  /** Folder that relative config paths (`incidents`, `templates`) are read from. */
  root: string
  /** The config file, when there is one. */
  file?: string
  diagnostics: Diagnostic[]
}

/** Finds `postmortem.config.yaml` walking up from `cwd` and validates it; defaults when there is none. */
export async function loadConfig(cwd: string, explicitFile?: string): Promise<LoadedConfig> {
  const file = explicitFile ?? (await findConfigFile(cwd))
  if (!file) return { config: defaultConfig(), root: cwd, diagnostics: [] }
  const source = await readSource(file, relative(cwd, file) || file)
  const { config, diagnostics } = validateConfig(source)
  return { config: config ?? defaultConfig(), root: dirname(file), file, diagnostics }
}
