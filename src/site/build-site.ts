import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { formatInZone } from '../model/local-time.js'
import { PostmortemError } from '../errors.js'
import { deriveFigures } from '../model/figures.js'
import type { IncidentFigures, Rollups } from '../model/rollups.js'
import { incidentFacts, summarize } from '../model/rollups.js'
import { renderPostmortemView } from '../render/render-postmortem.js'
import type { Templates } from '../render/templates.js'
import { loadTemplates } from '../render/templates.js'
import { postmortemView } from '../render/view-model.js'
import { packagePath } from '../paths.js'
import type { ProgressCallback } from '../progress.js'
import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import { barChartSvg, lineChartSvg, stackedColumnsSvg } from './bar-chart-svg.js'
import type { SiteEntry, SiteInfo } from './feeds.js'
import type { JoinedFile } from './feeds.js'
import {
  atomFeed,
  incidentsJsonParts,
  joinedText,
  jsonFeed,
  rssFeed,
  searchIndexParts,
  sitemapParts,
} from './feeds.js'
import { metricChartSvg, metricTable } from './metric-chart-svg.js'
import { actionItemsView, excerpt, incidentView, indexView, paths, siteContext, statsView } from './pages.js'
import { proseHtml } from './prose-html.js'
import type { Audience, DenyHit } from './publish.js'
import { findDenied, publishable, redactPatterns } from './publish.js'
import { chartCss } from './chart-style.js'
import { timelineCss, timelineSvg } from './timeline-svg.js'
import { writeFolderAtomically } from './write-site.js'
import type { PageRows } from './page-rows.js'

/** What `buildSite` needs. */
export interface BuildSiteOptions {
  /** Valid incidents; the build picks what its audience may see. */
  incidents: readonly Incident[]
  config: Config
  /** Folder that config paths (`site.theme`) are relative to. */
  root: string
  /** The site folder, replaced as a whole (`dist/site`). */
  outDir: string
  audience: Audience
  /** Absolute URL the site is served from, ending in `/` (feeds, sitemap). */
  baseUrl: string
  /** Reference time for "overdue" and budget windows. */
  at: Instant
  /** Markdown templates for the postmortems (shared with `render`). */
  markdown: Templates
  /** `postmortem 0.1.0`, for the generator tags. */
  generator: string
  /** When each record file last changed (absolute path → ms), e.g. from git: feeds' `updated` moves with it. */
  changed?: ReadonlyMap<string, number>
  cwd?: string
  /** Called after each incident page (stage `render`), and before and after writing (stage `write`). */
  onProgress?: ProgressCallback
}

/** What a build produced. */
export interface BuildSiteResult {
  /** Incidents on the site. */
  incidents: number
  /** Files written (pages, feeds, assets). */
  files: number
  /** The Markdown postmortems, by incident id, for `dist/postmortems/`. */
  postmortems: Map<string, string>
}

/** A public build stopped because a `deny` term survived into its output. */
export class DeniedTermError extends PostmortemError {
  constructor(readonly hits: readonly DenyHit[]) {
    super(
      `the public site would contain denied terms: ${hits
        .slice(0, 10)
        .map((h) => `"${h.term}" in ${h.file}`)
        .join(', ')}${hits.length > 10 ? ` and ${hits.length - 10} more` : ''}; nothing was written`,
    )
    this.name = 'DeniedTermError'
  }
}

/** Every file of the theme's asset folders (shipped, then the override), as `assets/<name>`. */
export async function assetFiles(config: Config, root: string): Promise<Map<string, Uint8Array>> {
  const theme = config.site.theme ? join(root, config.site.theme) : undefined
  const files = new Map<string, Uint8Array>()
  for (const dir of [packagePath('site/assets'), ...(theme ? [join(theme, 'assets')] : [])]) {
    const entries = await readdir(dir).catch(() => [] as string[])
    for (const name of entries) files.set(`assets/${name}`, await readFile(join(dir, name)))
  }
  // Note: chart styles live in a file, not in <style> inside each SVG: the CSP allows no inline styles.
  files.set('assets/charts.css', Buffer.from(`${timelineCss}\n${chartCss}`))
  return files
}

