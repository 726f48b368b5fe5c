import type { Incident } from '../validate/normalize.js'
import type { Instant } from '../validate/timestamps.js'

/** Durations in milliseconds; `null` where an input is missing (never negative, never NaN). */
export interface Durations {
  time_to_detect: number | null
  time_to_acknowledge: number | null
  time_to_mitigate: number | null
  time_to_resolve: number | null
  impact_duration: number | null
}

/** `later − earlier`, or `null` when either is missing or the pair is out of order. */
export function between(earlier: Instant | null, later: Instant | null): number | null {
  if (earlier === null || later === null || !Number.isFinite(earlier) || !Number.isFinite(later)) return null
  return later >= earlier ? later - earlier : null
}

/** The five durations of SPEC §4. */
export function durations(incident: Pick<Incident, 'timestamps'>): Durations {
  const t = incident.timestamps
  return {
    time_to_detect: between(t.impact_started, t.detected),
    time_to_acknowledge: between(t.detected, t.acknowledged),
    time_to_mitigate: between(t.impact_started, t.mitigated),
    time_to_resolve: between(t.impact_started, t.resolved),
    impact_duration: between(t.impact_started, t.impact_ended),
  }
}
