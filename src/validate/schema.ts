import * as z from 'zod'
import { lintCodes } from '../diagnostics.js'
import { datePattern, isTimeZone, parseDate, parseTimestamp, timestampPattern } from './timestamps.js'

/**
 * The one source of truth for the record and config formats: the TypeScript types, the runtime
 * validator and the published JSON Schemas (`npm run schema`) all come from these zod schemas.
 * Note: zod 4 was chosen for `z.toJSONSchema` (draft-07 for editor YAML extensions) and for issues
 * that carry a path, which the loader turns into `line:column`.
 */

/** Documented size limits: records stay small enough to validate in milliseconds. */
export const limits = { text: 100_000, line: 500, list: 10_000 } as const

/** Marks a schema so diagnostics can name its kind (`timestamp`, `date`, `identifier`, …). */
type Kind = 'timestamp' | 'date' | 'identifier' | 'slug' | 'url' | 'line'
const kinds = new WeakMap<z.ZodType, Kind>()
function kind<T extends z.ZodType>(schema: T, k: Kind): T {
  kinds.set(schema, k)
  return schema
}
/** The kind of a leaf schema, if it has one. */
export function kindOf(schema: z.ZodType | undefined): Kind | undefined {
  return schema ? kinds.get(schema) : undefined
}

// eslint-disable-next-line no-control-regex -- one-line fields refuse control characters
const oneLine = /^[^\u0000-\u001f\u007f]*$/
const line = (description: string) =>
  kind(z.string().min(1).max(limits.line).regex(oneLine).meta({ description }), 'line')
const markdown = (description: string) =>
  z
    .string()
    .max(limits.text)
    .meta({ description: `${description} (Markdown)` })
const list = <T extends z.ZodType>(item: T, description: string) =>
  z.array(item).max(limits.list).meta({ description })

