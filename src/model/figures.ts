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

/** Derives the figures of one incident. Pure: the reference time for "overdue" is a parameter. */
export function deriveFigures(incident: Incident, config: Config, at: Instant): Figures {
  return {
    durations: durations(incident),
    error_budget: errorBudget(incident, config),
    communications: communications(incident),
    action_items: actionItemHealth(incident, config, at),
  }
}
