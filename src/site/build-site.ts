import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns'
import { PostmortemError } from '../errors.js'
import { deriveFigures } from '../model/figures.js'
import type { IncidentFigures } from '../model/rollups.js'
import { summarize } from '../model/rollups.js'
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
import { atomFeed, incidentsJson, jsonFeed, rssFeed, searchIndex, sitemapXml } from './feeds.js'
import { metricChartSvg, metricTable } from './metric-chart-svg.js'
import { actionItemsView, excerpt, incidentView, indexView, paths, siteContext, statsView } from './pages.js'
import { proseHtml } from './prose-html.js'
import type { Audience, DenyHit } from './publish.js'
import { findDenied, publishable, redactPatterns } from './publish.js'
import { chartCss } from './chart-style.js'
import { timelineCss, timelineSvg } from './timeline-svg.js'
import { writeFolderAtomically } from './write-site.js'

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

async function assetFiles(dirs: readonly string[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>()
  for (const dir of dirs) {
    const entries = await readdir(dir).catch(() => [] as string[])
    for (const name of entries) files.set(`assets/${name}`, await readFile(join(dir, name)))
  }
  return files
}

/**
 * Builds the static site of SPEC §6 in memory — pages straight from the validated records through the
 * theme's layouts, prose converted from the trees parsed once for the Markdown too — checks a public
 * build for denied terms, then swaps the folder in atomically.
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
  const { config, audience, at } = options
  const theme = config.site.theme ? join(options.root, config.site.theme) : undefined
  const layouts = await loadTemplates({
    dir: packagePath('site/layouts'),
    ...(theme && { overrides: join(theme, 'layouts') }),
    html: true,
    ...(options.cwd && { cwd: options.cwd }),
  })
  const incidents = publishable(options.incidents, audience, redactPatterns(config.redact))
  const items: IncidentFigures[] = incidents.map((incident) => ({
    incident,
    figures: deriveFigures(incident, config, at),
  }))
  const files = new Map<string, string | Uint8Array>()
  const postmortems = new Map<string, string>()
  const excerpts = new Map<string, string>()
  const entries: SiteEntry[] = []
  const page = (path: string, title: string) => siteContext(config, audience, path, title, options.generator)

  const onSite = new Set(items.map((i) => i.incident.id))
  for (const { incident, figures } of items) {
    // Related incidents that are not on this site (internal ones, in a public build) are left out.
    const view = {
      ...postmortemView(incident, figures, config, audience),
      related: (incident.related ?? []).filter((id) => onSite.has(id)),
    }
    const markdown = renderPostmortemView(view, options.markdown)
    postmortems.set(incident.id, markdown)
    excerpts.set(incident.id, excerpt(view.summary))
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
    files.set(
      path,
      layouts.render('incident.html', {
        ...page(path, incident.title),
        incident: incidentView(view, charts),
      }),
    )
    files.set(paths.markdown(incident.id), markdown)
    entries.push({
      id: incident.id,
      title: incident.title,
      path: `incidents/${incident.id}/`,
      summary: excerpts.get(incident.id)!,
      content_html: view.summary ? proseHtml(view.summary) : '',
      severity: incident.severity,
      status: incident.status,
      type: incident.type,
      services: incident.services.map((s) => s.id),
      tags: incident.tags ?? [],
      started: incident.timestamps.impact_started,
      resolved: incident.timestamps.resolved,
      // Note: records carry no publication date; the impact end (else start) is stable across builds.
      published:
        incident.timestamps.impact_ended ??
        incident.timestamps.resolved ??
        incident.timestamps.impact_started,
      updated: Math.max(
        lastChange(incident),
        options.changed?.get(resolve(options.cwd ?? '.', incident.file)) ?? 0,
      ),
      figures: figures.durations,
    })
    options.onProgress?.(entries.length, items.length, 'render')
  }

  files.set(
    paths.index,
    layouts.render('index.html', {
      ...page(paths.index, config.site.title),
      ...indexView(items, config, excerpts),
    }),
  )
  const rollups = summarize(items, config, at)
  files.set(
    paths.stats,
    layouts.render('stats.html', {
      ...page(paths.stats, 'Stats'),
      ...statsView(rollups, statsCharts(items, rollups, config)),
    }),
  )
  files.set(
    paths.actions,
    layouts.render('action-items.html', {
      ...page(paths.actions, 'Action items'),
      ...actionItemsView(items, config, at),
    }),
  )

  const info: SiteInfo = {
    title: config.site.title,
    ...(config.site.description && { description: config.site.description }),
    baseUrl: options.baseUrl,
    generator: options.generator,
  }
  files.set('feed.xml', atomFeed(info, entries))
  files.set('rss.xml', rssFeed(info, entries))
  files.set('feed.json', jsonFeed(info, entries))
  files.set('incidents.json', incidentsJson(info, entries))
  files.set('search.json', searchIndex(entries))
  files.set(
    'sitemap.xml',
    sitemapXml(info, [
      { path: '' },
      { path: 'stats/' },
      { path: 'action-items/' },
      ...entries.map((e) => ({ path: e.path, lastmod: e.updated })),
    ]),
  )
  // Note: chart styles live in a file, not in <style> inside each SVG: the CSP allows no inline styles.
  files.set('assets/charts.css', `${timelineCss}\n${chartCss}`)
  for (const [path, content] of await assetFiles([
    packagePath('site/assets'),
    ...(theme ? [join(theme, 'assets')] : []),
  ]))
    files.set(path, content)

  if (audience === 'public' && config.deny.length > 0) {
    const texts = new Map<string, string>()
    for (const [path, content] of files)
      texts.set(path, typeof content === 'string' ? content : Buffer.from(content).toString('utf8'))
    const hits = findDenied(texts, config.deny)
    if (hits.length > 0) throw new DeniedTermError(hits)
  }
  options.onProgress?.(0, files.size, 'write')
  await writeFolderAtomically(options.outDir, files)
  options.onProgress?.(files.size, files.size, 'write')
  return { incidents: items.length, files: files.size, postmortems }
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
    items.map((i) => [
      i,
      format(new TZDate(i.incident.timestamps.impact_started, config.timezone), 'yyyy-MM'),
    ]),
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
