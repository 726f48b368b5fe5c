import { readFileSync } from 'node:fs'
import { repoRoot } from '../helpers/paths.js'

/** The sample exports under docs/examples/import (the January 2025 outage, as each tool exports it). */
export const examples = {
  slack: 'docs/examples/import/slack/inc-2025-01-22-api/2025-01-22.json',
  users: 'docs/examples/import/slack/users.json',
  pagerduty: 'docs/examples/import/pagerduty/log_entries.json',
  statuspage: 'docs/examples/import/statuspage/incident.json',
  prometheus: 'docs/examples/import/prometheus/query_range.json',
  csv: 'docs/examples/import/csv/events.csv',
} as const

/** The text of a file in the repository. */
export function repoText(path: string): string {
  return readFileSync(new URL(path, `file://${repoRoot}`), 'utf8')
}

/** An instant from a Pacific time on 22 January 2025 (UTC−8 that day), e.g. `pt('12:47:20')`. */
export function pt(time: string, day = 22): number {
  const [h, m, s = 0] = time.split(':').map(Number) as [number, number, number?]
  return Date.UTC(2025, 0, day, h + 8, m, s)
}
