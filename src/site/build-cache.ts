import { createHash, randomBytes } from 'node:crypto'
import type { Stats } from 'node:fs'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { appendFile, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Diagnostic } from '../diagnostics.js'
import { PostmortemError } from '../errors.js'
import { toolFingerprint } from '../paths.js'
import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { SiteSummary } from './build-site.js'
import type { SummaryRow } from './cached-summary.js'
import { CachedSummary, fullSummary, isSummaryRow, summaryRow } from './cached-summary.js'

type ActionItem = NonNullable<Incident['action_items']>[number]

/**
 * What the last successful build knew of one record file. A record whose bytes, overdue action items
 * and shown related incidents are unchanged, under the same build key, has the same page, Markdown
 * postmortem, warnings and summary: a warm build reuses them without reading the record.
 */
export interface CachedRecord {
  /** `stat` of the file when it was read: equal size and modification time skip reading it. */
  mtimeMs: number
  size: number
  /** SHA-256 of the file's bytes. */
  hash: string
  id: string
  related: string[]
  /**
   * Lint warnings of the record (it had no errors, or the build would have stopped). Of a record loaded
   * from the manifest, read from it only when asked (with the summary's `content_html`): a build
   * needs only their number.
   */
  warnings: Diagnostic[]
  /** `warnings.length`. */
  warningCount: number
  /**
   * What decides which action items are overdue (the reference time moves, the record did not), for
   * records not on the site; the summary holds it for the others.
   */
  facts?: OverdueFacts
  /** Ids of its action items overdue at the build's reference time: a change re-renders the page. */
  overdue: string[]
  /** The incident on the site, or `null` when this build does not show it. */
  summary: SiteSummary | null
  /** Why a valid record is not on the site (`visibility is internal`). */
  hidden?: string
  /** The related ids its page links to (those that were on the site). */
  shown: string[]
}

/** What decides which of a record's action items are overdue: see `overdueIds`. */
export interface OverdueFacts extends Pick<Incident, 'severity' | 'timestamps'> {
  action_items?: Array<Pick<ActionItem, 'id' | 'status' | 'due'>>
}

/** The cache of one output folder. */
export interface BuildManifest {
  /** Hash of everything that shapes every page (tool version and code, config, templates, audience, URL). */
  key: string
  /**
   * Hash of what a record's diagnostics depend on besides its bytes and the reference time (tool
   * version and code, config): `validate` reuses the warnings of unchanged records under an equal one.
   */
  checks: string
  /** By file name as shown in diagnostics (relative to the working directory). */
  records: Record<string, CachedRecord>
}

// 5: a header line, then a line per record, so a save can reuse the text it loaded: `[name, record,
// row]` — the record without what a build seldom reads (`ColdFields`), its summary as a `SummaryRow` —
// a tab, and those fields. The header's `count` lines may be followed by lines appended by later saves
// (see `appendToManifest`): a record's last line is the one that counts, and `[name, null]` says a
// record is gone.
const format = 5

/** What a record's line holds after the tab, read when first asked for. */
interface ColdFields {
  warnings: Diagnostic[]
  summary?: SiteSummary
}

/**
 * A record's line: its fields as JSON with its summary as a row (what every warm build reads), then a
 * tab and what a build seldom reads — its warnings (a build counts them) and the whole summary (the
 * titles and prose of the rows and feed entries it draws again). JSON.stringify writes neither a raw
 * tab nor a line break.
 */
function recordLine(name: string, record: CachedRecord): string {
  const { warnings, summary, ...hot } = record
  const full = summary && fullSummary(summary)
  const cold: ColdFields = full ? { warnings, summary: full } : { warnings }
  return `${JSON.stringify([name, hot, full ? summaryRow(full) : null])}\t${JSON.stringify(cold)}\n`
}

/**
 * Gives a record read from its line's JSON the fields after the tab, read when first asked for: its
 * warnings, and its summary's rest (see `CachedSummary`). `line` is a view of the manifest's bytes,
 * not a copy: under `serve` the records outlive the load, and copying each line's cold part (most
 * are over the 4 KiB that Buffer's pool serves) cost more than keeping the file's bytes.
 */
function withColdFields(
  record: CachedRecord,
  row: SummaryRow | null,
  line: Buffer,
  tab: number,
  path: string,
): void {
  let cold: ColdFields | undefined
  const read = () => {
    try {
      return (cold ??= JSON.parse(line.toString('utf8', tab + 1)) as ColdFields)
    } catch {
      throw damaged(path)
    }
  }
  Object.defineProperty(record, 'warnings', {
    enumerable: true,
    configurable: true,
    get: () => read().warnings,
  })
  record.summary =
    row &&
    new CachedSummary(record.id, row, () => {
      const { summary } = read()
      if (!summary) throw damaged(path)
      return summary
    })
}

