import { describe, expect, it } from 'vitest'
import { readCsv } from '../../src/import/csv.js'
import { downsample } from '../../src/import/merge.js'
import { readPagerDuty } from '../../src/import/pagerduty.js'
import { readPrometheus, seriesNames } from '../../src/import/prometheus.js'
import { mrkdwnToMarkdown, readSlack } from '../../src/import/slack.js'
import { htmlToText, readStatuspage } from '../../src/import/statuspage.js'
import type { SourceResult } from '../../src/import/source.js'
import { examples, pt, repoText } from './helpers.js'

const where = (r: SourceResult) =>
  r.diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column }))

describe('slack', () => {
  const users = { text: repoText(examples.users), file: 'users.json' }
  const channel = repoText(examples.slack)

  it('turns pinned and :pushpin: messages into events, authors named from users.json', () => {
    const r = readSlack(channel, { file: 'c.json', users })
    expect(r.diagnostics).toEqual([])
    expect(r.events.map(({ at, kind, text, actor }) => ({ at, kind, text, actor }))).toEqual([
      {
        at: Date.UTC(2025, 0, 22, 0, 30),
        kind: 'note',
        text: 'Reminder: the weekly usage report job was re-sized to 128 workers yesterday.',
        actor: 'Sofia Vargas',
      },
      {
        // Pinned, with mrkdwn: a channel mention, bold, an entity, a user mention and a labelled link.
        at: pt('12:47:20'),
        kind: 'note',
        text: '@channel Declaring a *SEV1* for API errors & latency. I am IC; @sofia.vargas please own comms. Dashboard: [API errors](https://grafana.example.com/d/api-errors/api-error-rate)',
        actor: 'Priya Raman',
      },
      {
        // A thread parent…
        at: pt('13:10'),
        kind: 'note',
        text: 'Pool `api` is at 100 %, ~1,900 clients waiting & report queries holding locks on account_usage',
        actor: 'Aisha Okafor',
      },
      {
        // …and a reply in its thread: an event of its own, at its own time.
        at: pt('13:15'),
        kind: 'note',
        text: 'Root cause: the PgBouncer `api` pool (200 server connections) is exhausted. Proposal: pause `usage-report` and restart the primary behind maintenance mode.',
        actor: 'Aisha Okafor',
      },
      {
        // Edited at 13:36: the export holds the current text, at the time it was first posted.
        at: pt('13:34'),
        kind: 'note',
        text: 'Decision: no standby promotion (9 min replication lag). Restarting the primary behind API maintenance mode.',
        actor: 'Priya Raman',
      },
      {
        // A bot message without text: its attachment's fallback, the bot's name as actor.
        at: pt('14:30:12'),
        kind: 'note',
        text: '[RESOLVED] DatabaseDown core-db primary is back up',
        actor: 'Grafana',
      },
    ])
    expect(r.skipped.map((s) => [s.reason, s.origin])).toEqual([
      ['not-selected', '$[1]'],
      ['not-selected', '$[3]'],
      ['not-selected', '$[6]'],
      ['deleted', '$[7]'],
      ['not-selected', '$[10]'],
    ])
  })

  it('selects by another reaction, and names people from the messages’ own profiles without users.json', () => {
    const r = readSlack(channel, { file: 'c.json', reaction: ':white_check_mark:', kind: 'communicate' })
    expect(r.events.map((e) => [e.at, e.kind, e.text, e.actor])).toEqual([
      [
        pt('12:47:20'),
        'communicate',
        '@channel Declaring a *SEV1* for API errors & latency. I am IC; @sofia.vargas please own comms. Dashboard: [API errors](https://grafana.example.com/d/api-errors/api-error-rate)',
        'Priya Raman',
      ],
      [
        pt('15:47:40'),
        'communicate',
        'Status page updated: resolved. @here thanks all :tada:',
        'Sofia Vargas',
      ],
    ])
  })

  it('skips channel events and empty messages, keeps unknown users as their id', () => {
    const text = JSON.stringify([
      {
        type: 'message',
        subtype: 'channel_topic',
        ts: '1737576000.000100',
        user: 'U9',
        text: 'set the topic',
        pinned_to: ['C1'],
      },
      {
        type: 'message',
        ts: '1737576060.000200',
        user: 'U9',
        text: '',
        reactions: [{ name: 'pushpin', count: 1, users: ['U9'] }],
      },
      {
        type: 'message',
        ts: '1737576120.000300',
        user: 'U9',
        text: 'hi <@U8> see <#C42|incidents> &lt;3 <mailto:a@b.test|a@b.test>',
        pinned_to: ['C1'],
      },
      {
        type: 'message',
        ts: '1737576120.000300',
        user: 'U9',
        text: 'the same message again',
        pinned_to: ['C1'],
      },
    ])
    const r = readSlack(text, { file: 'c.json' })
    expect(r.events.map((e) => [e.at, e.text, e.actor])).toEqual([
      [1737576120000, 'hi @U8 see #incidents <3 a@b.test', 'U9'],
    ])
    expect(r.skipped.map((s) => s.reason)).toEqual(['channel-event', 'no-text'])
  })

  it('turns every mrkdwn escape into readable Markdown', () => {
    const people = new Map([['U1', { handle: 'ana', name: 'Ana Lima' }]])
    expect(mrkdwnToMarkdown('<@U1> <@U2|bo> <!here> <!everyone> <!subteam^S1|@oncall>', people)).toBe(
      '@ana @bo @here @everyone @oncall',
    )
    expect(
      mrkdwnToMarkdown('<https://x.test/a?b=1&amp;c=2|the [graph]> <https://x.test/b> a &amp;&lt;b&gt;'),
    ).toBe('[the \\[graph\\]](https://x.test/a?b=1&c=2) <https://x.test/b> a &<b>')
    expect(mrkdwnToMarkdown('<!date^1392734382^{date}|Feb 18, 2014> <#C1>')).toBe('Feb 18, 2014 #C1')
  })

  it('reports a file that is not a channel export, at its position', () => {
    const r = readSlack('{\n  "messages": []\n}\n', { file: 'c.json' })
    expect(where(r)).toEqual([{ code: 'IMPORT_SHAPE', line: 1, column: 1 }])
    expect(r.diagnostics[0]!.message).toBe('`$` must be an array, got an object')
    const bad = readSlack('[\n  {"ts": "1737576120.0001"},\n  {"ts": 1737576120}\n]', { file: 'c.json' })
    expect(where(bad)).toEqual([{ code: 'IMPORT_SHAPE', line: 3, column: 10 }])
    expect(bad.diagnostics[0]!.message).toBe('`$[1].ts` must be a string, got `1737576120`')
  })
})

