import { stat } from 'node:fs/promises'
import { basename, relative, resolve } from 'node:path'
import { fdir } from 'fdir'
import type { Diagnostic } from '../diagnostics.js'
import { configFileName } from './find-config.js'

/** Record files found under the given paths, sorted, and problems with paths that do not exist. */
export interface FoundFiles {
  /** Absolute paths. */
  files: string[]
  diagnostics: Diagnostic[]
}

/** A record's file name: `.yaml` or `.yml`, not hidden, not the config file. */
const isRecordName = (name: string) =>
  (name.endsWith('.yaml') || name.endsWith('.yml')) && !name.startsWith('.') && name !== configFileName

/**
 * The crawler of a folder's records: fdir itself, which tinyglobby drives through glob patterns; the
 * two tests by name are ~2.5× faster than picomatch's at 10,000 records (~25 → ~10 ms warm). Linked
 * folders and files are followed and named by their links, as tinyglobby did. Note: dependencies
 * and dot-folders are never searched.
 */
const records = new fdir({
  filters: [(path, isDirectory) => !isDirectory && isRecordName(basename(path))],
  exclude: (name) => name.startsWith('.') || name === 'node_modules',
  resolvePaths: true,
  includeBasePath: true,
  resolveSymlinks: true,
  useRealPaths: false,
})

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
      for (const f of records.crawl(absolute).sync()) files.add(resolve(f))
    } else files.add(absolute)
  }
  return { files: [...files].sort(), diagnostics }
}
