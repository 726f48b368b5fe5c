import { formatInZone } from '../model/local-time.js'
import type { Root } from 'mdast'
import type { Figures } from '../model/figures.js'
import { dueDay } from '../model/action-items.js'
import { publicUpdates } from '../model/communications.js'
import type { Incident, TimelineEvent } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import { ProseBatch } from './markdown.js'

/** Who a rendering is for: `public` drops internal events and uses their public wording. */
export type Audience = 'public' | 'internal'

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v)

/** The events an audience sees: public renderings drop `visibility: internal` events. */
export function visibleEvents(incident: Incident, audience: Audience): TimelineEvent[] {
  return audience === 'public'
    ? incident.timeline.filter((e) => e.visibility !== 'internal')
    : incident.timeline
}

/**
 * Everything the postmortem template shows, computed from the validated record and its figures.
 * Every key is always present (`null` or `[]` when the record has nothing), because templates are
 * compiled in strict mode. Prose fields are parsed once here into trees that helpers serialise.
 */
export function postmortemView(incident: Incident, figures: Figures, config: Config, audience: Audience) {
  const zone = incident.timezone
  const t = incident.timestamps
  const events = visibleEvents(incident, audience)
  const items = incident.action_items ?? []
  const cause = incident.root_cause
  const lessons = incident.lessons
  const people = incident.people
  const slos = config.slos
  // Note: trees are handed out empty and filled by one parse of all fields at the end.
  const batch = new ProseBatch()
  const prose = (text: string | undefined): Root | null =>
    text === undefined || text.trim() === '' ? null : batch.tree(text)

  const lessonList = (list: string[] | undefined) =>
    (list ?? []).map((l) => prose(l)).filter((l) => l !== null)
  const lessonsView = lessons
    ? {
        went_well: lessonList(lessons.went_well),
        went_wrong: lessonList(lessons.went_wrong),
        got_lucky: lessonList(lessons.got_lucky),
      }
    : null
  const hasLessons = lessonsView !== null && Object.values(lessonsView).some((l) => l.length > 0)

  const view = {
    audience,
    internal: audience === 'internal',
    id: incident.id,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    severity_description: orNull(config.severities.find((s) => s.name === incident.severity)?.description),
    type: incident.type,
    visibility: incident.visibility,
    zone,
    services: incident.services.map((s) => ({ id: s.id, impact: orNull(s.impact) })),
    tags: incident.tags ?? [],
    people: {
      incident_commander: orNull(people?.incident_commander),
      postmortem_owner: orNull(people?.postmortem_owner),
      responders: people?.responders ?? [],
      reviewers: people?.reviewers ?? [],
    },
    key_times: [
      { label: 'Impact started', at: t.impact_started },
      { label: 'Detected', at: t.detected },
      { label: 'Acknowledged', at: t.acknowledged },
      { label: 'Cause identified', at: t.cause_identified },
      { label: 'Mitigated', at: t.mitigated },
      { label: 'Resolved', at: t.resolved },
      ...(incident.written.timestamps.impact_ended === undefined
        ? []
        : [{ label: 'Impact ended', at: t.impact_ended }]),
    ].filter((k) => k.at !== null),
    summary: prose(incident.summary),
    impact: {
      summary: prose(incident.impact?.summary),
      users_affected: orNull(incident.impact?.users_affected),
      requests_failed_pct: orNull(incident.impact?.requests_failed_pct),
      support_tickets: orNull(incident.impact?.support_tickets),
      data_loss: orNull(incident.impact?.data_loss),
      groups: (incident.impact?.groups ?? []).map((g) => ({
        name: g.name,
        value: g.value,
        unit: orNull(g.unit),
      })),
      duration: figures.durations.impact_duration,
    },
    durations: [
      {
        label: 'Time to detect',
        value: figures.durations.time_to_detect,
        formula: 'detected − impact started',
      },
      {
        label: 'Time to acknowledge',
        value: figures.durations.time_to_acknowledge,
        formula: 'acknowledged − detected',
      },
      {
        label: 'Time to mitigate',
        value: figures.durations.time_to_mitigate,
        formula: 'mitigated − impact started',
      },
      {
        label: 'Time to resolve',
        value: figures.durations.time_to_resolve,
        formula: 'resolved − impact started',
      },
      {
        label: 'Impact duration',
        value: figures.durations.impact_duration,
        formula: 'impact ended − impact started',
      },
    ],
    error_budget: figures.error_budget.map((b) => ({
      slo: b.slo,
      target: slos[b.slo]!.target,
      window: slos[b.slo]!.window,
      bad_minutes: b.bad_minutes,
      burn_percent: b.burn_percent,
    })),
    communications: {
      public_updates: publicUpdates({ timeline: events }).length,
      first_update_after_detect: figures.communications.first_update_after_detect,
      longest_gap: figures.communications.longest_gap,
    },
    timeline: events.map((e, i) => {
      const previous = events[i - 1]
      return {
        at: e.at,
        // The date is shown on the first row and whenever the day changes.
        new_day: previous === undefined || dayIn(previous.at, zone) !== dayIn(e.at, zone),
        kind: e.kind,
        text: prose(audience === 'public' && e.public_text !== undefined ? e.public_text : e.text),
        actor: orNull(e.actor),
        source: e.source ? { title: e.source.title, url: e.source.url } : null,
        important: e.important === true,
      }
    }),
    trigger: prose(incident.trigger),
    root_cause: cause
      ? {
          summary: prose(cause.summary),
          details: prose(cause.details),
          five_whys: (cause.five_whys ?? []).map((w) => prose(w)).filter((w) => w !== null),
        }
      : null,
    contributing_factors: (cause?.contributing_factors ?? []).map((f) => ({
      text: prose(f.text),
      category: orNull(f.category),
    })),
    detection: incident.detection
      ? { method: incident.detection.method, source: orNull(incident.detection.source) }
      : null,
    resolution: prose(incident.resolution),
    lessons: hasLessons ? lessonsView : null,
    action_items: items.map((item) => ({
      id: item.id,
      title: item.title,
      type: item.type,
      priority: item.priority,
      owner: orNull(item.owner),
      due: dueDay(item, incident, config),
      due_derived: item.due === undefined,
      status: item.status,
      not_doing_reason: prose(item.not_doing_reason),
      issue: item.issue
        ? { label: `#${item.issue.number}`, url: item.issue.url, state: item.issue.state }
        : null,
    })),
    action_summary: figures.action_items,
    metrics: incident.metrics.map((m) => {
      const peak = m.series.reduce<{ at: number; value: number } | null>(
        (p, s) => (p === null || s.value > p.value ? s : p),
        null,
      )
      return {
        name: m.name,
        unit: m.unit,
        baseline: orNull(m.baseline),
        threshold: orNull(m.threshold),
        peak: peak?.value ?? null,
        peak_at: peak?.at ?? null,
        samples: m.series.length,
      }
    }),
    links: (incident.links ?? []).map((l) => ({ title: l.title, url: l.url, kind: orNull(l.kind) })),
    related: incident.related ?? [],
  }
  batch.parse()
  // A table of contents helps once a postmortem runs long.
  return { ...view, toc: events.length > 10 || items.length > 5 }
}

export type PostmortemView = ReturnType<typeof postmortemView>

/** The local calendar day of an instant in a zone (`2025-01-22`). */
function dayIn(at: number, zone: string): string {
  return formatInZone(at, zone, 'yyyy-MM-dd')
}