describe('pagerduty', () => {
  it('maps log entries (newest first, as the API sends them) to sorted events that fill key times', () => {
    const r = readPagerDuty(repoText(examples.pagerduty), { file: 'log.json' })
    expect(r.diagnostics).toEqual([])
    expect(r.events.map(({ at, kind, text, actor, fills }) => ({ at, kind, text, actor, fills }))).toEqual([
      {
        at: pt('12:46'),
        kind: 'detect',
        text: 'Triggered through the API: ApiErrorRateHigh: public-api error rate above 5 % for 15 min',
        actor: 'Grafana Alerting',
        fills: 'detected',
      },
      {
        at: pt('12:47:05'),
        kind: 'escalate',
        text: 'Acknowledged by Priya Raman',
        actor: 'Priya Raman',
        fills: 'acknowledged',
      },
      {
        at: pt('13:15:30'),
        kind: 'note',
        text: 'Root cause: PgBouncer api pool exhausted by usage-report plus the midday peak. Restarting the primary behind maintenance mode.',
        actor: 'Aisha Okafor',
        fills: undefined,
      },
      {
        at: pt('15:47:10'),
        kind: 'resolve',
        text: 'Resolved by Priya Raman',
        actor: 'Priya Raman',
        fills: 'resolved',
      },
    ])
    expect(r.events[0]!.source).toEqual({
      title: 'PagerDuty: [#4812] ApiErrorRateHigh: public-api error rate above 5 %',
      url: 'https://example.pagerduty.com/incidents/Q3F8K2LM/log_entries/R6TRIGGER',
    })
    expect(r.skipped.map((s) => [s.reason, s.origin, s.detail])).toEqual([
      ['entry-type', '$.log_entries[2]', 'a `escalate_log_entry`'],
      ['entry-type', '$.log_entries[4]', 'a `notify_log_entry`'],
    ])
  })

  it('accepts pages pasted into one array, and reports bad entries by JSON path and position', () => {
    const ok = readPagerDuty(
      '[{"type":"trigger_log_entry","created_at":"2025-01-22T20:46:00Z","summary":"Triggered"}]',
      {
        file: 'log.json',
      },
    )
    expect(ok.events.map((e) => [e.at, e.text])).toEqual([[pt('12:46'), 'Triggered']])
    const text =
      '{\n  "log_entries": [\n    {"type": "trigger_log_entry", "created_at": "yesterday"},\n    {"created_at": "2025-01-22T20:46:00Z"}\n  ]\n}'
    const r = readPagerDuty(text, { file: 'log.json' })
    expect(where(r)).toEqual([
      { code: 'IMPORT_VALUE', line: 3, column: 49 },
      { code: 'IMPORT_SHAPE', line: 4, column: 5 },
    ])
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      '`$.log_entries[0].created_at` must be an ISO 8601 time with an offset, got `yesterday`',
      '`$.log_entries[1].type` must be a string, got nothing (the field is missing)',
    ])
  })

  it('reports JSON syntax errors at their line and column', () => {
    const r = readPagerDuty('{\n  "log_entries": [\n    {"type": "x",}\n  ]\n}', { file: 'log.json' })
    expect(where(r)).toEqual([{ code: 'IMPORT_SYNTAX', line: 3, column: 18 }])
    expect(r.diagnostics[0]!.message).toBe('not valid JSON: a property name in double quotes was expected')
  })
})

