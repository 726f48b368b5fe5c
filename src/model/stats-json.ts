import type { Distribution, IncidentFigures, Rollups } from './rollups.js'
import { durationNames } from './rollups.js'

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000))
const round = (x: number | null, digits = 1) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits
const iso = (ms: number) => new Date(ms).toISOString()

function distributionJson(d: Distribution) {
  return { count: d.count, mean: seconds(d.mean), median: seconds(d.median), p90: seconds(d.p90) }
}

function distributionsJson(ds: Rollups['durations']) {
  return Object.fromEntries(durationNames.map((name) => [name, distributionJson(ds[name])]))
}

/**
 * The machine-readable form of SPEC §4 (`stats --format json`): durations in whole seconds,
 * percentages to one decimal, `null` where an input is missing.
 */
export function statsJson(items: readonly IncidentFigures[], rollups: Rollups, at: number) {
  return {
    at: iso(at),
    incidents: items.map(({ incident, figures }) => ({
      id: incident.id,
      severity: incident.severity,
      time_to_detect: seconds(figures.durations.time_to_detect),
      time_to_acknowledge: seconds(figures.durations.time_to_acknowledge),
      time_to_mitigate: seconds(figures.durations.time_to_mitigate),
      time_to_resolve: seconds(figures.durations.time_to_resolve),
      impact_duration: seconds(figures.durations.impact_duration),
      error_budget: figures.error_budget.map((b) => ({ slo: b.slo, burn_percent: round(b.burn_percent) })),
      communications: {
        first_update_after_detect: seconds(figures.communications.first_update_after_detect),
        longest_gap: seconds(figures.communications.longest_gap),
      },
      action_items: {
        total: figures.action_items.total,
        open: figures.action_items.open,
        overdue: figures.action_items.overdue,
        done: figures.action_items.done,
      },
    })),
    rollups: {
      incidents: rollups.incidents,
      by_severity: rollups.by_severity,
      by_service: rollups.by_service,
      by_month: rollups.by_month,
      durations: distributionsJson(rollups.durations),
      durations_by_severity: Object.fromEntries(
        Object.entries(rollups.durations_by_severity).map(([sev, ds]) => [sev, distributionsJson(ds)]),
      ),
      impact_minutes_by_service: Object.fromEntries(
        Object.entries(rollups.impact_minutes_by_service).map(([k, v]) => [k, round(v)]),
      ),
      error_budget: rollups.error_budget.map((slo) => ({
        slo: slo.slo,
        target: slo.target,
        window: slo.window,
        budget_minutes: round(slo.budget_minutes),
        windows: slo.windows.map((w) => ({
          start: iso(w.start),
          end: iso(w.end),
          burn_percent: round(w.burn_percent),
          incidents: w.incidents,
        })),
      })),
      action_items: rollups.action_items,
    },
  }
}
