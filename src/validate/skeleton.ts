import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns/format'
import type { Instant } from './timestamps.js'

// Latin letters that Unicode does not decompose into a base letter and a mark.
const letters: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
}

/** The id of a new record: `<date in zone>-<slug of title>`, at most 80 characters. */
export function recordId(title: string, at: Instant, zone: string): string {
  const date = format(new TZDate(at, zone), 'yyyy-MM-dd')
  const room = 80 - date.length - 1
  let slug = title
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => letters[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  // Cut at a word boundary when the title is too long for an id.
  if (slug.length > room) {
    const cut = slug.lastIndexOf('-', room)
    slug = slug.slice(0, cut > room / 2 ? cut : room)
  }
  return `${date}-${slug.replace(/-+$/, '') || 'incident'}`
}

/** The text of a new draft record: schema comment, required keys, and commented hints for the rest. */
export function newRecordText(options: {
  id: string
  title: string
  severity: string
  at: Instant
  timezone: string
  schema: string
}): string {
  const when = format(new TZDate(options.at, options.timezone), "yyyy-MM-dd'T'HH:mm:ssXXX")
  return `# yaml-language-server: $schema=${options.schema}
# An incident record. Every key is described in the postmortem README ("The incident record").
schema_version: 1
id: ${options.id}
title: ${JSON.stringify(options.title)}
status: draft # draft · in_review · published · closed
visibility: internal # public records that are published or closed reach the public site
type: outage # outage · degradation · security · maintenance
severity: ${options.severity}
timezone: ${options.timezone}
services: [] # service ids, or {id, impact: outage · partial · degraded}
timestamps:
  impact_started: ${when}
  detected: ${when}
  # acknowledged:
  # cause_identified:
  # mitigated:
  # resolved: required once the status is past draft
summary: |
  What happened, who was affected, and for how long.
timeline:
  - at: ${when}
    kind: detect # trigger · detect · escalate · diagnose · mitigate · communicate · resolve · deploy · note
    text: Incident detected.
# root_cause: required once the status is past draft
#   summary: The cause in a sentence.
#   contributing_factors:
#     - text: A condition that let the trigger become an outage.
# lessons:
#   went_well: []
#   went_wrong: []
#   got_lucky: []
# action_items:
#   - id: AI-1
#     title: What will be done
#     type: prevent # prevent · detect · mitigate · repair · process
#     priority: P1 # P0 · P1 · P2 · P3
#     owner: "@handle"
#     status: open # open · in_progress · done · not_doing
`
}