describe('statuspage', () => {
  it('turns each update into a communicate event with its body, entities decoded and tags gone, as public text', () => {
    const r = readStatuspage(repoText(examples.statuspage), { file: 'incident.json' })
    expect(r.diagnostics).toEqual([])
    expect(r.events.map((e) => [e.at, e.kind, e.text, e.public_text])).toEqual([
      [
        pt('12:47'),
        'communicate',
        'Status page update: Investigating.',
        'We are investigating elevated error rates & slow responses affecting the API <api.example.com> and the web application.',
      ],
      [
        pt('13:15'),
        'communicate',
        'Status page update: Identified.',
        'The issue has been identified: requests wait for a database connection > 5 s and fail.\n\nWe are restarting the primary database.',
      ],
      [
        pt('15:02'),
        'communicate',
        'Status page update: Monitoring.',
        'A fix has been implemented & we’re monitoring the results.\nThe API is serving 95 % of normal traffic; webhook deliveries are catching up.'.replace(
          '’',
          "'",
        ),
      ],
      [
        pt('15:47'),
        'communicate',
        'Status page update: Resolved.',
        'This incident has been resolved. Between 12:03 and 15:47 PT the API & web application were slow and then largely unavailable because the connection pool to our primary database was exhausted.\n\nQueued webhooks have been delivered — no data was lost.',
      ],
    ])
    expect(r.events[0]!.source).toEqual({
      title: 'Status page: Elevated API errors and slow responses',
      url: 'https://stspg.io/8w2k4r1q9x',
    })
  })

  it('strips scripts, styles and tags safely', () => {
    expect(
      htmlToText(
        '<script>alert(1)</script><style>p{}</style><b onclick="x()">Bold</b> &lt;script&gt; &#x27;q&#39; a&nbsp;b',
      ),
    ).toBe("Bold <script> 'q' a b")
  })

  it('reads the public API’s wrappers, and refuses a list of several incidents', () => {
    const update = { status: 'in_progress', body: 'Work started', created_at: '2025-01-22T20:47:00Z' }
    const wrapped = readStatuspage(JSON.stringify({ page: {}, incident: { incident_updates: [update] } }), {
      file: 'i.json',
    })
    expect(wrapped.events.map((e) => [e.at, e.text])).toEqual([
      [pt('12:47'), 'Status page update: In progress.'],
    ])
    const many = readStatuspage('{"incidents": [{}, {}]}', { file: 'i.json' })
    expect(many.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['IMPORT_SHAPE', 1, 15, '`$.incidents` holds 2 incidents; import needs exactly one'],
    ])
  })
})

