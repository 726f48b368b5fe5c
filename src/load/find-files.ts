import { stat } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { glob } from 'tinyglobby'
import type { Diagnostic } from '../diagnostics.js'
import { configFileName } from './find-config.js'

/** Record files found under the given paths, sorted, and problems with paths that do not exist. */
export interface FoundFiles {
  /** Absolute paths. */
  files: string[]
  diagnostics: Diagnostic[]
}

/**
 * Expands files and folders into the `.yaml`/`.yml` record files they hold (sub-folders included,
 * dot-folders skipped). A path that does not exist is a diagnostic, not an exception.
 */
export async function findRecordFiles(paths: readonly string[], cwd: string): Promise<FoundFiles> {
  const files = new Set<string>()
  const diagnostics: Diagnostic[] = []
  for (const path of paths) {
    const absolute = resolve(cwd, path)
    const info = await stat(absolute).catch(() => undefined)
    if (!info) {
      diagnostics.push({
        code: 'READ_FAILED',
        severity: 'error',
        message: `no such file or folder`,
        hint: 'Check the path; records live in `incidents/` by default.',
        file: relative(cwd, absolute) || path,
      })
    } else if (info.isDirectory()) {
      // Note: dependencies and the config file are never records, even when a folder holds them.
      const found = await glob(['**/*.yaml', '**/*.yml'], {
        cwd: absolute,
        absolute: true,
        dot: false,
        ignore: ['**/node_modules/**', `**/${configFileName}`],
      })
      for (const f of found) files.add(resolve(f))
    } else files.add(absolute)
  }
  return { files: [...files].sort(), diagnostics }
}
