import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { setImmediate } from 'node:timers/promises'
import { basename, extname } from 'node:path'
import pMap from 'p-map'
import type { DataPath, Diagnostic } from '../diagnostics.js'
import { compareDiagnostics } from '../diagnostics.js'
import { PostmortemError } from '../errors.js'
import { locateInFile, readFailed } from '../load/read-source.js'
import { nameFrom, toolFingerprint } from '../paths.js'
import type { ProgressCallback } from '../progress.js'
import { Timings } from '../timings.js'
import { crossFileDiagnostics, knownIds, recordLimits } from '../validate/validate-files.js'
import type { BuildManifest, CachedRecord } from './build-cache.js'
import type { GitDatesMemo } from './last-changed.js'
import {
  checksKey,
  hashBytes,
  hashOf,
  loadManifest,
  outputPresent,
  removeManifest,
  saveManifest,
  unchangedOnDisk,
} from './build-cache.js'
import type { BuildSiteOptions, SiteContext, SiteSummary } from './build-site.js'
import { aggregateSteps, assetFiles, checkDenied, DeniedTermError, loadLayouts } from './build-site.js'
import { PageRows } from './page-rows.js'
import { paths } from './pages.js'
import { redactPatterns } from './publish.js'
import type { RecordDone, RecordEnv, RecordJob } from './record-job.js'
import { overdueUnchanged, runRecordJob } from './record-job.js'
import type { WorkerOptions } from '../jobs/job-runner.js'
import { JobRunner } from '../jobs/job-runner.js'
import type { OutputSink } from './write-site.js'
import { FolderSwapSink, InPlaceSink } from './write-site.js'

/** What `buildRecords` needs: what `buildSite` does, with record files instead of incidents. */
export interface BuildRecordsOptions extends Omit<
  BuildSiteOptions,
  'incidents' | 'outDir' | 'cwd' | 'changed'
> {
  /**
   * When each record file last changed (absolute path → ms), e.g. from git; awaited only for the feeds.
   * A function is called when the dates are first needed: at once, or under `serve` once the incidents'
   * pages are written (so git does not compete with them).
   */
  changed?:
    | ReadonlyMap<string, number>
    | Promise<ReadonlyMap<string, number>>
    | (() => Promise<ReadonlyMap<string, number>>)
  /** Record files (absolute paths), in the order pages and feeds list them. */
  files: readonly string[]
  /** The paths `files` were found under (see `knownIds`). */
  searched?: readonly string[]
  /** Diagnostics of finding the files (paths that do not exist). */
  found?: readonly Diagnostic[]
  cwd: string
  /** The output folder: `site/`, `postmortems/` and the cache (`.cache/`) go inside. */
  outDir: string
  /** The repository's incidents folder: `related` may name any record there. */
  incidentsDir?: string
  /** Reuse the results of the last build for unchanged records (default true). */
  cache?: boolean
  /**
   * Set by `serve`: the only record files that may differ from what the remembered manifest
   * (`memory.manifest`) saw, as its watcher named them; the others are reused without a `stat`.
   * Ignored when the build does not start from that manifest.
   */
  suspects?: ReadonlySet<string>
  timings?: Timings
  /**
   * Keeps the manifest between builds of one process (`serve`): the next build into the same folder
   * takes it from here instead of reading it from disk (it is saved to disk all the same).
   */
  memory?: {
    manifest?: BuildManifest
    /** What the CLI's build remembers of git between builds (see `lastChanged`). */
    git?: GitDatesMemo
    /**
     * Set by the build: parses, validates and renders one record in this thread and drops the result,
     * writing nothing. `serve` calls it once it is listening: a warm start renders nothing, and the
     * first edit would otherwise pay for compiling the templates and the rendering code (~0.15 s of
     * a 0.5 s rebuild at 10,000 records).
     */
    warmUp?: () => Promise<void>
    /**
     * Set by `serve`: an incremental build then commits the incidents' pages first and calls this,
     * then renders and commits the index, stats, action items, feeds and the rest. If that second step
     * fails, the incidents' pages are put back as they were.
     */
    onPagesCommitted?: () => void
    /**
     * Set by `serve`: called once the whole output is written, before the cache is saved (the pages
     * it holds back while they are rebuilt can be served from then on).
     */
    onOutputCommitted?: () => void
    /**
     * Set by `serve`: the build hands over saving its cache instead of saving it before it returns.
     * `serve` saves it once nobody is waiting for a page (the client fetching the rebuilt pages was
     * slowed by it), and before the next build at the latest. Until then the manifest on disk is
     * gone (taken away before the output changed): a `build` meanwhile is a full one, never stale.
     */
    saveLater?: (save: () => Promise<void>) => void
  }
  /** Worker threads for parsing, validating and rendering (default: none, all in this thread). */
  workers?: WorkerOptions
  /** Called after each record (stage `records`), and before and after the output is committed (`write`). */
  onProgress?: ProgressCallback
}