// Note: Windows reserved device names are refused so every id is also a portable file name.
export const slugPattern = /^(?!(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$)[a-z0-9][a-z0-9-]{0,79}$/
const slug = (description: string) => kind(z.string().regex(slugPattern).meta({ description }), 'slug')
const identifier = (description: string) =>
  kind(z.string().min(1).max(200).meta({ description }), 'identifier')
/** A problem found by a leaf check, carried to the diagnostics as `params`. */
export interface CheckParams {
  diagnostic: 'INVALID_TIMESTAMP' | 'INVALID_DATE' | 'INVALID_TIMEZONE'
  hint: string
}

// Note: calendar checks run on the leaf, so Feb 30 is reported even while other keys have errors.
const timestamp = (description: string) =>
  kind(
    z
      .string()
      .regex(timestampPattern)
      .superRefine((value, ctx) => {
        if (!timestampPattern.test(value)) return
        const parsed = parseTimestamp(value, 'UTC')
        if (!parsed.ok && parsed.code !== 'MISSING_OFFSET')
          ctx.addIssue({
            code: 'custom',
            message: parsed.message,
            params: { diagnostic: parsed.code, hint: parsed.hint } satisfies CheckParams,
          })
      })
      .meta({
        description: `${description}. ISO 8601 with an offset (\`2025-01-22T12:03:00-08:00\`); without one only when the record sets \`timezone\``,
      }),
    'timestamp',
  )
const date = (description: string) =>
  kind(
    z
      .string()
      .regex(datePattern)
      .superRefine((value, ctx) => {
        if (!datePattern.test(value)) return
        const parsed = parseDate(value)
        if (!parsed.ok)
          ctx.addIssue({
            code: 'custom',
            message: parsed.message,
            params: { diagnostic: 'INVALID_DATE', hint: 'Fix the date.' } satisfies CheckParams,
          })
      })
      .meta({ description: `${description} (YYYY-MM-DD)` }),
    'date',
  )
const timeZone = (description: string) =>
  line(description).superRefine((value, ctx) => {
    if (!isTimeZone(value))
      ctx.addIssue({
        code: 'custom',
        message: `must be an IANA time zone, got \`${value}\``,
        params: {
          diagnostic: 'INVALID_TIMEZONE',
          hint: 'Use a name like `America/Los_Angeles`, `Europe/Berlin` or `UTC`.',
        } satisfies CheckParams,
      })
  })
const url = (description: string) =>
  kind(
    z
      .string()
      .regex(/^(https?:\/\/|mailto:)\S+$/)
      .max(2000)
      .meta({ description }),
    'url',
  )

export const statuses = ['draft', 'in_review', 'published', 'closed'] as const
export const visibilities = ['public', 'internal'] as const
export const incidentTypes = ['outage', 'degradation', 'security', 'maintenance'] as const
export const serviceImpacts = ['outage', 'partial', 'degraded'] as const
export const detectionMethods = ['alert', 'user_report', 'monitoring', 'support', 'other'] as const
export const eventKinds = [
  'trigger',
  'detect',
  'escalate',
  'diagnose',
  'mitigate',
  'communicate',
  'resolve',
  'deploy',
  'note',
] as const
export const actionTypes = ['prevent', 'detect', 'mitigate', 'repair', 'process'] as const
export const priorities = ['P0', 'P1', 'P2', 'P3'] as const
export const actionStatuses = ['open', 'in_progress', 'done', 'not_doing'] as const
export const issueStates = ['open', 'closed'] as const

const service = z.union([
  identifier('service id'),
  z.strictObject({
    id: identifier('service id'),
    impact: z.enum(serviceImpacts).optional().meta({ description: 'how the service was affected' }),
  }),
])

const person = line('GitHub handle (`@octocat`) or name')

const timelineEvent = z.strictObject({
  at: timestamp('when it happened'),
  kind: z
    .enum(eventKinds)
    .meta({ description: 'what sort of event; public `communicate` events are the public updates' }),
  text: markdown('what happened'),
  actor: person.optional(),
  source: z
    .strictObject({ title: line('evidence title'), url: url('evidence link') })
    .optional()
    .meta({ description: 'evidence: a graph, log search, chat message' }),
  important: z.boolean().optional(),
  visibility: z
    .enum(visibilities)
    .optional()
    .meta({ description: 'internal events never reach a public site' }),
  public_text: markdown('wording for public pages, when it differs from `text`').optional(),
})

const metric = z.strictObject({
  name: line('metric name'),
  unit: z.string().max(40).meta({ description: 'unit shown on the axis (`ms`, `%`, `req/s`)' }),
  baseline: z.number().optional().meta({ description: 'normal value' }),
  threshold: z.number().optional().meta({ description: 'alerting or SLO threshold' }),
  series: list(z.strictObject({ at: timestamp('sample time'), value: z.number() }), 'samples'),
})

const issueLink = z
  .strictObject({
    number: z.number().int().positive(),
    url: url('issue URL'),
    state: z.enum(issueStates),
    synced_at: timestamp('last sync'),
  })
  .meta({ description: 'written by `postmortem issues sync`; never typed by hand' })

export const actionIdPattern = /^[A-Z][A-Z0-9]*-[0-9]+$/
const actionItem = z.strictObject({
  id: kind(
    z.string().regex(actionIdPattern).meta({ description: 'unique within the incident, e.g. `AI-1`' }),
    'identifier',
  ),
  title: line('one-line title'),
  description: markdown('details').optional(),
  type: z.enum(actionTypes).meta({ description: 'what the work does about the incident' }),
  priority: z.enum(priorities).meta({ description: 'P0 most urgent' }),
  owner: person.optional(),
  due: date('due date; derived from the config policy when absent').optional(),
  status: z.enum(actionStatuses).meta({ description: '`not_doing` needs `not_doing_reason`' }),
  not_doing_reason: markdown('why it will not be done (required for `not_doing`)').optional(),
  issue: issueLink.optional(),
})

const factor = z.union([
  markdown('contributing factor'),
  z.strictObject({
    text: markdown('contributing factor'),
    category: line('free label used for grouping').optional(),
  }),
])

/** The incident record as written in YAML. */
export const incidentSchema = z
  .strictObject({
    schema_version: z.literal(1).optional().meta({ description: 'format version; 1' }),
    id: slug('equals the file name without `.yaml`'),
    title: line('one line'),
    status: z.enum(statuses).meta({ description: 'where the postmortem is in its life' }),
    visibility: z
      .enum(visibilities)
      .default('internal')
      .meta({ description: 'only `public` records that are `published` or `closed` reach a public site' }),
    type: z.enum(incidentTypes).default('outage').meta({ description: 'kind of incident' }),
    severity: identifier('one of the configured levels (default SEV1..SEV4, SEV1 worst)'),
    services: list(service, 'affected services').optional(),
    tags: list(line('tag'), 'free labels').optional(),
    timezone: timeZone(
      'IANA zone for display and for offset-less timestamps, e.g. `America/Los_Angeles`',
    ).optional(),
    people: z
      .strictObject({
        incident_commander: person.optional(),
        postmortem_owner: person.optional(),
        responders: list(person, 'responders').optional(),
        reviewers: list(person, 'reviewers').optional(),
      })
      .optional()
      .meta({ description: 'who responded and who owns the postmortem' }),
    timestamps: z
      .strictObject({
        impact_started: timestamp('impact began'),
        detected: timestamp('the team knew'),
        acknowledged: timestamp('a responder took it').optional(),
        cause_identified: timestamp('root cause found').optional(),
        mitigated: timestamp('impact stopped growing / was worked around').optional(),
        resolved: timestamp('fully resolved (required unless draft)').optional(),
        impact_ended: timestamp('impact ended (defaults to `resolved`)').optional(),
      })
      .meta({ description: 'key moments: impact_started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved' }),
    summary: markdown('what happened, in a paragraph'),
    impact: z
      .strictObject({
        summary: markdown('who and what was affected').optional(),
        users_affected: z.number().int().nonnegative().optional(),
        requests_failed_pct: z.number().min(0).max(100).optional(),
        support_tickets: z.number().int().nonnegative().optional(),
        data_loss: z.boolean().optional(),
        groups: list(
          z.strictObject({ name: line('group'), value: z.number(), unit: z.string().max(40).optional() }),
          'impact broken down by group (drawn as a bar chart)',
        ).optional(),
        slo: list(
          z.strictObject({
            id: identifier('SLO id from the config'),
            bad_minutes: z
              .number()
              .nonnegative()
              .optional()
              .meta({ description: 'defaults to the impact duration' }),
          }),
          'SLOs whose error budget this incident burned',
        ).optional(),
      })
      .optional(),
    detection: z
      .strictObject({
        method: z.enum(detectionMethods),
        source: line('which alert, dashboard or report').optional(),
      })
      .optional()
      .meta({ description: 'how the incident was noticed' }),
    trigger: markdown('what set it off').optional(),
    root_cause: z
      .strictObject({
        summary: markdown('the cause in a sentence'),
        details: markdown('the cause in depth').optional(),
        contributing_factors: list(factor, 'conditions that made it possible or worse').optional(),
        five_whys: list(markdown('why'), 'five whys').optional(),
      })
      .optional()
      .meta({ description: 'required unless draft' }),
    resolution: markdown('how it was resolved').optional(),
    lessons: z
      .strictObject({
        went_well: list(markdown('lesson'), 'what went well').optional(),
        went_wrong: list(markdown('lesson'), 'what went wrong').optional(),
        got_lucky: list(markdown('lesson'), 'where we got lucky').optional(),
      })
      .optional(),
    timeline: list(timelineEvent, 'events, sorted by `at`'),
    metrics: list(metric, 'metric series, drawn as charts').optional(),
    action_items: list(actionItem, 'follow-up work').optional(),
    links: list(
      z.strictObject({
        title: line('link text'),
        url: url('address'),
        kind: line('e.g. dashboard, doc').optional(),
      }),
      'related documents',
    ).optional(),
    related: list(slug('id of another incident'), 'ids of related incidents').optional(),
    lint: z
      .strictObject({
        allow: list(
          z.strictObject({ code: z.enum(lintCodes), reason: line('why this warning is accepted') }),
          'lint warnings accepted for this record, each with a reason',
        ),
      })
      .optional()
      .meta({
        description: 'accepted lint warnings (facts of the incident that the document cannot change)',
      }),
  })
  .meta({
    title: 'postmortem incident record',
    description: 'One incident, as code. See the postmortem README.',
  })

/** An incident record as written (after defaults). */
export type IncidentRecord = z.output<typeof incidentSchema>

const duration = z
  .string()
  .regex(/^[1-9][0-9]*[dh]$/)
  .meta({ description: 'a window such as `30d` or `12h`' })

/** `postmortem.config.yaml`. */
export const configSchema = z
  .strictObject({
    incidents: z.string().min(1).default('incidents').meta({ description: 'folder of incident records' }),
    out: z.string().min(1).default('dist').meta({ description: 'folder for generated output' }),
    timezone: timeZone('IANA zone used to display times when a record sets none').default('UTC'),
    max_file_bytes: z
      .number()
      .int()
      .positive()
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .meta({ description: 'records larger than this many bytes are rejected before parsing' }),
    severities: list(
      z.strictObject({
        name: identifier('level name, e.g. SEV1'),
        description: line('what qualifies').optional(),
        major: z.boolean().optional().meta({ description: 'stricter lint (default: the first two levels)' }),
      }),
      'severity levels, worst first',
    )
      .min(1)
      .default([
        { name: 'SEV1', description: 'Critical: a core service is down for many users' },
        { name: 'SEV2', description: 'Major: significant degradation or a partial outage' },
        { name: 'SEV3', description: 'Minor: limited impact with a workaround' },
        { name: 'SEV4', description: 'Low: cosmetic or internal-only impact' },
      ]),
    services: list(
      z.union([
        identifier('service id'),
        z.strictObject({
          id: identifier('service id'),
          name: line('display name').optional(),
          description: line('what it is').optional(),
        }),
      ]),
      'known services; when given, records may only name these',
    ).optional(),
    slos: z
      .record(
        identifier('SLO id'),
        z.strictObject({
          target: z.number().gt(0).lt(100).meta({ description: 'percent, e.g. 99.9' }),
          window: duration,
          description: line('what it measures').optional(),
        }),
      )
      .default({})
      .meta({ description: 'service level objectives by id' }),
    policy: z
      .strictObject({
        action_item_due_days: z
          .record(identifier('severity'), z.number().int().positive())
          .default({ SEV1: 15, SEV2: 30 })
          .meta({ description: 'days after `resolved` an action item is due when it sets no `due`' }),
        communication_gap_minutes: z.number().positive().default(30).meta({
          description: 'longest silence between public updates while unresolved (`COMMUNICATION_GAP`)',
        }),
        first_update_minutes: z.number().positive().default(30).meta({
          description: 'longest wait from detection to the first public update (`LATE_FIRST_UPDATE`)',
        }),
        time_to_detect_minutes: z.number().positive().default(15).meta({
          description:
            'slower detection on a major severity needs a `detect` action item (`MISSING_DETECT_ACTION`)',
        }),
      })
      .prefault({})
      .meta({ description: 'thresholds of the lint rules and the action-item due-date policy' }),
    site: z
      .strictObject({
        title: line('site title').default('Incident history'),
        base_url: url(
          'public address of the site, e.g. `https://acme.github.io/incidents/`; feeds, the sitemap and the postmortem links in synced issues need it',
        ).optional(),
        description: line('one line under the title').optional(),
        theme: z.string().min(1).optional().meta({
          description: 'folder with `layouts/` and `assets/` that override the shipped theme by file name',
        }),
      })
      .prefault({})
      .meta({ description: 'the static site' }),
    github: z
      .strictObject({
        repo: z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+$/)
          .optional()
          .meta({
            description:
              'repository `owner/name`, used when neither `--repo` nor `GITHUB_REPOSITORY` is given',
          }),
        labels: list(line('label'), 'extra labels on every synced issue').optional(),
      })
      .prefault({})
      .meta({ description: 'settings of `postmortem issues sync`' }),
    redact: list(line('regular expression'), 'patterns replaced by `[redacted]` in public output').default(
      [],
    ),
    deny: list(line('term'), 'terms that fail a public build when found in its output').default([]),
    templates: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'folder whose templates override the shipped ones' }),
  })
  .meta({ title: 'postmortem configuration', description: 'postmortem.config.yaml' })

/** The configuration, with defaults applied. */
export type Config = z.output<typeof configSchema>

/** The configuration used when a repository has no `postmortem.config.yaml`. */
export function defaultConfig(): Config {
  return configSchema.parse({})
}