/** The theme's layouts: shipped, shadowed by name by the config's `site.theme`. */
export function loadLayouts(config: Config, root: string, cwd?: string): Promise<Templates> {
  const theme = config.site.theme ? join(root, config.site.theme) : undefined
  return loadTemplates({
    dir: packagePath('site/layouts'),
    ...(theme && { overrides: join(theme, 'layouts') }),
    html: true,
    ...(cwd && { cwd }),
  })
}

/** What every page of one build shares. */
export interface SiteContext {
  config: Config
  audience: Audience
  /** HTML layouts (`loadLayouts`). */
  layouts: Templates
  /** Markdown templates of the postmortems. */
  markdown: Templates
  baseUrl: string
  generator: string
  at: Instant
}

/** What the index, stats, action items and feeds need of one incident on the site. */
export interface SiteSummary extends IncidentFigures {
  /** A plain-text excerpt of the postmortem's summary (the index, search). */
  excerpt: string
  /**
   * Sanitised HTML of the postmortem's summary: the feeds' content. The build cache reads it only when
   * asked (the feeds show the newest 50 incidents), see `CachedRecord`.
   */
  content_html: string
  /** The latest moment the record mentions (epoch ms). */
  lastChange: number
}

/**
 * An incident in the feeds, search and incidents.json, last changed at `updated`. Its `content_html`
 * is the summary's, read only when asked (the feeds show the newest 50 incidents; the build cache
 * reads it from disk on demand): a getter on the class, so each entry is a plain fast object.
 */
class SummaryEntry implements SiteEntry {
  readonly id: string
  readonly path: string
  readonly severity: string
  readonly status: string
  readonly type: string
  readonly services: string[]
  readonly tags: string[]
  readonly started: number
  readonly resolved: number | null
  readonly published: number
  readonly figures: SiteEntry['figures']
  readonly #of: SiteSummary

  constructor(
    of: SiteSummary,
    readonly updated: number,
  ) {
    const { incident } = of
    const t = incident.timestamps
    this.id = incident.id
    this.path = `incidents/${incident.id}/`
    this.severity = incident.severity
    this.status = incident.status
    this.type = incident.type
    this.services = incident.services.map((s) => s.id)
    this.tags = incident.tags ?? []
    this.started = t.impact_started
    this.resolved = t.resolved
    // Note: records carry no publication date; the impact end (else start) is stable across builds.
    this.published = t.impact_ended ?? t.resolved ?? t.impact_started
    this.figures = of.figures.durations
    this.#of = of
  }

  // Note: the title and prose are read for the entries drawn (see `CachedSummary`).
  get title(): string {
    return this.#of.incident.title
  }

  get summary(): string {
    return this.#of.excerpt
  }

  get content_html(): string {
    return this.#of.content_html
  }
}

/** One incident's files (its page and its Markdown postmortem) and its summary. */
export interface IncidentOutput {
  /** Site-relative path → content. */
  files: Map<string, string>
  markdown: string
  summary: SiteSummary
}

/**
 * Renders one published incident (see `publishable`): the postmortem view is built once and serves
 * both the Markdown and the HTML page. `related` lists the related ids that are on this site.
 */
export function incidentOutput(
  incident: Incident,
  related: readonly string[],
  context: SiteContext,
): IncidentOutput {
  const { config, audience } = context
  const figures = deriveFigures(incident, config, context.at)
  const view = { ...postmortemView(incident, figures, config, audience), related: [...related] }
  const markdown = renderPostmortemView(view, context.markdown)
  const idPrefix = `pm-${incident.id}`
  const charts = {
    timeline: timelineSvg(incident, { idPrefix: `${idPrefix}-timeline`, embedStyle: false }),
    metrics: incident.metrics.map((metric, i) => ({
      name: metric.name,
      unit: metric.unit,
      svg: metricChartSvg(metric, incident, { idPrefix: `${idPrefix}-metric-${i}`, embedStyle: false }),
      rows: metricTable(metric, incident),
    })),
    groups:
      (incident.impact?.groups ?? []).length === 0
        ? null
        : barChartSvg(
            incident.impact!.groups!.map((g) => ({
              label: g.name,
              value: g.value,
              ...(g.unit && { unit: g.unit }),
            })),
            { title: 'Impact by group', idPrefix: `${idPrefix}-groups`, embedStyle: false },
          ),
  }
  const path = paths.incident(incident.id)
  const page = context.layouts.render('incident.html', {
    ...siteContext(config, audience, path, incident.title, context.generator),
    incident: incidentView(view, charts),
  })
  return {
    files: new Map([
      [path, page],
      [paths.markdown(incident.id), markdown],
    ]),
    markdown,
    summary: {
      // Note: the prose of action items is on the incident's page only; summaries stay small.
      incident: incidentFacts(incident),
      figures,
      excerpt: excerpt(view.summary),
      content_html: view.summary ? proseHtml(view.summary) : '',
      lastChange: lastChange(incident),
    },
  }
}