/** What a build did. */
export interface BuildRecordsResult {
  /**
   * Errors (when the build stopped: nothing was written) or the records' lint warnings, sorted. Those
   * of reused records are read from the build cache when this is first read.
   */
  readonly diagnostics: Diagnostic[]
  /** How many lint warnings the records have. */
  warnings: number
  /** Valid records. */
  records: number
  /** Incidents on the site. */
  incidents: number
  /** Records whose page and figures came from the cache, unread. */
  reused: number
  /** The record files, as shown in diagnostics. */
  files: string[]
  /** Valid records this build does not show, and why (`visibility is internal`). */
  leftOut: Array<{ id: string; reason: string }>
  /** Files written (the rest of the output was already up to date). */
  written: number
  /** Worker threads that parsed, validated and rendered records (0: all in the main thread). */
  threads: number
  /**
   * `full`: every file written into a fresh folder and swapped in; `incremental`: changes only;
   * `none`: the build stopped on errors.
   */
  mode: 'full' | 'incremental' | 'none'
}

/**
 * Records handed to each worker at once. With 2, each worker still waited for work 1–9 % of every
 * second of a 10,000-record build (its profile): the main thread, one of three busy threads on two
 * cores, was often not given a core in time to take a reply and hand out the next record. With 4: a
 * full build of 10,000 records into a RAM disk 21.4 → 20.4 s (medians of 6 in turns), peak memory
 * within 10 MiB; at 1,000 records no difference.
 */
const recordsQueued = 4

const stem = (file: string) => basename(file, extname(file))

const sameBytes = (a: Uint8Array, b: Uint8Array) => a === b || Buffer.compare(a, b) === 0

/**
 * True when the related incidents a record's page links (`shown`) are those of its `related` that are
 * on the site: `relatedOnSite` compared without the list it makes (asked of every record).
 */
function linksShown(record: CachedRecord, onSite: ReadonlySet<string>): boolean {
  let n = 0
  for (const id of record.related) if (onSite.has(id) && record.shown[n++] !== id) return false
  return n === record.shown.length
}

/** The output files of one incident on the site, relative to the output folder. */
function incidentFiles(id: string): string[] {
  return [`site/${paths.incident(id)}`, `site/${paths.markdown(id)}`, `postmortems/${id}.md`]
}

/** A record file's bytes (`null` when over the size cap: it is not read) and `stat`. */
interface ReadRecord {
  bytes: Uint8Array | null
  stats: { mtimeMs: number; size: number }
}

/**
 * Reads a record file: its bytes (unless over the size cap) and `stat`. Blocking, like every file
 * operation of a build: through fs/promises each of open, stat, read and close is a round trip to
 * libuv's threads, and on this 2-core machine that was ~10× the cost of the calls themselves.
 */
function readRecord(file: string, maxBytes: number): ReadRecord {
  const fd = openSync(file, 'r')
  try {
    const { mtimeMs, size } = fstatSync(fd)
    // Note: the size cap is checked before reading: a huge file costs nothing.
    const bytes = size > maxBytes ? null : new Uint8Array(readFileSync(fd))
    return { bytes, stats: { mtimeMs, size } }
  } finally {
    closeSync(fd)
  }
}

/**
 * The CLI's build: validates every record and writes the site and the Markdown postmortems, reusing
 * what the last build into the same folder computed for records that did not change. Records are
 * processed one at a time and their pages streamed to disk, so memory holds only the summaries the
 * index, stats and feeds need. Any error stops the build before the output changes.
 */
