import { basename, extname, relative } from 'node:path'
import pMap from 'p-map'
import type { Diagnostic } from '../diagnostics.js'
import { compareDiagnostics } from '../diagnostics.js'
import { findRecordFiles } from '../load/find-files.js'
import type { ParsedSource } from '../load/parse-source.js'
import { locate } from '../load/parse-source.js'
import { readSource } from '../load/read-source.js'
import type { ProgressCallback } from '../progress.js'
import type { Incident } from './normalize.js'
import type { ValidatedFile, ValidateOptions } from './validate-incident.js'
import { validateSource } from './validate-incident.js'

/** The outcome of validating a set of record files. */
export interface ValidationReport {
  /** Files examined, as shown in diagnostics. */
  files: string[]
  /** Valid incidents (records without errors), in file order. */
  incidents: Incident[]
  /** Every diagnostic, sorted by file and position. */
  diagnostics: Diagnostic[]
}

/**
 * Loads and validates every record under `paths` (relative to `cwd`), then checks what needs all of
 * them: ids unique across files, `related` ids that exist.
 */
export async function validateFiles(
  paths: readonly string[],
  cwd: string,
  options: ValidateOptions & {
    /** The repository's incidents folder: `related` may name any record there, validated now or not. */
    incidentsDir?: string
    /** Called after each file is checked, with stage `validate`. */
    onProgress?: ProgressCallback
  },
): Promise<ValidationReport> {
  const found = await findRecordFiles(paths, cwd)
  const limits = { maxFileBytes: options.config.max_file_bytes, maxDepth: 32 }
  let done = 0
  // Note: several reads in flight keep the CPU busy parsing while the disk answers (p-map keeps order).
  const checked = await pMap(
    found.files,
    async (path) => {
      const source = await readSource(path, relative(cwd, path) || path, limits)
      const result = validateSource(source, options)
      options.onProgress?.(++done, found.files.length, 'validate')
      return { source, result }
    },
    { concurrency: 8 },
  )
  const diagnostics = [...found.diagnostics, ...checked.flatMap((c) => c.result.diagnostics)]
  const known = new Set<string>()
  if (options.incidentsDir)
    for (const f of (await findRecordFiles([options.incidentsDir], cwd)).files) known.add(stem(f))
  diagnostics.push(...crossFileDiagnostics(checked, known))
  const failed = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file))
  return {
    files: checked.map((c) => c.source.file),
    incidents: checked.flatMap((c) =>
      c.result.incident && !failed.has(c.source.file) ? [c.result.incident] : [],
    ),
    diagnostics: diagnostics.sort(compareDiagnostics),
  }
}

function stem(file: string): string {
  return basename(file, extname(file))
}

function crossFileDiagnostics(
  checked: ReadonlyArray<{ source: ParsedSource; result: ValidatedFile }>,
  known: ReadonlySet<string>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const owners = new Map<string, string>()
  const ids = new Set<string>(known)
  for (const { source } of checked) {
    const id = source.data?.id
    if (typeof id !== 'string') continue
    ids.add(id)
    const first = owners.get(id)
    if (first === undefined) owners.set(id, source.file)
    else
      diagnostics.push({
        code: 'DUPLICATE_ID',
        severity: 'error',
        message: `incident id \`${id}\` is already used by ${first}`,
        hint: 'Each incident needs its own id; rename one of the records and its file.',
        file: source.file,
        ...locate(source, ['id']),
        path: ['id'],
      })
  }
  for (const { source, result } of checked) {
    const related = result.incident?.related ?? []
    for (const [i, id] of related.entries())
      if (!ids.has(id))
        diagnostics.push({
          code: 'RELATED_NOT_FOUND',
          severity: 'error',
          message: `related incident \`${id}\` does not exist`,
          hint: 'Use the id of a record in the incidents folder (its file name without `.yaml`).',
          file: source.file,
          ...locate(source, ['related', i]),
          path: ['related', i],
        })
  }
  return diagnostics
}
