/**
 * `validate`'s use of the build cache: the last build saved each valid record's diagnostics with a
 * hash of its bytes, so a record that has not changed since need not be parsed again. Checked as the
 * build checks before reusing a page: the same tool (version and code) and config, the same bytes (equal size
 * and modification time, else an equal SHA-256 — a fresh CI checkout touches every file), and the
 * same overdue action items at this reference time.
 */
import { readFile, stat } from 'node:fs/promises'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import type { Validated } from '../validate/validate-job.js'
import { checksKey, hashBytes, loadCheckedRecords, manifestPath, unchangedOnDisk } from './build-cache.js'
import { overdueUnchanged } from './record-job.js'

/** The records of the last build into `outDir`, for {@link CachedChecks.find}. */
export interface CachedChecks {
  /** The saved result of the record at `path` (named `name` in diagnostics) if it still holds. */
  find(path: string, name: string): Promise<Validated | undefined>
  /** How many `find` calls returned a result. */
  readonly reused: number
}

/**
 * Bytes of cache worth reading per record to check. Parsing the cache runs at ~100 MB/s here (0.35 s
 * for the 35 MB of 10,000 records); checking a record again costs ~3 ms, the time to parse ~300 KB of
 * it. Half that leaves a margin: a pre-commit hook checking a few files of a large repository never
 * reads its cache.
 */
const worthPerRecord = 150_000

/**
 * The build cache in `outDir` as `validate` can use it to check `count` records, or `undefined` when
 * there is none for this config or reading it would cost more than it saves.
 */
export async function cachedChecks(
  outDir: string,
  config: Config,
  at: Instant,
  count: number,
): Promise<CachedChecks | undefined> {
  const size = await stat(manifestPath(outDir)).then(
    (s) => s.size,
    () => undefined,
  )
  if (size === undefined || size > count * worthPerRecord) return undefined
  const records = await loadCheckedRecords(outDir, checksKey(config))
  if (!records) return undefined
  let reused = 0
  const unchanged = async (path: string, hash: string, size: number) => {
    const now = await stat(path).catch(() => undefined)
    // Note: a file of another size has changed: it is not read here (it may be huge).
    if (now?.size !== size) return false
    const bytes = await readFile(path).catch(() => undefined)
    return bytes !== undefined && hashBytes(bytes) === hash
  }
  return {
    get reused() {
      return reused
    },
    async find(path, name) {
      const cached = Object.hasOwn(records, name) ? records[name] : undefined
      if (!cached || !overdueUnchanged(cached, config, at)) return undefined
      if (!unchangedOnDisk(path, cached) && !(await unchanged(path, cached.hash, cached.size)))
        return undefined
      reused += 1
      return { id: cached.id, diagnostics: cached.warnings, related: cached.related }
    },
  }
}