describe('prometheus', () => {
  it('makes one metric per series, named by the labels that differ, and skips NaN and infinite samples', () => {
    const r = readPrometheus(repoText(examples.prometheus), { file: 'q.json', unit: 'clients' })
    expect(r.diagnostics).toEqual([])
    expect(r.metrics.map((m) => [m.name, m.unit, m.points.length])).toEqual([
      ['pgbouncer_pools_client_waiting_connections{instance="pgbouncer-1:9127"}', 'clients', 271],
      ['pgbouncer_pools_client_waiting_connections{instance="pgbouncer-2:9127"}', 'clients', 271],
      ['pgbouncer_pools_client_waiting_connections{instance="pgbouncer-3:9127"}', 'clients', 267],
    ])
    expect(r.metrics[0]!.points[0]).toEqual({ at: pt('11:45'), value: 2 })
    expect(Math.max(...r.metrics[0]!.points.map((p) => p.value))).toBe(1900)
    expect(Math.max(...r.metrics[1]!.points.map((p) => p.value))).toBe(1824)
    expect(Math.max(...r.metrics[2]!.points.map((p) => p.value))).toBe(950)
    expect(r.skipped.map((s) => [s.reason, s.origin, s.detail])).toEqual([
      ['not-a-number', '$.data.result[2].values[50]', 'value `NaN`'],
      ['not-a-number', '$.data.result[2].values[51]', 'value `NaN`'],
      ['not-a-number', '$.data.result[2].values[52]', 'value `NaN`'],
      ['not-a-number', '$.data.result[2].values[60]', 'value `+Inf`'],
    ])
  })

  it('names series from --name or all labels, and keeps values to 6 significant digits', () => {
    expect(seriesNames([{ job: 'api', instance: 'a' }])).toEqual(['series{instance="a", job="api"}'])
    expect(
      seriesNames(
        [
          { job: 'api', instance: 'a' },
          { job: 'api', instance: 'b' },
        ],
        'p99',
      ),
    ).toEqual(['p99{instance="a"}', 'p99{instance="b"}'])
    const r = readPrometheus(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: {}, values: [[1737576000, '0.123456789']] }] },
      }),
      { file: 'q.json', name: 'ratio' },
    )
    expect(r.metrics).toEqual([
      {
        name: 'ratio',
        unit: '',
        points: [{ at: 1737576000000, value: 0.123457 }],
        origin: '$.data.result[0]',
      },
    ])
  })

  it('reports failed queries, instant vectors and bad samples with their JSON path and position', () => {
    const failed = readPrometheus('{"status":"error","errorType":"bad_data","error":"parse error"}', {
      file: 'q.json',
    })
    expect(failed.diagnostics.map((d) => d.message)).toEqual([
      '`$.status` is `error`: the query did not succeed (parse error)',
      '`$.data` must be an object, got nothing (the field is missing)',
    ])
    const vector = readPrometheus('{"status":"success","data":{"resultType":"vector","result":[]}}', {
      file: 'q.json',
    })
    expect(where(vector)).toEqual([{ code: 'IMPORT_SHAPE', line: 1, column: 42 }])
    const text = `{"status": "success", "data": {"resultType": "matrix", "result": [
  {"metric": {"job": "a"}, "values": [[1737576000, "1"]]},
  {"metric": {"job": "b"}, "values": [[1737576000, "1"], [1737576060, "lots"], [1737576120]]}
]}}`
    const bad = readPrometheus(text, { file: 'q.json' })
    expect(bad.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['IMPORT_VALUE', 3, 71, '`$.data.result[1].values[1][1]` must be a number in a string, got `lots`'],
      ['IMPORT_SHAPE', 3, 80, '`$.data.result[1].values[2]` must be a sample `[<unix seconds>, "<value>"]`'],
    ])
  })

  it('down-samples keeping every bucket’s highest and lowest sample, so peaks survive', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({
      at: i,
      value: i === 777 ? 99 : i === 123 ? -5 : i % 7,
    }))
    const kept = downsample(points, 200)
    expect(kept.length).toBeLessThanOrEqual(200)
    expect(kept.map((p) => p.at)).toEqual([...kept.map((p) => p.at)].sort((a, b) => a - b))
    expect(kept).toContainEqual({ at: 777, value: 99 })
    expect(kept).toContainEqual({ at: 123, value: -5 })
    expect(downsample(points, 1)).toEqual([{ at: 777, value: 99 }])
    expect(downsample(points.slice(0, 5), 200)).toEqual(points.slice(0, 5))
  })
})