const damaged = (path: string) =>
  new PostmortemError(
    `The build cache ${path} is damaged: delete it (the next build is a full one) or build with --no-cache.`,
  )

/** `<out>/.cache/postmortem-build.json`: inside the output folder, so deleting `dist/` clears it. */
export function manifestPath(outDir: string): string {
  return join(outDir, '.cache', 'postmortem-build.json')
}

/** A stable hash of JSON-able parts. */
export function hashOf(...parts: unknown[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(`${JSON.stringify(part) ?? 'undefined'}\0`)
  return hash.digest('hex')
}

/** The manifest's `checks` for a configuration. */
export function checksKey(config: Config): string {
  return hashOf(toolFingerprint(), config)
}

/**
 * True when a file's size and modification time are those the cache saw. Synchronous: for 10,000
 * unchanged files the calls take ~30 ms, where as promises (through libuv's threads) they took ~0.3 s.
 */
export function unchangedOnDisk(file: string, cached: CachedRecord): boolean {
  try {
    const stats = statSync(file)
    return stats.size === cached.size && stats.mtimeMs === cached.mtimeMs
  } catch {
    return false // read the file, to report why it cannot be read
  }
}

/** SHA-256 of bytes, hex. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * The manifest of the last build into `outDir` with this `key`, or `undefined` when there is none,
 * it was made for other settings, it is unreadable, or the output it describes is gone.
 */
export async function loadManifest(outDir: string, key: string): Promise<BuildManifest | undefined> {
  const manifest = await readManifest(outDir, (header) => header.key === key)
  return manifest && (await outputPresent(outDir)) ? manifest : undefined
}

/**
 * The records of the last build into `outDir` whose diagnostics were found under these `checks` (see
 * `checksKey`), whatever the build's other settings; `undefined` when there is no such build.
 */
export async function loadCheckedRecords(
  outDir: string,
  checks: string,
): Promise<BuildManifest['records'] | undefined> {
  const manifest = await readManifest(outDir, (header) => header.checks === checks)
  return manifest?.records
}

/**
 * Where each record loaded or saved was last written: its line in a manifest file (named by
 * `fileId`), with its name. Saving the record again, unchanged, copies those bytes instead of
 * serialising it anew (at 10,000 records, ~35 MB of JSON need not be built and encoded again, which
 * under `serve` was ~0.2 s of every rebuild). Note: cached records are never changed in place; a
 * reused record with a new `stat` is a new object.
 */
const lineSources = new WeakMap<CachedRecord, { name: string; file: string; start: number; end: number }>()

/** The bytes of the manifest file last read, while nothing has replaced it (a save uses them). */
let lastRead: { file: string; bytes: Buffer } | undefined

/**
 * The manifest file this process last read or wrote (by `fileId`): its header, how many record lines
 * it holds, and where the line that counts for each record starts. A save appends to it while it is
 * the file `removeManifest` moved aside.
 */
let lastFile:
  { id: string; key: string; checks: string; lines: number; latest: Map<string, number> } | undefined

/** A manifest file's identity: a rename keeps it, a rewrite does not. */
function fileId(path: string): string | undefined {
  const stats = statOrUndefined(path)
  return stats && idOf(stats)
}

const idOf = ({ ino, size, mtimeMs }: Stats) => `${ino}:${size}:${mtimeMs}`

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/** Where `removeManifest` moves the manifest, so the next save can copy unchanged lines from it. */
const retiredPath = (file: string) => `${file}.previous`

/** The manifest in `outDir` when its header (key and checks) is one `wanted` accepts; its records are read only then. */
async function readManifest(
  outDir: string,
  wanted: (header: Omit<BuildManifest, 'records'>) => boolean,
): Promise<BuildManifest | undefined> {
  try {
    // Note: read as bytes and each line decoded alone: readFile(…, 'utf8') decodes in 512 KiB pieces,
    // and one string of the whole file is two bytes a character as soon as any line is not ASCII (an
    // excerpt's `…`): 35 MB at 10,000 records, parsed in ~190 ms that way, ~120 ms a line at a time.
    // A newline byte is never part of a UTF-8 sequence.
    const path = manifestPath(outDir)
    const id = fileId(path)
    const bytes = await readFile(path)
    let end = bytes.indexOf(10)
    const header = JSON.parse(bytes.toString('utf8', 0, end)) as Partial<Omit<BuildManifest, 'records'>> & {
      format?: number
      count?: number
    }
    if (header.format !== format || typeof header.key !== 'string' || typeof header.checks !== 'string')
      return undefined
    if (!wanted({ key: header.key, checks: header.checks })) return undefined
    const records = new Map<string, CachedRecord>()
    const latest = new Map<string, number>()
    let lines = 0
    while (end < bytes.length - 1) {
      const start = end + 1
      end = bytes.indexOf(10, start)
      if (end === -1) return undefined // cut short
      const tab = bytes.indexOf(9, start)
      if (tab === -1 || tab > end) return undefined
      const [name, record, row] = JSON.parse(bytes.toString('utf8', start, tab)) as [
        string,
        CachedRecord | null,
        unknown,
      ]
      lines += 1
      if (typeof name !== 'string' || typeof record !== 'object') return undefined
      if (record === null) {
        // A record gone since the lines before were written: only in the lines appended after them.
        if (lines <= (header.count ?? 0)) return undefined
        records.delete(name)
        latest.delete(name)
        continue
      }
      if (row !== null && !isSummaryRow(row)) return undefined
      withColdFields(record, row, bytes.subarray(start, end), tab - start, path)
      if (id) lineSources.set(record, { name, file: id, start, end: end + 1 })
      records.set(name, record)
      latest.set(name, start)
    }
    if (typeof header.count !== 'number' || lines < header.count) return undefined
    if (id) {
      lastRead = { file: id, bytes }
      lastFile = { id, key: header.key, checks: header.checks, lines, latest }
    }
    // Note: fromEntries defines own properties, whatever the names.
    return { key: header.key, checks: header.checks, records: Object.fromEntries(records) }
  } catch {
    return undefined
  }
}

/** True when the output a manifest describes is there (`site/` and `postmortems/`). */
export async function outputPresent(outDir: string): Promise<boolean> {
  const present = await Promise.all(
    ['site', 'postmortems'].map((name) =>
      stat(join(outDir, name)).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  )
  return present.every(Boolean)
}

/**
 * Takes the manifest away before the output changes (the next build is a full one unless a new one is
 * saved): it is renamed aside, where only the next save reads it, to copy the lines of unchanged records.
 */
export async function removeManifest(outDir: string): Promise<void> {
  const file = manifestPath(outDir)
  await rename(file, retiredPath(file)).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') await rm(file, { force: true })
  })
}

