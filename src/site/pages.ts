import { wallClock } from '../model/local-time.js'
import Handlebars from 'handlebars'
import type { Root } from 'mdast'
import { dueDay } from '../model/action-items.js'
import { byCodeUnits } from '../model/code-units.js'
import type { IncidentFigures, Rollups } from '../model/rollups.js'
import { plainText } from '../render/markdown.js'
import type { postmortemView } from '../render/view-model.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import type { Audience } from './publish.js'
import { rowKey } from './page-rows.js'
import { proseHtml } from './prose-html.js'
import { replaceWithin, unchanged } from './replace-within.js'

/** Trusted markup for a layout: sanitised HTML or SVG we generated. */
export type Html = Handlebars.SafeString
const safe = (html: string): Html => new Handlebars.SafeString(html)

const isTree = (v: unknown): v is Root => typeof v === 'object' && v !== null && (v as Root).type === 'root'

/** Replaces every prose tree in a view with its sanitised HTML, so layouts print it as is. */
export function withHtml<T>(view: T): T {
  return replaceWithin(view, (v) =>
    v instanceof Handlebars.SafeString ? v : isTree(v) ? safe(proseHtml(v)) : unchanged,
  ) as T
}

/** Site-relative paths of the pages; links between pages are made relative from these. */
export const paths = {
  index: 'index.html',
  incident: (id: string) => `incidents/${id}/index.html`,
  markdown: (id: string) => `incidents/${id}/postmortem.md`,
  stats: 'stats/index.html',
  actions: 'action-items/index.html',
}

/** `../../` from a page at `path` back to the site root. */
export function rootFrom(path: string): string {
  return '../'.repeat(path.split('/').length - 1)
}

/** What the layouts know about the site and the page they render. */
export function siteContext(
  config: Config,
  audience: Audience,
  path: string,
  title: string,
  generator: string,
) {
  const root = rootFrom(path)
  const nav = [
    { label: 'Incidents', href: `${root}${paths.index}`, current: path === paths.index },
    { label: 'Stats', href: `${root}${paths.stats}`, current: path === paths.stats },
    { label: 'Action items', href: `${root}${paths.actions}`, current: path === paths.actions },
  ]
  return {
    site: {
      title: config.site.title,
      description: config.site.description ?? null,
      internal: audience === 'internal',
      generator,
      root,
      nav,
    },
    page: { title, path },
  }
}

/** The incident history: newest first, with what the filters and search need. */
export function indexView<T extends IncidentFigures & { excerpt: string }>(
  items: readonly T[],
  config: Config,
  /** What decides an incident's rows (see `rowKey`): the hash of its record; none: rows are not kept. */
  keyOf?: (item: T) => string | undefined,
) {
  // Note: the rows sorted by their own `started` (the same order, the sort being stable), not by a
  // key read through three objects in each comparison (with the rows made: 11.5 → 9.5 ms at 10,000).
  const rows = items
    .map((item) => {
      const key = keyOf?.(item)
      const made = indexRows.get(item)
      if (made && made[rowKey] === key) return made
      const row = new IndexRow(item, key)
      indexRows.set(item, row)
      return row
    })
    .sort((a, b) => b.started - a.started)
  const unique = (values: string[]) => [...new Set(values)].sort()
  return {
    incidents: rows,
    filters: {
      severities: config.severities.map((s) => s.name).filter((s) => rows.some((r) => r.severity === s)),
      services: unique(rows.flatMap((r) => r.services)),
      years: unique(rows.map((r) => r.year)).reverse(),
      statuses: unique(rows.map((r) => r.status)),
    },
  }
}

/**
 * Index rows made, by the summary each shows: under `serve` the summaries of unchanged records are the
 * same objects from one rebuild to the next (they are never changed in place), and so are their rows
 * (at 10,000 records, ~40 ms of each rebuild). Layouts never change a view.
 */
const indexRows = new WeakMap<IncidentFigures, IndexRow>()

/**
 * An incident's row on the index. Its title and summary are read when a layout reads them (getters on
 * the prototype, which layouts may read: see `viewGetters`): a row the page keeps from the last build
 * (see `PageRows`) is not drawn, and a summary from the build cache reads its prose only when asked
 * (`CachedSummary`). As getters in each row's literal, they were ~2 µs a row and their garbage.
 */
class IndexRow {
  readonly id: string
  readonly href: string
  readonly severity: string
  readonly status: string
  readonly type: string
  readonly services: string[]
  readonly services_attr: string
  readonly tags_attr: string
  readonly year: string
  readonly started: number
  readonly zone: string
  readonly duration: number | null
  readonly [rowKey]: string | undefined
  readonly #item: IncidentFigures & { excerpt: string }

  constructor(item: IncidentFigures & { excerpt: string }, key: string | undefined) {
    const { incident, figures } = item
    this.id = incident.id
    this.href = paths.incident(incident.id)
    this.severity = incident.severity
    this.status = incident.status
    this.type = incident.type
    this.services = incident.services.map((s) => s.id)
    this.services_attr = this.services.join(' ')
    this.tags_attr = (incident.tags ?? []).join(' ')
    this.year = String(wallClock(incident.timestamps.impact_started, incident.timezone).getUTCFullYear())
    this.started = incident.timestamps.impact_started
    this.zone = incident.timezone
    this.duration = figures.durations.impact_duration
    this[rowKey] = key
    this.#item = item
  }

  get title(): string {
    return this.#item.incident.title
  }

  get summary(): string {
    return this.#item.excerpt
  }
}

/** A plain-text excerpt of a prose tree, cut at a word. */
export function excerpt(tree: Root | null, max = 280): string {
  return tree ? truncate(plainText(tree), max) : ''
}