/**
 * The pages and files made from all incidents together: index, stats, action items, feeds, sitemap,
 * incidents.json and the search index. `updated` gives each incident's last change (epoch ms) when
 * known better than from the record, e.g. from git.
 */
export function aggregateFiles(
  summaries: readonly SiteSummary[],
  context: SiteContext,
  updated: (summary: SiteSummary) => number = (s) => s.lastChange,
): Map<string, string | Uint8Array> {
  return new Map(aggregateSteps(summaries, context, updated).map(([path, render]) => [path, render()]))
}

/**
 * Feed entries made, by summary: under `serve` the summaries of unchanged records are the same objects
 * from one rebuild to the next (they are never changed in place), and so are their entries while
 * their dates stay.
 */
const madeEntries = new WeakMap<SiteSummary, SiteEntry>()

/**
 * `aggregateFiles` one file at a time: each path with the function that renders it, so a caller can
 * let other work in between (`serve` answers requests; the biggest step takes ~0.2 s at 10,000), and
 * whether it shows the dates `updated` gives (the feeds and the lists of all incidents do; the
 * index, stats and action items, first, do not: a caller can find the dates while they render).
 */
export function aggregateSteps(
  summaries: readonly SiteSummary[],
  context: SiteContext,
  updated: (summary: SiteSummary) => number = (s) => s.lastChange,
  /**
   * The rows of the index and the action items kept from the last build (see `PageRows`), and what
   * decides an incident's rows: the hash of its record's bytes.
   */
  rows?: { kept: PageRows; keyOf: (summary: SiteSummary) => string | undefined },
): Array<[path: string, render: () => string | Uint8Array, dated: boolean]> {
  const { config, audience, at, layouts } = context
  const page = (path: string, title: string) => siteContext(config, audience, path, title, context.generator)
  const keyOf = rows?.keyOf
  const render = (name: string, path: string, view: object) =>
    rows ? rows.kept.render(layouts, name, path, view) : layouts.render(name, view)
  let rollups: Rollups | undefined
  let entries: SiteEntry[] | undefined
  const entryKeys = new Map<SiteEntry, string | undefined>()
  const allEntries = () =>
    (entries ??= summaries.map((s) => {
      const at = Math.max(s.lastChange, updated(s))
      let entry = madeEntries.get(s)
      if (entry?.updated !== at) madeEntries.set(s, (entry = new SummaryEntry(s, at)))
      if (rows) entryKeys.set(entry, rows.keyOf(s))
      return entry
    }))
  const entryKey = (entry: SiteEntry) => entryKeys.get(entry)
  const joined = (path: string, file: JoinedFile) => (rows ? rows.kept.joined(path, file) : joinedText(file))
  const info: SiteInfo = {
    title: config.site.title,
    ...(config.site.description && { description: config.site.description }),
    baseUrl: context.baseUrl,
    generator: context.generator,
  }
  return [
    [
      paths.index,
      () =>
        render('index.html', paths.index, {
          ...page(paths.index, config.site.title),
          ...indexView(summaries, config, keyOf),
        }),
      false,
    ],
    [
      paths.stats,
      () => {
        rollups ??= summarize(summaries, config, at)
        return layouts.render('stats.html', {
          ...page(paths.stats, 'Stats'),
          ...statsView(rollups, statsCharts(summaries, rollups, config)),
        })
      },
      false,
    ],
    [
      paths.actions,
      () =>
        render('action-items.html', paths.actions, {
          ...page(paths.actions, 'Action items'),
          ...actionItemsView(summaries, config, at, keyOf),
        }),
      false,
    ],
    ['feed.xml', () => atomFeed(info, allEntries()), true],
    ['rss.xml', () => rssFeed(info, allEntries()), true],
    ['feed.json', () => jsonFeed(info, allEntries()), true],
    [
      'incidents.json',
      () => joined('incidents.json', incidentsJsonParts(info, allEntries(), entryKey)),
      true,
    ],
    ['search.json', () => joined('search.json', searchIndexParts(allEntries(), entryKey)), true],
    [
      'sitemap.xml',
      () =>
        joined(
          'sitemap.xml',
          sitemapParts(info, [
            { path: '' },
            { path: 'stats/' },
            { path: 'action-items/' },
            ...allEntries().map((e) => ({ path: e.path, lastmod: e.updated, key: entryKey(e) })),
          ]),
        ),
      true,
    ],
  ]
}

