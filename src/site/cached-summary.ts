import type { Durations } from '../model/durations.js'
import type { Figures } from '../model/figures.js'
import type { IncidentFacts } from '../model/rollups.js'
import type { Service } from '../validate/normalize.js'
import type { SiteSummary } from './build-site.js'

/**
 * A summary as the build cache keeps it in the part of a record's line every warm build reads: the
 * values the pages over all incidents read of every incident (sort keys, counts, durations, budget
 * burns, action items' status and due date), as arrays without keys. The prose and titles, which only
 * a drawn row, a feed entry or a rewrite reads, are in the part read when asked (see `CachedSummary`).
 * At 10,000 records the summaries as objects were ~2.3 KB of each record's ~3.5 KB line, and parsing
 * them, with the garbage collection that followed, ~0.3 s of a one-edit build.
 */
export type SummaryRow = [
  severity: string,
  status: string,
  type: string,
  timezone: string,
  services: Array<string | [id: string, impact: NonNullable<Service['impact']>]>,
  tags: string[] | null,
  timestamps: Array<number | null>,
  durations: Array<number | null>,
  budget: Array<[slo: string, bad: number | null, burn: number | null]>,
  health: Array<number | null>,
  items: Array<[id: string, status: string, due: string | null]> | null,
  lastChange: number,
]

const timestampNames = [
  'impact_started',
  'detected',
  'acknowledged',
  'cause_identified',
  'mitigated',
  'resolved',
  'impact_ended',
] as const
const durationNames = [
  'time_to_detect',
  'time_to_acknowledge',
  'time_to_mitigate',
  'time_to_resolve',
  'impact_duration',
] as const satisfies ReadonlyArray<keyof Durations>
const healthNames = [
  'total',
  'open',
  'in_progress',
  'done',
  'not_doing',
  'overdue',
  'completion_percent',
] as const satisfies ReadonlyArray<keyof Figures['action_items']>

type Item = NonNullable<IncidentFacts['action_items']>[number]

/** The row of a summary (one made by this build, or one read from the cache). */
export function summaryRow(summary: SiteSummary): SummaryRow {
  const { incident, figures } = summary
  return [
    incident.severity,
    incident.status,
    incident.type,
    incident.timezone,
    incident.services.map((s) => (s.impact === undefined ? s.id : [s.id, s.impact])),
    incident.tags ?? null,
    timestampNames.map((name) => incident.timestamps[name]),
    durationNames.map((name) => figures.durations[name]),
    figures.error_budget.map((b) => [b.slo, b.bad_minutes, b.burn_percent]),
    healthNames.map((name) => figures.action_items[name]),
    incident.action_items?.map((item) => [item.id, item.status, item.due ?? null]) ?? null,
    summary.lastChange,
  ]
}

/** True when `row` has a summary row's shape (a cache line is checked before it is trusted). */
export function isSummaryRow(row: unknown): row is SummaryRow {
  return (
    Array.isArray(row) &&
    row.length === 12 &&
    Array.isArray(row[4]) &&
    (row[5] === null || Array.isArray(row[5])) &&
    Array.isArray(row[6]) &&
    row[6].length === timestampNames.length &&
    Array.isArray(row[7]) &&
    row[7].length === durationNames.length &&
    Array.isArray(row[8]) &&
    Array.isArray(row[9]) &&
    row[9].length === healthNames.length &&
    (row[10] === null || Array.isArray(row[10])) &&
    typeof row[11] === 'number'
  )
}

/**
 * A summary read from the build cache: what every build reads is made from its `SummaryRow`; the rest
 * (the title, the excerpt, the HTML, action items' titles, owners and issues, the communication
 * figures) from the whole summary, parsed from the cache when first asked for. The getters are on the
 * prototypes: layouts never see these objects (the views' rows read what they show from them).
 */
export class CachedSummary implements SiteSummary {
  readonly incident: IncidentFacts
  readonly figures: Figures
  readonly lastChange: number
  readonly #load: () => SiteSummary
  #full: SiteSummary | undefined