function truncate(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim()
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).replace(/\s+\S*$/, '')}…`
}

/** One incident's page: the postmortem view with prose as sanitised HTML, and its charts. */
export function incidentView(
  view: ReturnType<typeof postmortemView>,
  charts: {
    timeline: string
    metrics: Array<{ name: string; unit: string; svg: string; rows: Array<{ time: string; value: string }> }>
    groups: string | null
  },
) {
  return {
    ...withHtml(view),
    markdown_href: 'postmortem.md',
    charts: {
      timeline: safe(charts.timeline),
      metrics: charts.metrics.map((m) => ({ ...m, svg: safe(m.svg) })),
      groups: charts.groups === null ? null : safe(charts.groups),
    },
  }
}

/**
 * Done and not-doing action items the action-items page lists: those of the newest incidents. The
 * page is for what is still to do (SPEC §6: open and overdue); at 10,000 incidents every closed item
 * was ~32,000 rows, 9.7 of the page's 13.7 MB. Each incident's page lists all of its items.
 */
export const recentClosedItems = 100

/**
 * The action-items page: every open item across incidents, overdue first, then by due day; and the
 * done and not-doing items of the newest incidents (`recentClosedItems`), newest first.
 */
export function actionItemsView<T extends IncidentFigures>(
  items: readonly T[],
  config: Config,
  at: Instant,
  /** As for `indexView`: an item's row is kept by its incident's key, its place and whether it is overdue. */
  keyOf?: (item: T) => string | undefined,
) {
  const isOpen = (item: ActionItem) => item.status === 'open' || item.status === 'in_progress'
  const row = (summary: T, item: ActionItem, i: number) => {
    const key = keyOf?.(summary)
    const due = dueDay(item, summary.incident, config)
    const open = isOpen(item)
    const overdue = open && due !== null && at >= due + 86_400_000
    return new ActionRow(
      summary,
      item,
      due,
      open,
      overdue,
      key === undefined ? undefined : `${key}.${i}${overdue ? 'o' : ''}`,
    )
  }
  const open: ActionRow[] = []
  // Note: rows are made only for the closed items listed, not for every one (~32,000 at 10,000 incidents).
  const withClosed: T[] = []
  let closedCount = 0
  for (const summary of items) {
    const list = summary.incident.action_items
    if (!list) continue
    const before = closedCount
    for (let i = 0; i < list.length; i++)
      if (isOpen(list[i]!)) open.push(row(summary, list[i]!, i))
      else closedCount += 1
    if (closedCount > before) withClosed.push(summary)
  }
  open.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      (a.due ?? Infinity) - (b.due ?? Infinity) ||
      byCodeUnits(a.incident_id, b.incident_id),
  )
  // Note: sorted by place, with the start times read once (not through three objects per comparison).
  const started = withClosed.map((s) => s.incident.timestamps.impact_started)
  const newestFirst = withClosed
    .map((_, i) => i)
    .sort(
      (a, b) =>
        started[b]! - started[a]! || byCodeUnits(withClosed[a]!.incident.id, withClosed[b]!.incident.id),
    )
  const closed: ActionRow[] = []
  for (const place of newestFirst) {
    const summary = withClosed[place]!
    const list = summary.incident.action_items!
    for (let i = 0; i < list.length; i++)
      if (!isOpen(list[i]!) && closed.length < recentClosedItems) closed.push(row(summary, list[i]!, i))
    if (closed.length === recentClosedItems) break
  }
  return {
    open,
    closed,
    counts: {
      total: open.length + closedCount,
      open: open.length,
      overdue: open.filter((r) => r.overdue).length,
      closed: closedCount,
      /** Done and not-doing items not listed (older incidents'). */
      closed_older: closedCount - closed.length,
    },
  }
}

type ActionItem = NonNullable<IncidentFigures['incident']['action_items']>[number]

/** An action item's row on the action-items page: what only a drawn row shows is read when drawn (see `IndexRow`). */
class ActionRow {
  readonly incident_id: string
  readonly href: string
  readonly id: string
  readonly status: ActionItem['status']
  readonly [rowKey]: string | undefined
  readonly #incident: IncidentFigures['incident']
  readonly #item: ActionItem

  constructor(
    { incident }: IncidentFigures,
    item: ActionItem,
    readonly due: Instant | null,
    readonly open: boolean,
    readonly overdue: boolean,
    key: string | undefined,
  ) {
    this.incident_id = incident.id
    this.href = paths.incident(incident.id)
    this.id = item.id
    this.status = item.status
    this[rowKey] = key
    this.#incident = incident
    this.#item = item
  }

  get incident_title(): string {
    return this.#incident.title
  }

  get title(): string {
    return this.#item.title
  }

  get type(): ActionItem['type'] {
    return this.#item.type
  }

  get priority(): ActionItem['priority'] {
    return this.#item.priority
  }

  get owner(): string | null {
    return this.#item.owner ?? null
  }

  get issue(): { label: string; url: string; state: string } | null {
    const { issue } = this.#item
    return issue ? { label: `#${issue.number}`, url: issue.url, state: issue.state } : null
  }
}

/** The stats page: roll-ups and their charts. */
export function statsView(rollups: Rollups, charts: { months: string; mttr: string; budget: string | null }) {
  return {
    rollups,
    durations: Object.entries(rollups.durations).map(([name, d]) => ({
      name: name.replace(/_/g, ' '),
      ...d,
    })),
    by_service: Object.entries(rollups.by_service).map(([name, count]) => ({
      name,
      count,
      impact_minutes: rollups.impact_minutes_by_service[name] ?? 0,
    })),
    charts: {
      months: safe(charts.months),
      mttr: safe(charts.mttr),
      budget: charts.budget === null ? null : safe(charts.budget),
    },
  }
}