/** The ids of `related` that are on the site. */
export function relatedOnSite(incident: Pick<Incident, 'related'>, onSite: ReadonlySet<string>): string[] {
  return (incident.related ?? []).filter((id) => onSite.has(id))
}

/** Where a public build's files contain a `deny` term (none for an internal build). */
export function deniedIn(
  config: Config,
  audience: Audience,
  files: ReadonlyMap<string, string | Uint8Array>,
): DenyHit[] {
  if (audience !== 'public' || config.deny.length === 0) return []
  const texts = new Map<string, string>()
  for (const [path, content] of files)
    texts.set(path, typeof content === 'string' ? content : Buffer.from(content).toString('utf8'))
  return findDenied(texts, config.deny)
}

/** Throws when a public build's file contains a `deny` term. */
export function checkDenied(
  config: Config,
  audience: Audience,
  files: ReadonlyMap<string, string | Uint8Array>,
): void {
  const hits = deniedIn(config, audience, files)
  if (hits.length > 0) throw new DeniedTermError(hits)
}

/**
 * Builds the static site of SPEC §6 in memory — pages straight from the validated records through the
 * theme's layouts, prose converted from the trees parsed once for the Markdown too — checks a public
 * build for denied terms, then swaps the folder in atomically. (The CLI's `build` goes through
 * `buildRecords` instead, which streams pages to disk and reuses unchanged records.)
 *
 * @param options - The incidents, configuration, audience, output folder and the rest; see
 *   {@link BuildSiteOptions}.
 * @returns How many incidents and files the site has, and the Markdown postmortems by id.
 * @throws {@link DeniedTermError} when a public build would contain a `deny` term (nothing is written);
 *   `TemplateError` when a theme layout fails.
 *
 * @example
 * ```ts
 * const { incidents, config, at } = await loadIncidents()
 * await buildSite({ incidents, config, at, root: '.', outDir: 'dist/site', audience: 'public',
 *   baseUrl: 'https://status.example.com/', markdown: await loadTemplates(), generator: 'my-script' })
 * ```
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSiteResult> {
  const { config, audience } = options
  const context: SiteContext = {
    config,
    audience,
    layouts: await loadLayouts(config, options.root, options.cwd),
    markdown: options.markdown,
    baseUrl: options.baseUrl,
    generator: options.generator,
    at: options.at,
  }
  const incidents = publishable(options.incidents, audience, redactPatterns(config.redact))
  const onSite = new Set(incidents.map((i) => i.id))
  const files = new Map<string, string | Uint8Array>()
  const postmortems = new Map<string, string>()
  const summaries: SiteSummary[] = []
  for (const incident of incidents) {
    // Related incidents that are not on this site (internal ones, in a public build) are left out.
    const output = incidentOutput(incident, relatedOnSite(incident, onSite), context)
    checkDenied(config, audience, output.files)
    for (const [path, content] of output.files) files.set(path, content)
    postmortems.set(incident.id, output.markdown)
    summaries.push(output.summary)
    options.onProgress?.(summaries.length, incidents.length, 'render')
  }
  const cwd = options.cwd ?? '.'
  const byId = new Map(incidents.map((i) => [i.id, i.file]))
  const aggregates = aggregateFiles(
    summaries,
    context,
    (s) => options.changed?.get(resolve(cwd, byId.get(s.incident.id)!)) ?? 0,
  )
  checkDenied(config, audience, aggregates)
  for (const [path, content] of aggregates) files.set(path, content)
  const assets = await assetFiles(config, options.root)
  checkDenied(config, audience, assets)
  for (const [path, content] of assets) files.set(path, content)
  options.onProgress?.(0, files.size, 'write')
  await writeFolderAtomically(options.outDir, files)
  options.onProgress?.(files.size, files.size, 'write')
  return { incidents: summaries.length, files: files.size, postmortems }
}

/** The latest moment the record mentions: it moves when a postmortem gains events or is resolved. */
function lastChange(incident: Incident): Instant {
  const t = incident.timestamps
  const candidates = [
    t.impact_started,
    t.detected,
    t.resolved,
    t.impact_ended,
    ...incident.timeline.map((e) => e.at),
  ]
  for (const item of incident.action_items ?? [])
    if (item.issue) candidates.push(Date.parse(item.issue.synced_at))
  return Math.max(...candidates.filter((c): c is number => c !== null && Number.isFinite(c)))
}