describe('csv', () => {
  it('reads quoted fields and offset-less times in the given zone', () => {
    const r = readCsv(repoText(examples.csv), { file: 'e.csv', timezone: 'America/Los_Angeles' })
    expect(r.diagnostics).toEqual([])
    expect(
      r.events.map(({ at, kind, text, actor, source, origin }) => ({
        at,
        kind,
        text,
        actor,
        source,
        origin,
      })),
    ).toEqual([
      {
        at: pt('11:20'),
        kind: 'deploy',
        text: '`web-app` release 2025.01.22-1 deployed to production',
        actor: 'deploy-bot',
        source: {
          title: 'github.example.com',
          url: 'https://github.example.com/platform/web-app/releases/tag/2025.01.22-1',
        },
        origin: 'line 2',
      },
      {
        at: pt('13:12'),
        kind: 'mitigate',
        text: 'Scale-out reverted: API fleet back to 24 instances, "queueing grew" with 36',
        actor: '@jlindqvist',
        source: undefined,
        origin: 'line 3',
      },
      {
        at: pt('14:45'),
        kind: 'note',
        text: 'Traffic re-admission at 50 %.\nError rate 21 %, falling.',
        actor: '@jlindqvist',
        source: {
          title: 'grafana.example.com',
          url: 'https://grafana.example.com/d/api-errors/api-error-rate',
        },
        origin: 'line 4',
      },
    ])
  })

  it('reads local times across a DST change correctly', () => {
    const text =
      'kind,at,text\nnote,2025-03-09T01:30:00,before\nnote,2025-03-09T03:30:00,after\nnote,2025-03-09T12:00:00Z,utc\n'
    const r = readCsv(text, { file: 'e.csv', timezone: 'America/Los_Angeles' })
    expect(r.events.map((e) => e.at)).toEqual([
      Date.UTC(2025, 2, 9, 9, 30),
      Date.UTC(2025, 2, 9, 10, 30),
      Date.UTC(2025, 2, 9, 12, 0),
    ])
  })

  it('reports bad cells at their line and column', () => {
    const text = [
      'at,kind,text,source_url',
      '2025-01-22T12:00:00,note,no zone,',
      '2025-01-22T12:00:00Z,mitigat,"a, b",',
      '2025-01-22T12:00:00Z,note,"multi',
      'line",ftp://x',
      '2025-01-22T25:00:00Z,note,x,',
    ].join('\n')
    const r = readCsv(text, { file: 'e.csv' })
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['IMPORT_VALUE', 2, 1],
      ['IMPORT_VALUE', 3, 22],
      ['IMPORT_VALUE', 5, 7],
      ['IMPORT_VALUE', 6, 1],
    ])
    expect(r.diagnostics[0]!.hint).toMatch(/--timezone/)
    expect(r.diagnostics[1]!.hint).toBe('Did you mean `mitigate`?')
  })

  it('reports unclosed quotes, ragged rows and unknown columns', () => {
    const unclosed = readCsv('at,kind,text\n2025-01-22T12:00:00Z,note,"open\n', { file: 'e.csv' })
    expect(where(unclosed)).toEqual([{ code: 'IMPORT_SYNTAX', line: 2, column: 1 }])
    const ragged = readCsv('at,kind,text\n2025-01-22T12:00:00Z,note\n', { file: 'e.csv' })
    expect(where(ragged)).toEqual([{ code: 'IMPORT_SYNTAX', line: 2, column: 1 }])
    const columns = readCsv('at,kind,txt\n', { file: 'e.csv' })
    expect(columns.diagnostics.map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      ['IMPORT_SHAPE', 1, 9, 'Did you mean `text`?'],
      ['IMPORT_SHAPE', 1, 1, 'Start the file with `at,kind,text`.'],
    ])
  })
})
