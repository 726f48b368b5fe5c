import type { Incident, TimelineEvent } from '../validate/normalize.js'

/** Communication figures in milliseconds; `null` where SPEC §4 says so. */
export interface Communications {
  first_update_after_detect: number | null
  longest_gap: number | null
}

/** Public updates: `communicate` events not marked `visibility: internal`, in time order. */
export function publicUpdates(incident: Pick<Incident, 'timeline'>): TimelineEvent[] {
  return incident.timeline
    .filter((e) => e.kind === 'communicate' && e.visibility !== 'internal')
    .sort((a, b) => a.at - b.at)
}

/**
 * `first_update_after_detect` = first public update − detected (whenever it came; null when none).
 * `longest_gap` = the longest silence while unresolved: the public updates before `resolved`, then
 * `resolved` itself, and the largest difference between neighbours (null without such an update).
 */
export function communications(incident: Pick<Incident, 'timeline' | 'timestamps'>): Communications {
  const updates = publicUpdates(incident)
  const { detected, resolved } = incident.timestamps
  const first = updates[0]
  const firstUpdate = first ? first.at - detected : null
  let longest: number | null = null
  if (resolved !== null) {
    const points = updates.filter((u) => u.at < resolved).map((u) => u.at)
    if (points.length > 0) {
      points.push(resolved)
      longest = 0
      for (let i = 1; i < points.length; i++) longest = Math.max(longest, points[i]! - points[i - 1]!)
    }
  }
  // Note: an update before detection (a planned-maintenance notice) gives a negative delay; report 0.
  return {
    first_update_after_detect: firstUpdate === null ? null : Math.max(0, firstUpdate),
    longest_gap: longest,
  }
}
