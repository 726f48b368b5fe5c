import type { KeyTimes } from '../validate/normalize.js'
import type { Instant } from '../validate/timestamps.js'

/** The phases of an incident's response, in order. */
export const phaseNames = ['detect', 'acknowledge', 'mitigate', 'resolve'] as const
/** One of `phaseNames`. */
export type PhaseName = (typeof phaseNames)[number]

/** One phase: from the key timestamp that starts it to the one that ends it. */
export interface Phase {
  name: PhaseName
  start: Instant
  /** `null` while the phase is still going on (the record has no timestamp that ends it yet). */
  end: Instant | null
  /** `end − start` in milliseconds; `null` while open. */
  duration: number | null
}

/**
 * The response phases of an incident, each ending at its own key timestamp:
 * detect `impact_started → detected`, acknowledge `detected → acknowledged`,
 * mitigate `acknowledged (else detected) → mitigated`, resolve `mitigated (else the last earlier one)
 * → resolved`. A phase whose end timestamp is missing is left out, except in an unresolved incident,
 * where the phase after the last known timestamp is returned open (`end: null`).
 *
 * Note: these are the lengths of the phases themselves; the figures of SPEC §4 (`time_to_mitigate`,
 * `time_to_resolve`) are measured from `impact_started` instead.
 */
export function phases(timestamps: KeyTimes): Phase[] {
  const ends: Array<[PhaseName, Instant | null]> = [
    ['detect', timestamps.detected],
    ['acknowledge', timestamps.acknowledged],
    ['mitigate', timestamps.mitigated],
    ['resolve', timestamps.resolved],
  ]
  const result: Phase[] = []
  let start = timestamps.impact_started
  for (const [name, end] of ends) {
    if (end !== null) {
      result.push({ name, start, end, duration: Math.max(0, end - start) })
      start = end
    }
  }
  if (timestamps.resolved === null) {
    // The next phase after the last known timestamp is the one in progress.
    const last = result.at(-1)?.name
    const next = last === undefined ? 'detect' : phaseNames[phaseNames.indexOf(last) + 1]
    if (next) result.push({ name: next, start, end: null, duration: null })
  }
  return result
}

/** Where an instant falls: before impact, in a phase, or after resolution. */
export type PhasePosition = PhaseName | 'before' | 'after'

/**
 * The phase an instant falls in. Phases are closed intervals checked in order, so an event at a key
 * timestamp belongs to the phase that timestamp ends (the `resolve` event at `resolved` is in
 * `resolve`; the detection event at `detected` is in `detect`, even when that phase lasted 0m).
 */
export function phaseAt(list: readonly Phase[], at: Instant): PhasePosition {
  const first = list[0]
  if (!first || at < first.start) return 'before'
  for (const phase of list)
    if (at >= phase.start && (phase.end === null || at <= phase.end)) return phase.name
  return 'after'
}