function statsCharts(
  items: readonly IncidentFigures[],
  rollups: ReturnType<typeof summarize>,
  config: Config,
) {
  const months = monthRange(Object.keys(rollups.by_month))
  const levels = config.severities.map((s) => s.name)
  // One month label per incident, computed once.
  const monthOf = new Map(
    items.map((i) => [i, formatInZone(i.incident.timestamps.impact_started, config.timezone, 'yyyy-MM')]),
  )
  const byMonth = new Map<string, IncidentFigures[]>()
  for (const i of items) {
    const month = monthOf.get(i)!
    const group = byMonth.get(month)
    if (group) group.push(i)
    else byMonth.set(month, [i])
  }
  const columns = months.map((month) => ({
    label: month,
    segments: levels.map((key) => ({
      key,
      value: (byMonth.get(month) ?? []).filter((i) => i.incident.severity === key).length,
    })),
  }))
  const mttr = months.map((month) => {
    const ttr = (byMonth.get(month) ?? [])
      .map((i) => i.figures.durations.time_to_resolve)
      .filter((v): v is number => v !== null)
    return { label: month, value: ttr.length === 0 ? null : ttr.reduce((a, b) => a + b, 0) / ttr.length }
  })
  const burns = rollups.error_budget.map((slo) => ({
    label: slo.slo,
    value: Math.round(slo.windows.reduce((sum, w) => sum + w.burn_percent, 0) * 10) / 10,
    unit: '%',
  }))
  return {
    months: stackedColumnsSvg(columns, {
      title: 'Incidents per month by severity',
      keys: levels,
      idPrefix: 'pm-stats-months',
      embedStyle: false,
    }),
    mttr: lineChartSvg(mttr, {
      title: 'Mean time to resolve per month',
      unit: 'duration',
      idPrefix: 'pm-stats-mttr',
      embedStyle: false,
    }),
    budget:
      burns.length === 0
        ? null
        : barChartSvg(burns, {
            title: 'Error budget burned per SLO (all windows)',
            idPrefix: 'pm-stats-budget',
            embedStyle: false,
          }),
  }
}

/** Every month from the first to the last given (`YYYY-MM`), so quiet months show as zero. */
function monthRange(months: readonly string[]): string[] {
  const sorted = [...months].sort()
  if (sorted.length === 0) return []
  const [first, last] = [sorted[0]!, sorted.at(-1)!]
  const out: string[] = []
  let [year, month] = first.split('-').map(Number) as [number, number]
  for (let key = first; key <= last;) {
    out.push(key)
    month += 1
    if (month > 12) [year, month] = [year + 1, 1]
    key = `${year}-${String(month).padStart(2, '0')}`
  }
  return out
}
