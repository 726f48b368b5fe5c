import { packageName } from '../paths.js'

/** The id (and file name) of the example record `init` writes. */
export const exampleId = '2025-03-04-example-checkout-latency'

/**
 * The example record `init` writes: a complete, published postmortem that passes `validate --strict`
 * at any reference time. Its action items are all done or not doing, so it never becomes overdue and
 * `issues sync` never opens an issue for it.
 */
export function exampleRecordText(options: {
  /** Value of the `$schema` comment, relative to the record. */
  schema: string
  /** A configured severity (the second level by default, `SEV2`). */
  severity: string
  /** A configured service id, when the config lists services. */
  service: string
}): string {
  return `# yaml-language-server: $schema=${options.schema}
# An example incident record, written by \`postmortem init\`. It is complete and passes
# \`postmortem validate --strict\`: copy what helps, then delete this file before you publish your own
# site. Start a record of your own with \`npx postmortem new "Checkout latency spike"\`.
# Every key is described in node_modules/${packageName()}/docs/record-format.md.
schema_version: 1
id: ${exampleId}
title: "Example: checkout latency spike after a cache flush"
status: published # draft · in_review · published · closed
visibility: public # public records that are published or closed reach the public site
type: degradation # outage · degradation · security · maintenance
severity: ${options.severity}
services:
  - id: ${options.service}
    impact: degraded # outage · partial · degraded
tags: [example, cache]
timezone: Europe/Berlin # times below carry their offset; this zone is used to show them
people:
  incident_commander: "@example-ic"
  postmortem_owner: "@example-owner"
  responders: ["@example-oncall"]
timestamps:
  impact_started: 2025-03-04T10:02:00+01:00
  detected: 2025-03-04T10:09:00+01:00
  acknowledged: 2025-03-04T10:12:00+01:00
  cause_identified: 2025-03-04T10:31:00+01:00
  mitigated: 2025-03-04T10:40:00+01:00
  resolved: 2025-03-04T11:05:00+01:00
summary: |
  For 63 minutes, about 8 % of checkout requests took longer than 2 seconds. A deploy flushed the
  whole session cache at once, and refilling it overloaded the sessions database.
impact:
  summary: Customers saw slow checkouts; 0.4 % of payment attempts timed out and were retried.
  requests_failed_pct: 0.4
  support_tickets: 12
  data_loss: false
detection:
  method: alert
  source: checkout p99 latency alert
trigger: A routine deploy of the session service restarted every cache node in one step.
root_cause:
  summary: The session cache was emptied at once, and refilling it was not rate limited.
  details: |
    Every cache miss reads the session from the database. With the whole cache empty, the database
    received about 40 times its usual read load until the cache had refilled.
  contributing_factors:
    - text: Cache warm-up had no rate limit, so the database took the full load.
      category: capacity
    - text: The deploy tooling restarted all cache nodes together instead of in batches.
      category: change management
  five_whys:
    - Why was checkout slow? Session reads waited on an overloaded database.
    - Why was the database overloaded? Every session read missed the cache at the same time.
    - Why did every read miss? The deploy restarted all cache nodes at once.
resolution: |
  The team paused the deploy, limited cache refills to 500 per second, and the database recovered.
lessons:
  went_well:
    - The latency alert fired 7 minutes after impact started.
    - The first status page update went out 6 minutes after detection.
  went_wrong:
    - Nothing in the deploy checked the cache hit ratio before continuing.
  got_lucky:
    - The incident happened outside the evening traffic peak.
timeline:
  - at: 2025-03-04T10:02:00+01:00
    kind: trigger
    text: The session service deploy restarts all cache nodes.
  - at: 2025-03-04T10:09:00+01:00
    kind: detect
    text: The checkout p99 latency alert fires.
    source:
      title: Alert history
      url: https://monitoring.example.com/alerts/checkout-p99
  - at: 2025-03-04T10:12:00+01:00
    kind: escalate
    text: The on-call engineer acknowledges the page and opens the incident channel.
    actor: "@example-oncall"
  - at: 2025-03-04T10:15:00+01:00
    kind: communicate
    text: Status page updated.
    public_text: We are investigating slow checkouts.
  - at: 2025-03-04T10:31:00+01:00
    kind: diagnose
    text: Cache hit ratio at 3 %; the sessions database is at 100 % CPU.
    visibility: internal # internal events never reach the public site
  - at: 2025-03-04T10:40:00+01:00
    kind: mitigate
    text: Deploy paused and cache refills limited to 500 per second.
    important: true
  - at: 2025-03-04T10:40:00+01:00
    kind: communicate
    text: Status page updated.
    public_text: We have applied a fix and checkout times are improving.
  - at: 2025-03-04T11:05:00+01:00
    kind: resolve
    text: Hit ratio back above 95 %; latency at baseline.
  - at: 2025-03-04T11:05:00+01:00
    kind: communicate
    text: Status page incident resolved.
    public_text: Checkout is working normally again.
metrics:
  - name: Checkout p99 latency
    unit: ms
    baseline: 350
    threshold: 1000
    series:
      - { at: 2025-03-04T09:55:00+01:00, value: 340 }
      - { at: 2025-03-04T10:05:00+01:00, value: 1900 }
      - { at: 2025-03-04T10:20:00+01:00, value: 2600 }
      - { at: 2025-03-04T10:40:00+01:00, value: 1200 }
      - { at: 2025-03-04T10:55:00+01:00, value: 520 }
      - { at: 2025-03-04T11:10:00+01:00, value: 360 }
action_items:
  - id: AI-1
    title: Rate-limit cache warm-up after deploys
    type: prevent # prevent · detect · mitigate · repair · process
    priority: P1 # P0 · P1 · P2 · P3
    owner: "@example-owner"
    due: 2025-03-25 # when absent, derived from the config policy
    status: done # open · in_progress · done · not_doing
  - id: AI-2
    title: Restart cache nodes in batches during deploys
    type: prevent
    priority: P2
    owner: "@example-oncall"
    status: done
  - id: AI-3
    title: Alert on the cache hit ratio
    type: detect
    priority: P3
    status: not_doing
    not_doing_reason: The latency alert fired within 7 minutes; a hit-ratio alert would fire on every deploy.
links:
  - title: Checkout dashboard
    url: https://monitoring.example.com/d/checkout
    kind: dashboard
`
}
