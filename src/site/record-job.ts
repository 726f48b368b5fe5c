/**
 * One record's share of a build — parse, validate, render — as a pure function of its bytes and the
 * build's context, so it runs the same in this thread or in a worker (`src/jobs/worker.ts`).
 */
import type { Diagnostic } from '../diagnostics.js'
import type { SourceLimits } from '../load/parse-source.js'
import { fileTooLarge, parseSource, unreadable } from '../load/parse-source.js'
import { isOverdue } from '../model/action-items.js'
import { whyNotPublic } from '../render/render-postmortem.js'
import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import { validateSource } from '../validate/validate-incident.js'
import type { CachedRecord } from './build-cache.js'
import { hashBytes } from './build-cache.js'
import type { SiteContext } from './build-site.js'
import { deniedIn, incidentOutput, relatedOnSite } from './build-site.js'
import type { DenyHit } from './publish.js'
import { publishable } from './publish.js'

/** What the job needs besides the record: the same for every record of a build. */
export interface RecordEnv {
  context: SiteContext
  /** Compiled `config.redact`. */
  patterns: readonly RegExp[]
  limits: SourceLimits
  /** Ids that count as on the site when choosing which related incidents to link. */
  onSite: ReadonlySet<string>
}

/** One record to rebuild. */
export interface RecordJob {
  /** The file as shown in diagnostics. */
  name: string
  /** Its bytes; `null` when over the size cap (it was not read). */
  bytes: Uint8Array | null
  stats: { mtimeMs: number; size: number }
  /** False once the build has failed: validate only. */
  render: boolean
}

/** What the job produced. */
export interface RecordDone {
  /** The record's id, as far as it could be read. */
  id: unknown
  /** Its errors: when there are any there is no `record`. */
  errors: Diagnostic[]
  record?: CachedRecord
  /**
   * Site files (relative to the site folder) of a record on the site, its page and its Markdown, as
   * UTF-8: encoded where they were rendered, a worker's bytes are moved to the main thread, not
   * copied (a structured clone of the pages' UTF-16 strings cost ~0.7 ms a record on each side).
   */
  site: Array<[path: string, content: Uint8Array]>
  /** Its Markdown postmortem (for `postmortems/<id>.md`), when on the site: the bytes of the site's copy. */
  markdown?: Uint8Array
  /** Where its files contain a `deny` term of a public build (the build stops). */
  denied?: DenyHit[]
  /** Milliseconds by stage (`  parse YAML`, `  validate`, `  render pages`), for `--timings`. */
  spent: Array<[stage: string, ms: number]>
}

type Facts = NonNullable<CachedRecord['facts']>

/** The ids of the record's action items that are overdue at `at`. */
export function overdueIds(facts: Facts, config: Config, at: Instant): string[] {
  return (facts.action_items ?? []).filter((i) => isOverdue(i, facts, config, at)).map((i) => i.id)
}

/** What decides which of a cached record's action items are overdue. */
function factsOf(record: CachedRecord): Facts {
  return record.summary?.incident ?? record.facts ?? { severity: '', timestamps: {} as Facts['timestamps'] }
}

/**
 * True when the cached record's overdue action items at `at` are those it was built with.
 * Note: `overdueIds` compared without the lists it makes: every warm build asks this of every
 * record (~18 ms at 10,000 records, mostly those lists and their garbage).
 */
export function overdueUnchanged(record: CachedRecord, config: Config, at: Instant): boolean {
  const facts = factsOf(record)
  const before = record.overdue
  let n = 0
  for (const item of facts.action_items ?? [])
    if (isOverdue(item, facts, config, at) && before[n++] !== item.id) return false
  return n === before.length
}

/** Parses and validates one record, and renders it when asked and valid. */
export function runRecordJob(job: RecordJob, env: RecordEnv): RecordDone {
  const { config, at } = env.context
  const spent: RecordDone['spent'] = []
  const timed = <T>(stage: string, fn: () => T): T => {
    const start = performance.now()
    try {
      return fn()
    } finally {
      spent.push([stage, performance.now() - start])
    }
  }
  const { name, bytes, stats } = job
  const source =
    bytes === null
      ? unreadable(name, fileTooLarge(name, stats.size, env.limits))
      : timed('  parse YAML', () => parseSource(bytes, name, env.limits))
  const result = timed('  validate', () => validateSource(source, { config, at }))
  const errors = result.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0 || !result.incident || bytes === null)
    return { id: source.data?.id, errors, site: [], spent }
  const incident = result.incident
  // Note: what decides which action items are overdue, no more: the cache keeps it for records not
  // on the site, and every warm build reads it.
  const facts: Facts = {
    severity: incident.severity,
    timestamps: incident.timestamps,
    ...(incident.action_items && {
      action_items: incident.action_items.map(({ id, status, due }) => ({ id, status, ...(due && { due }) })),
    }),
  }
  const rendered = job.render
    ? timed('  render pages', () => render(incident, env))
    : { summary: null, shown: [], site: [] }
  return {
    id: incident.id,
    errors,
    site: rendered.site,
    ...('markdown' in rendered && { markdown: rendered.markdown }),
    ...('denied' in rendered && { denied: rendered.denied }),
    spent,
    record: {
      ...stats,
      hash: hashBytes(bytes),
      id: incident.id,
      related: incident.related ?? [],
      warnings: result.diagnostics,
      warningCount: result.diagnostics.length,
      ...(!rendered.summary && { facts }),
      overdue: overdueIds(facts, config, at),
      summary: rendered.summary,
      shown: rendered.shown,
      ...('hidden' in rendered && { hidden: rendered.hidden }),
    },
  }
}

/** A valid record's output files and summary, or why it is not on this site. */
function render(incident: Incident, env: RecordEnv) {
  const { config, audience } = env.context
  const published = publishable([incident], audience, env.patterns)[0]
  if (!published) return { summary: null, shown: [], hidden: whyNotPublic(incident), site: [] }
  const shown = relatedOnSite(published, env.onSite)
  const output = incidentOutput(published, shown, env.context)
  const denied = deniedIn(config, audience, output.files)
  const markdown = utf8.encode(output.markdown)
  // Note: the site's copy of the Markdown is the same string: encoded once.
  const site = [...output.files].map(([path, content]): [string, Uint8Array] => [
    path,
    content === output.markdown ? markdown : utf8.encode(content),
  ])
  return { summary: output.summary, shown, site, markdown, ...(denied.length > 0 && { denied }) }
}

const utf8 = new TextEncoder()
