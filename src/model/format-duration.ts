/**
 * A duration for people: `0m`, `44m`, `2h 59m`, `1d 2h 5m`; `—` for `null` (a missing input) and for
 * values that are not finite.
 *
 * The value is rounded to the whole minute, halves up (away from zero): 29.999 s is `0m`, 30 s is `1m`.
 * Units are minutes, hours and days (24 h); once a larger unit is shown every smaller one is shown
 * too, zero included (`2h 0m`, `1d 0h 5m`), so columns of durations line up. A negative value gets a
 * leading `-` (durations of the model never are).
 */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  const total = Math.floor(Math.abs(ms) / 60_000 + 0.5)
  if (total === 0) return '0m'
  const days = Math.floor(total / 1440)
  const hours = Math.floor((total % 1440) / 60)
  const minutes = total % 60
  const sign = ms < 0 ? '-' : ''
  if (days > 0) return `${sign}${days}d ${hours}h ${minutes}m`
  if (hours > 0) return `${sign}${hours}h ${minutes}m`
  return `${sign}${minutes}m`
}

/** The four response times of SPEC §4 on one line: `time to detect 0m · acknowledge 44m · …`. */
export function formatResponseTimes(d: {
  time_to_detect: number | null
  time_to_acknowledge: number | null
  time_to_mitigate: number | null
  time_to_resolve: number | null
}): string {
  return [
    `time to detect ${formatDuration(d.time_to_detect)}`,
    `acknowledge ${formatDuration(d.time_to_acknowledge)}`,
    `mitigate ${formatDuration(d.time_to_mitigate)}`,
    `resolve ${formatDuration(d.time_to_resolve)}`,
  ].join(' · ')
}
