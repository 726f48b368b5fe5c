import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Instant } from '../validate/timestamps.js'
import type { ActionItemHealth } from './action-items.js'
import { actionItemHealth } from './action-items.js'
import type { Communications } from './communications.js'
import { communications } from './communications.js'
import type { Durations } from './durations.js'
import { durations } from './durations.js'
import type { BudgetBurn } from './error-budget.js'
import { errorBudget } from './error-budget.js'

/** Everything SPEC §4 derives from one record; durations in milliseconds. */
export interface Figures {
  durations: Durations
  error_budget: BudgetBurn[]
  communications: Communications
  action_items: ActionItemHealth
}

/**
 * Derives the figures of SPEC §4 from one incident: durations, error budget burned per SLO, public
 * communication figures and action-item health. Pure: no clock, no I/O.
 *
 * @param incident - A validated incident (from `loadIncidents` or `validateIncident`).
 * @param config - The configuration: SLOs, severity levels and policy (due days).
 * @param at - Reference time for "overdue" action items, in ms since the epoch.
 * @returns The figures; durations in milliseconds, `null` where an input is missing.
 *
 * @example
 * ```ts
 * const figures = deriveFigures(incident, config, Date.now())
 * console.log(figures.durations.time_to_resolve) // 13440000
 * ```
 */
export function deriveFigures(incident: Incident, config: Config, at: Instant): Figures {
  return {
    durations: durations(incident),
    error_budget: errorBudget(incident, config),
    communications: communications(incident),
    action_items: actionItemHealth(incident, config, at),
  }
}