export async function buildRecords(options: BuildRecordsOptions): Promise<BuildRecordsResult> {
  const { config, audience, at, cwd } = options
  const timings = options.timings ?? new Timings()
  const layouts = await timings.timeAsync('load templates', () =>
    loadLayouts(config, options.root, options.cwd),
  )
  const context: SiteContext = {
    config,
    audience,
    layouts,
    markdown: options.markdown,
    baseUrl: options.baseUrl,
    generator: options.generator,
    at,
  }
  const key = hashOf(
    toolFingerprint(),
    config,
    options.root,
    layouts.fingerprint,
    options.markdown.fingerprint,
    audience,
    options.baseUrl,
    options.generator,
  )
  const remembered = options.memory?.manifest
  const previous =
    options.cache === false
      ? undefined
      : await timings.timeAsync('load cache', async () =>
          remembered?.key === key && (await outputPresent(options.outDir))
            ? remembered
            : loadManifest(options.outDir, key),
        )
  // serve, on an incremental build: the incidents' pages are committed before the pages over all
  // incidents are rendered, so the page being edited shows sooner; see `memory.onPagesCommitted`.
  const pagesFirst =
    previous && options.memory?.onPagesCommitted
      ? { sink: new InPlaceSink(options.outDir, true), onPagesCommitted: options.memory.onPagesCommitted }
      : undefined
  const startChanged = () => (typeof options.changed === 'function' ? options.changed() : options.changed)
  // Note: under serve, git starts once the incidents' pages are written (see below).
  let changedDates = pagesFirst ? undefined : startChanged()
  const sink: OutputSink =
    pagesFirst?.sink ??
    (previous ? new InPlaceSink(options.outDir) : new FolderSwapSink(options.outDir, ['site', 'postmortems']))
  const limits = recordLimits(config)
  const patterns = redactPatterns(config.redact)
  const names = options.files.map(nameFrom(cwd))

  // Which related ids to link before every record is known: those on the last site, and new files.
  // A page that linked the wrong ones is rendered again once all records are known.
  // Note: the last site's ids are also what a removed incident's files are found by (below); one walk
  // over the cached records, whose object has a key per file (each walk ~4 ms at 10,000).
  const onLastSite = new Set<string>()
  for (const name in previous?.records) {
    const record = previous.records[name]!
    if (record.summary) onLastSite.add(record.id)
  }
  const maybeOnSite = new Set(onLastSite)
  for (const name of names) if (!previous?.records[name]) maybeOnSite.add(stem(name))

  const errors: Diagnostic[] = [...(options.found ?? []).filter((d) => d.severity === 'error')]

  const env: RecordEnv = { context, patterns, limits, onSite: maybeOnSite }
  const runner = new JobRunner<RecordJob, RecordDone>(
    'render',
    (job) => runRecordJob(job, env),
    () => ({
      config,
      at,
      limits,
      render: {
        audience,
        baseUrl: options.baseUrl,
        generator: options.generator,
        layouts: layouts.sources,
        markdown: options.markdown.sources,
        onSite: [...maybeOnSite],
      },
    }),
    // A full build rebuilds every record: the workers start at once. An incremental one, once enough
    // records turn out to have changed. Each worker holds its next jobs (see `WorkerOptions.queued`).
    options.workers && {
      queued: recordsQueued,
      ...options.workers,
      ...(!previous && { expected: options.files.length }),
    },
  )

  /** Parses and validates one record (in a worker thread, maybe) and writes its files unless the build has failed. */
  const rebuild = async (
    name: string,
    { bytes, stats }: ReadRecord,
    run: (job: RecordJob) => Promise<RecordDone> | RecordDone,
  ): Promise<{ id: unknown; record?: CachedRecord }> => {
    const done = await run({ name, bytes, stats, render: errors.length === 0 })
    for (const [stage, ms] of done.spent) timings.add(stage, ms)
    if (!done.record) {
      errors.push(...done.errors)
      return { id: done.id }
    }
    // Note: a job sent before another record failed has rendered; its files are not needed.
    if (errors.length === 0 && done.markdown !== undefined) {
      if (done.denied) throw new DeniedTermError(done.denied)
      const markdown = `postmortems/${done.record.id}.md`
      await sink.put(markdown, done.markdown)
      // The site's copy of the Markdown postmortem: the same bytes (a hard link where it can be).
      for (const [path, content] of done.site)
        if (path === paths.markdown(done.record.id) && sameBytes(content, done.markdown))
          await sink.putSame(`site/${path}`, content, markdown)
        else await sink.put(`site/${path}`, content)
    }
    return { id: done.id, record: done.record }
  }

  const stillDue = (c: CachedRecord) => overdueUnchanged(c, config, at)
  const trusted = previous !== undefined && previous === remembered ? options.suspects : undefined

  /** The cached record when the file's bytes and its overdue items are unchanged; the bytes otherwise. */
  const lookUp = async (file: string, cached: CachedRecord | undefined) => {
    const read = readRecord(file, limits.maxFileBytes)
    if (cached && read.bytes && hashBytes(read.bytes) === cached.hash && stillDue(cached))
      return { reuse: { ...cached, ...read.stats } } // touched, not changed
    return { read }
  }

  try {
    const reused = new Set<number>()
    let done = 0
    const progress = () => options.onProgress?.((done += 1), options.files.length, 'records')
    // Note: per-record stages are CPU time inside this one (which adds reading and writing).
    const outcomes = await timings.timeAsync('records (read, check, render, write)', async () => {
      const outcomes: Array<{ id: unknown; record?: CachedRecord }> = []
      const pending: number[] = []
      for (const [index, file] of options.files.entries()) {
        const cached = previous?.records[names[index]!]
        // Under `serve`, a file its watcher did not name is as the last build saw it.
        const unchanged = cached && ((trusted && !trusted.has(file)) || unchangedOnDisk(file, cached))
        if (cached && unchanged && stillDue(cached)) {
          reused.add(index)
          outcomes[index] = { id: cached.id, record: cached }
          progress()
        } else pending.push(index)
      }
      await pMap(
        pending,
        async (index) => {
          const name = names[index]!
          try {
            const found = await lookUp(options.files[index]!, previous?.records[name])
            if (found.reuse) {
              reused.add(index)
              outcomes[index] = { id: found.reuse.id, record: found.reuse }
            } else outcomes[index] = await rebuild(name, found.read, (job) => runner.run(job))
          } catch (error) {
            if (!(error as NodeJS.ErrnoException).code) throw error
            errors.push(readFailed(name, error))
            outcomes[index] = { id: undefined }
          } finally {
            progress()
          }
        },
        // Note: enough in flight to fill every worker's queue (8 on this 2-core machine, as before).
        { concurrency: Math.max(8, (options.workers?.jobs ?? 1) * recordsQueued) },
      )
      return outcomes
    })
    await runner.close()
    const identities = outcomes.map((o, i) => ({
      file: names[i]!,
      id: o.id,
      related: o.record?.related ?? [],
      locate: (path: DataPath) => locateInFile(options.files[i]!, names[i]!, limits, path),
    }))
    const searched = options.searched && { paths: options.searched, files: options.files }
    errors.push(...crossFileDiagnostics(identities, await knownIds(options.incidentsDir, cwd, searched)))
    if (errors.length > 0) {
      await sink.abort()
      return result(errors, [], {
        records: 0,
        incidents: 0,
        reused: 0,
        written: 0,
        threads: runner.threads,
        mode: 'none',
        files: names,
        leftOut: [],
      })
    }
    const records = outcomes.map((o) => o.record!)

    // Pages rendered before every record was known: render again those that link the wrong related ones.
    const onSite = new Set<string>()
    for (const record of records) if (record.summary) onSite.add(record.id)
    for (const [i, record] of records.entries()) {
      if (!record.summary || linksShown(record, onSite)) continue
      const read = readRecord(options.files[i]!, limits.maxFileBytes)
      const again = await rebuild(names[i]!, read, (job) => runRecordJob(job, { ...env, onSite }))
      if (!again.record) throw new PostmortemError(`${names[i]} changed during the build; build again`)
      reused.delete(i)
      records[i] = again.record
    }

    // Files of incidents no longer on the site.
    for (const id of onLastSite) if (!onSite.has(id)) for (const path of incidentFiles(id)) sink.remove(path)

    // Note: output changed in place no longer matches the old manifest; without one, a build
    // interrupted before saving the new one is followed by a full build, never by a stale reuse.
    if (previous) await removeManifest(options.outDir)
    let written = 0
    if (pagesFirst) {
      written += await timings.timeAsync('commit pages', () => sink.commit())
      pagesFirst.onPagesCommitted()
    }
    // Note: a summary's rows on the index and action items are decided by its record's bytes (and the
    // build key of the cache they are kept in); 16 hex digits of the hash tell records apart.
    // A summary's action-item health is the one at this build's reference time: a record is reused
    // only while the same items are overdue (`stillDue`), under the same config (the build key).
    const rowKeys = new Map<SiteSummary, string>()
    const summaries: SiteSummary[] = []
    for (const r of records)
      if (r.summary) {
        rowKeys.set(r.summary, r.hash.slice(0, 16))
        summaries.push(r.summary)
      }
    const rows =
      options.cache === false
        ? undefined
        : {
            kept: previous ? PageRows.load(options.outDir, key) : PageRows.empty(options.outDir, key),
            keyOf: (s: SiteSummary) => rowKeys.get(s),
          }
    try {
      const files = new Map(records.map((r, i) => [r.id, options.files[i]!]))
      // Note: git runs while the pages that show no dates are rendered (the index, stats, action
      // items); under `serve` it starts only now, and waiting for it first was ~45 ms of each rebuild.
      const dates = (changedDates ??= startChanged())
      let changed: ReadonlyMap<string, number> | undefined
      const aggregates = new Map<string, string | Uint8Array>()
      const steps = aggregateSteps(
        summaries,
        context,
        (s) => changed?.get(files.get(s.incident.id)!) ?? 0,
        rows,
      )
      await timings.timeAsync('render aggregates', async () => {
        for (const [path, render, dated] of steps) {
          // Note: between files, `serve` answers requests (the incidents' pages are already written).
          await setImmediate()
          if (dated) changed ??= (await dates) ?? new Map()
          aggregates.set(path, timings.time(`  ${path}`, render))
        }
      })
      checkDenied(config, audience, aggregates)
      const assets = await assetFiles(config, options.root)
      checkDenied(config, audience, assets)
      await timings.timeAsync('write aggregates', async () => {
        for (const [path, content] of aggregates) await sink.put(`site/${path}`, content)
        for (const [path, content] of assets) await sink.put(`site/${path}`, content)
      })
      options.onProgress?.(0, 1, 'write')
      written += await timings.timeAsync('commit output', () => sink.commit())
      options.memory?.onOutputCommitted?.()
    } catch (error) {
      // The pages over all incidents failed: the incidents' pages go back to what they were.
      if (pagesFirst) await pagesFirst.sink.revert()
      throw error
    }
    options.onProgress?.(1, 1, 'write')
    if (options.cache !== false) {
      const manifest = {
        key,
        checks: checksKey(config),
        records: Object.fromEntries(records.map((r, i) => [names[i]!, r])),
      }
      const save = cacheSaver(options.outDir, manifest, rows?.kept)
      if (options.memory?.saveLater) options.memory.saveLater(save)
      else await timings.timeAsync('save cache', save)
      if (options.memory) options.memory.manifest = manifest
    }
    if (options.memory) options.memory.warmUp = warmUp(options.files[0], names[0], limits.maxFileBytes, env)
    return result([], records, {
      records: records.length,
      incidents: summaries.length,
      reused: reused.size,
      written,
      threads: runner.threads,
      mode: previous ? 'incremental' : 'full',
      files: names,
      leftOut: records.flatMap((r) => (r.hidden ? [{ id: r.id, reason: r.hidden }] : [])),
    })
  } catch (error) {
    await runner.close()
    await sink.abort()
    throw error
  }
}