/** Reads a byte range of a manifest file the lines of unchanged records are copied from. */
type LineSource = (start: number, end: number) => Buffer

/**
 * The manifest file `id`, to copy lines from: the bytes read last, or the file where it is (or was
 * moved to), read a range at a time (not whole: under `serve`, ~32 MB more at the peak of a rebuild).
 */
function openSource(file: string, id: string, fds: number[]): LineSource | undefined {
  const read = lastRead
  if (read?.file === id) return (start, end) => read.bytes.subarray(start, end)
  for (const path of [file, retiredPath(file)]) {
    if (fileId(path) !== id) continue
    try {
      const fd = openSync(path, 'r')
      fds.push(fd)
      return (start, end) => {
        const bytes = Buffer.allocUnsafe(end - start)
        if (readSync(fd, bytes, 0, bytes.length, start) !== bytes.length)
          throw new Error(`${path} was cut short`)
        return bytes
      }
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * Lines appended to a manifest make it this much longer than its records at most (beyond a few): then
 * it is written anew, without the lines later ones replaced.
 */
const appendedShare = 0.25

/**
 * Saves the manifest by appending to the file `removeManifest` moved aside, when that is the file this
 * process last read or wrote under the same key and checks: the lines of records not written there as
 * they are now, and `[name, null]` for records gone, then the file is moved back. One edit at 10,000
 * records appends a line where writing the whole ~32 MB again took 0.1–0.4 s here. The append happens
 * while the file is aside: interrupted, it leaves no manifest, and the next build is a full one.
 * False when it cannot append (the full write follows).
 */
async function appendToManifest(file: string, manifest: BuildManifest): Promise<boolean> {
  const known = lastFile
  const retired = retiredPath(file)
  if (!known || known.key !== manifest.key || known.checks !== manifest.checks) return false
  const stats = statOrUndefined(retired)
  if (!stats || idOf(stats) !== known.id) return false
  const { size } = stats
  const entries = Object.entries(manifest.records)
  const lines: Buffer[] = []
  const added: Array<[CachedRecord, { name: string; start: number; end: number }]> = []
  let offset = size
  const put = (line: Buffer) => {
    lines.push(line)
    offset += line.length
  }
  for (const [name, record] of entries) {
    const source = lineSources.get(record)
    if (source?.file === known.id && source.name === name && known.latest.get(name) === source.start) continue
    const start = offset
    put(Buffer.from(recordLine(name, record)))
    added.push([record, { name, start, end: offset }])
  }
  const gone = [...known.latest.keys()].filter((name) => !Object.hasOwn(manifest.records, name))
  for (const name of gone) put(Buffer.from(`${JSON.stringify([name, null])}\t\n`))
  if (known.lines + lines.length > entries.length * (1 + appendedShare) + 16) return false
  try {
    if (lines.length > 0) await appendFile(retired, Buffer.concat(lines, offset - size))
    await rename(retired, file)
  } catch {
    return false
  }
  // Every line of the file is where it was; its identity changed with its size.
  const id = fileId(file)
  if (!id) return true
  for (const [, record] of entries) {
    const source = lineSources.get(record)
    if (source?.file === known.id) lineSources.set(record, { ...source, file: id })
  }
  const latest = new Map(known.latest)
  for (const name of gone) latest.delete(name)
  for (const [record, line] of added) {
    lineSources.set(record, { ...line, file: id })
    latest.set(line.name, line.start)
  }
  lastRead = undefined
  lastFile = { ...known, id, lines: known.lines + lines.length, latest }
  return true
}

/**
 * Saves the manifest atomically (a cache: losing it only makes the next build a full one): by
 * appending what changed to the file moved aside (`appendToManifest`) when it can; else written a
 * record at a time into a temporary file, then renamed over the old one: for 10,000 records the
 * manifest is ~32 MB, and one string of it (what write-file-atomic needs) was a build's peak of memory.
 * A record loaded from the last manifest and reused as it was is written as the line it was read from.
 */
export async function saveManifest(outDir: string, manifest: BuildManifest): Promise<void> {
  const file = manifestPath(outDir)
  if (await appendToManifest(file, manifest)) return
  await mkdir(dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  const handle = await open(temp, 'w')
  try {
    const entries = Object.entries(manifest.records)
    const { key, checks } = manifest
    const sources = new Map<string, LineSource | undefined>()
    const fds: number[] = []
    const header = Buffer.from(`${JSON.stringify({ format, key, checks, count: entries.length })}\n`)
    let chunk: Buffer[] = [header]
    let [size, offset] = [0, header.length]
    const written: Array<[CachedRecord, { name: string; start: number; end: number }]> = []
    // Lines copied from one file one after another are read at once (a run of about 1 MiB at most).
    let run: { read: LineSource; start: number; end: number } | undefined
    const put = async (bytes: Buffer) => {
      chunk.push(bytes)
      size += bytes.length
      if (size > 1 << 20) {
        await handle.write(Buffer.concat(chunk))
        ;[chunk, size] = [[], 0]
      }
    }
    const flush = async () => {
      if (run) await put(run.read(run.start, run.end))
      run = undefined
    }
    try {
      for (const [name, record] of entries) {
        const source = lineSources.get(record)
        let read: LineSource | undefined
        if (source?.name === name) {
          if (!sources.has(source.file)) sources.set(source.file, openSource(file, source.file, fds))
          read = sources.get(source.file)
        }
        let length: number
        if (read && source) {
          if (run?.read !== read || run.end !== source.start || run.end - run.start > 1 << 20) {
            await flush()
            run = { read, start: source.start, end: source.start }
          }
          run.end = source.end
          length = source.end - source.start
        } else {
          await flush()
          const line = Buffer.from(recordLine(name, record))
          await put(line)
          length = line.length
        }
        written.push([record, { name, start: offset, end: offset + length }])
        offset += length
      }
      await flush()
    } finally {
      for (const fd of fds) closeSync(fd)
    }
    await handle.write(Buffer.concat(chunk))
    await handle.close()
    await rename(temp, file)
    // The lines are now in this file: the next save copies them from here (or from where it is moved).
    const id = fileId(file)
    for (const [record, line] of written)
      if (id) lineSources.set(record, { ...line, file: id })
      else lineSources.delete(record)
    lastRead = undefined
    lastFile = id
      ? {
          id,
          key,
          checks,
          lines: entries.length,
          latest: new Map(written.map(([, line]) => [line.name, line.start])),
        }
      : undefined
    await rm(retiredPath(file), { force: true })
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(temp, { force: true })
    throw error
  }
}
