import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import { durations } from './durations.js'

/** One SLO's budget burned by one incident. */
export interface BudgetBurn {
  slo: string
  /** Bad minutes counted: `impact.slo[].bad_minutes`, else the impact duration in minutes. */
  bad_minutes: number | null
  /** Percent of the SLO's budget for one window; `null` when bad minutes are unknown. */
  burn_percent: number | null
}

/** Length of an SLO window such as `30d` or `12h`, in minutes. */
export function windowMinutes(window: string): number {
  const m = /^([1-9][0-9]*)([dh])$/.exec(window)
  if (!m) throw new Error(`not a window: ${window}`)
  return Number(m[1]) * (m[2] === 'd' ? 1440 : 60)
}

/** Budget minutes of an SLO per window: window × (1 − target/100). */
export function budgetMinutes(slo: { target: number; window: string }): number {
  return windowMinutes(slo.window) * (1 - slo.target / 100)
}

/**
 * Burn for each SLO the record names that the config defines:
 * `bad_minutes ÷ (window minutes × (1 − target/100))`, as a percent.
 */
export function errorBudget(incident: Pick<Incident, 'impact' | 'timestamps'>, config: Config): BudgetBurn[] {
  const impactMs = durations(incident).impact_duration
  const burns: BudgetBurn[] = []
  for (const entry of incident.impact?.slo ?? []) {
    const slo = Object.hasOwn(config.slos, entry.id) ? config.slos[entry.id] : undefined
    if (!slo) continue
    const bad = entry.bad_minutes ?? (impactMs === null ? null : impactMs / 60_000)
    burns.push({
      slo: entry.id,
      bad_minutes: bad,
      burn_percent: bad === null ? null : (bad / budgetMinutes(slo)) * 100,
    })
  }
  return burns
}