/**
 * Saves the manifest and the kept rows of a build. Made out here, not in `buildRecords`, for the
 * reason `warmUp` is: `serve` may keep it until it is idle.
 */
function cacheSaver(
  outDir: string,
  manifest: BuildManifest,
  rows: PageRows | undefined,
): () => Promise<void> {
  return async () => {
    await saveManifest(outDir, manifest)
    rows?.save(outDir)
  }
}

/**
 * Renders one record and drops the result: see `memory.warmUp`. Made out here, not in `buildRecords`:
 * a closure in there kept the whole build's scope alive until the next build (its output sink with
 * the old pages it could put back, the previous manifest): at 10,000 records ~70 MB under `serve`.
 */
function warmUp(
  file: string | undefined,
  name: string | undefined,
  maxBytes: number,
  env: RecordEnv,
): () => Promise<void> {
  return () => {
    if (file !== undefined && name !== undefined) {
      const { bytes, stats } = readRecord(file, maxBytes)
      runRecordJob({ name, bytes, stats, render: true }, env)
    }
    return Promise.resolve()
  }
}

/** The result of a build that stopped on `errors`, or made the site from `records`. */
function result(
  errors: Diagnostic[],
  records: readonly CachedRecord[],
  counts: Omit<BuildRecordsResult, 'diagnostics' | 'warnings'>,
): BuildRecordsResult {
  let diagnostics: Diagnostic[] | undefined
  return {
    get diagnostics() {
      return (diagnostics ??= [...errors, ...records.flatMap((r) => r.warnings)].sort(compareDiagnostics))
    },
    warnings: records.reduce((n, r) => n + r.warningCount, 0),
    ...counts,
  }
}