  constructor(id: string, row: SummaryRow, load: () => SiteSummary) {
    this.#load = load
    const [severity, status, type, timezone, services, tags, times, durations, budget, health, items] = row
    this.incident = new CachedIncident(
      this,
      id,
      severity,
      status as IncidentFacts['status'],
      type as IncidentFacts['type'],
      timezone,
      services,
      tags,
      times,
      items,
    )
    this.figures = new CachedFigures(this, durations, budget, health)
    this.lastChange = row[11]
  }

  /** The whole summary, as it was saved. */
  full(): SiteSummary {
    return (this.#full ??= this.#load())
  }

  get excerpt(): string {
    return this.full().excerpt
  }

  get content_html(): string {
    return this.full().content_html
  }
}

/** The whole of a summary: itself, or the one a cached summary was made from. */
export function fullSummary(summary: SiteSummary): SiteSummary {
  return summary instanceof CachedSummary ? summary.full() : summary
}

class CachedIncident implements IncidentFacts {
  readonly services: Service[]
  readonly tags: string[] | undefined
  readonly timestamps: IncidentFacts['timestamps']
  readonly action_items: Item[] | undefined
  readonly #summary: CachedSummary

  constructor(
    summary: CachedSummary,
    readonly id: string,
    readonly severity: string,
    readonly status: IncidentFacts['status'],
    readonly type: IncidentFacts['type'],
    readonly timezone: string,
    services: SummaryRow[4],
    tags: SummaryRow[5],
    times: SummaryRow[6],
    items: SummaryRow[10],
  ) {
    this.#summary = summary
    this.services = services.map((s) => (typeof s === 'string' ? { id: s } : { id: s[0], impact: s[1] }))
    this.tags = tags ?? undefined
    this.timestamps = {
      impact_started: times[0]!,
      detected: times[1]!,
      acknowledged: times[2]!,
      cause_identified: times[3]!,
      mitigated: times[4]!,
      resolved: times[5]!,
      impact_ended: times[6]!,
    }
    this.action_items = items?.map(
      ([itemId, itemStatus, due], i) =>
        new CachedItem(summary, i, itemId, itemStatus as Item['status'], due ?? undefined) as unknown as Item,
    )
  }

  get title(): string {
    return this.#summary.full().incident.title
  }
}

/** An action item of a cached summary: its id, status and due date; the rest from the whole summary. */
class CachedItem {
  readonly #summary: CachedSummary
  readonly #index: number

  constructor(
    summary: CachedSummary,
    index: number,
    readonly id: string,
    readonly status: Item['status'],
    readonly due: string | undefined,
  ) {
    this.#summary = summary
    this.#index = index
  }

  get #item(): Item {
    return this.#summary.full().incident.action_items![this.#index]!
  }

  get title(): string {
    return this.#item.title
  }

  get type(): Item['type'] {
    return this.#item.type
  }

  get priority(): Item['priority'] {
    return this.#item.priority
  }

  get owner(): Item['owner'] {
    return this.#item.owner
  }

  get issue(): Item['issue'] {
    return this.#item.issue
  }
}

class CachedFigures implements Figures {
  readonly durations: Durations
  readonly error_budget: Figures['error_budget']
  readonly action_items: Figures['action_items']
  readonly #summary: CachedSummary

  constructor(
    summary: CachedSummary,
    durations: SummaryRow[7],
    budget: SummaryRow[8],
    health: SummaryRow[9],
  ) {
    this.#summary = summary
    this.durations = {
      time_to_detect: durations[0]!,
      time_to_acknowledge: durations[1]!,
      time_to_mitigate: durations[2]!,
      time_to_resolve: durations[3]!,
      impact_duration: durations[4]!,
    }
    this.error_budget = budget.map(([slo, bad_minutes, burn_percent]) => ({ slo, bad_minutes, burn_percent }))
    this.action_items = {
      total: health[0]!,
      open: health[1]!,
      in_progress: health[2]!,
      done: health[3]!,
      not_doing: health[4]!,
      overdue: health[5]!,
      completion_percent: health[6]!,
    }
  }

  get communications(): Figures['communications'] {
    return this.#summary.full().figures.communications
  }
}
