import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs, repoRoot, runCli, stackLines } from '../helpers/run-cli.js'
import { examples, repoText } from './helpers.js'

afterEach(removeTempDirs)

const id = '2025-01-22-connection-pool-exhaustion'
const recordPath = `incidents/${id}.yaml`
const example = repoText(recordPath)

/** A project in a temp dir: the config, a copy of the example record, the sample exports. */
async function project(): Promise<string> {
  const files: Record<string, string> = {
    'postmortem.config.yaml': repoText('postmortem.config.yaml'),
    [recordPath]: example,
  }
  for (const path of Object.values(examples)) files[path] = repoText(path)
  return makeTempDir(files)
}

describe('postmortem import', () => {
  it('prints what a dry run would add and writes nothing', async () => {
    const cwd = await project()
    const { code, stdout, stderr } = await runCli(
      ['import', 'pagerduty', examples.pagerduty, '--into', id, '--dry-run'],
      {
        cwd,
      },
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout.split('\n').slice(0, 4)).toEqual([
      '+ 2025-01-22T12:46:00-08:00  detect  Triggered through the API: ApiErrorRateHigh: public-api error rate above 5 % for 15 min  (Grafana Alerting)',
      '+ 2025-01-22T12:47:05-08:00  escalate  Acknowledged by Priya Raman  (Priya Raman)',
      '+ 2025-01-22T13:15:30-08:00  note  Root cause: PgBouncer api pool exhausted by usage-report plus the midday peak. Restarting the prima…  (Aisha Okafor)',
      '+ 2025-01-22T15:47:10-08:00  resolve  Resolved by Priya Raman  (Priya Raman)',
    ])
    expect(stdout).toContain(
      '- skipped 2025-01-22T12:46:00-08:00  timestamps.detected is already 2025-01-22T12:03:00-08:00; --overwrite replaces it with 2025-01-22T12:46:00-08:00  $.log_entries[5]',
    )
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      `${recordPath}: 4 events added, 5 skipped (2 other log entries, 3 key times the record already has); dry run: nothing written`,
    )
    expect(await readFile(join(cwd, recordPath), 'utf8')).toBe(example)
  })

  it('imports a Slack export, shows it in `postmortem timeline`, and a second run adds nothing', async () => {
    const cwd = await project()
    const args = ['import', 'slack', examples.slack, '--into', id, '--users', examples.users]
    const first = await runCli(args, { cwd })
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(
      '- skipped 2025-01-21T16:30:00-08:00  more than 6 h before impact started  $[0]  Reminder: the weekly usage report job was re-sized to 128 workers yesterday.',
    )
    expect(first.stdout.trimEnd().split('\n').at(-1)).toBe(
      `${recordPath}: 5 events added, 6 skipped (4 not pinned and without the reaction, 1 deleted, 1 outside the incident window); written`,
    )
    const written = await readFile(join(cwd, recordPath), 'utf8')
    expect(written).toContain(`  - at: 2025-01-22T13:34:00-08:00
    kind: note
    text: "Decision: no standby promotion (9 min replication lag). Restarting the primary behind API maintenance mode."
    actor: Priya Raman
`)
    const timeline = await runCli(['timeline', id, '--format', 'md'], { cwd })
    expect(timeline.code).toBe(0)
    expect(timeline.stdout).toContain('Decision: no standby promotion (9 min replication lag).')
    expect(timeline.stdout).toContain('[RESOLVED] DatabaseDown core-db primary is back up')
    expect((await runCli(['validate', recordPath], { cwd })).code).toBe(0)

    const second = await runCli(args, { cwd })
    expect(second.code).toBe(0)
    expect(second.stdout).toBe(
      `- skipped 2025-01-22T13:20:00-08:00  the message was deleted  $[7]
- skipped 2025-01-21T16:30:00-08:00  more than 6 h before impact started  $[0]  Reminder: the weekly usage report job was re-sized to 128 workers yesterday.
${recordPath}: 0 events added, 11 skipped (4 not pinned and without the reaction, 1 deleted, 1 outside the incident window, 5 duplicates); the file is unchanged
`,
    )
    expect(await readFile(join(cwd, recordPath), 'utf8')).toBe(written)
  })

  it('reports the changes as JSON', async () => {
    const cwd = await project()
    const { code, stdout } = await runCli(
      [
        'import',
        'prometheus',
        examples.prometheus,
        '--into',
        recordPath,
        '--unit',
        'clients',
        '--max-points',
        '20',
        '--format',
        'json',
      ],
      { cwd },
    )
    expect(code).toBe(0)
    const report = JSON.parse(stdout) as Record<string, unknown>
    expect(report).toMatchObject({
      record: recordPath,
      source: examples.prometheus,
      kind: 'prometheus',
      written: true,
    })
    // At most 20 samples each: 10 buckets keep their lowest and highest (one where they are equal).
    expect(report.metrics).toEqual([
      {
        name: 'pgbouncer_pools_client_waiting_connections{instance="pgbouncer-1:9127"}',
        points: 17,
        of: 271,
        action: 'added',
      },
      {
        name: 'pgbouncer_pools_client_waiting_connections{instance="pgbouncer-2:9127"}',
        points: 17,
        of: 271,
        action: 'added',
      },
      {
        name: 'pgbouncer_pools_client_waiting_connections{instance="pgbouncer-3:9127"}',
        points: 17,
        of: 267,
        action: 'added',
      },
    ])
    expect((report.skipped as unknown[])[0]).toEqual({
      at: '2025-01-22T12:35:00-08:00',
      reason: 'not-a-number',
      origin: '$.data.result[2].values[50]',
      detail: 'value `NaN`',
    })
  })

  it('reports malformed input at its line and column, writes nothing and exits 1', async () => {
    const cwd = await project()
    await writeFile(
      join(cwd, 'bad.csv'),
      'at,kind,text\n2025-01-22T12:10:00,note,ok\n2025-01-22T12:20:00-08:00,mitigat,typo\n',
    )
    const { code, stdout, stderr } = await runCli(['import', 'csv', 'bad.csv', '--into', id], {
      cwd,
      env: { NO_COLOR: '1' },
    })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('bad.csv\n  3:27    error    `kind` must be one of')
    expect(stderr).toContain('got `mitigat`  IMPORT_VALUE\n')
    expect(stderr).toContain('hint: Did you mean `mitigate`?')
    expect(stderr).toContain(`Nothing was imported; ${recordPath} is unchanged.`)
    expect(stackLines(stderr)).toEqual([])
    expect(await readFile(join(cwd, recordPath), 'utf8')).toBe(example)
  })

  it('treats an unknown kind, a missing --into, an unknown id and bad options as usage errors', async () => {
    const cwd = await project()
    const cases: Array<[string[], RegExp]> = [
      [
        ['import', 'jira', 'x.json', '--into', id],
        /value 'jira' is invalid for argument 'kind'\. Allowed choices are slack, pagerduty, statuspage, prometheus, csv/,
      ],
      [['import', 'csv', examples.csv], /required option '--into <id>' not specified/],
      [
        ['import', 'csv', examples.csv, '--into', 'no-such-incident'],
        /no incident record with id `no-such-incident` in incidents; give a record id/,
      ],
      [
        ['import', 'prometheus', examples.prometheus, '--into', id, '--max-points', '0'],
        /--max-points must be a whole number/,
      ],
      [
        ['import', 'csv', examples.csv, '--into', id, '--timezone', 'Mars/Olympus'],
        /--timezone must be an IANA time zone/,
      ],
      [['import', 'csv', examples.csv, '--into', id, '--margin', 'long'], /--margin must be a duration/],
    ]
    for (const [argv, message] of cases) {
      const { code, stderr } = await runCli(argv, { cwd, env: { NO_COLOR: '1' } })
      expect(code, argv.join(' ')).toBe(2)
      expect(stderr).toMatch(message)
      expect(stackLines(stderr)).toEqual([])
    }
    expect(await readFile(join(cwd, recordPath), 'utf8')).toBe(example)
  })

  it('prints what the README shows for the Slack example (a dry run on the bundled record)', async () => {
    const command =
      /`npx (postmortem import slack [^`]*--dry-run)`[^\n]*\n\(a test keeps this output true\):\n\n```\n([\s\S]*?)```/.exec(
        repoText('README.md'),
      )
    expect(command).not.toBeNull()
    const { code, stdout } = await runCli(command![1]!.split(' ').slice(1), {
      cwd: repoRoot,
      env: { NO_COLOR: '1' },
    })
    expect(code).toBe(0)
    expect(stdout).toBe(command![2])
  })

  it('lists at most 10 skipped items of a sort, and says when a metric has no samples left', async () => {
    const cwd = await project()
    const t0 = Date.UTC(2025, 0, 22, 20, 0) / 1000
    const values = Array.from({ length: 15 }, (_, i) => [t0 + i * 60, i < 13 ? 'NaN' : String(i)])
    const response = {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: { job: 'a' }, values },
          { metric: { job: 'b' }, values: [[t0 - 86_400, '1']] },
        ],
      },
    }
    await writeFile(join(cwd, 'q.json'), JSON.stringify(response))
    const { code, stdout } = await runCli(
      ['import', 'prometheus', 'q.json', '--into', id, '--since', '2025-01-22', '--dry-run'],
      { cwd },
    )
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('+ metric series{job="a"}: 2 samples')
    expect(lines.filter((l) => l.startsWith('- skipped '))).toHaveLength(10)
    expect(lines.slice(-3)).toEqual([
      '- … and 3 more NaN or infinite samples',
      '- metric series{job="b"}: no samples within --since/--until',
      `${recordPath}: 0 events added, 1 metric added, 13 skipped (13 NaN or infinite samples); dry run: nothing written`,
    ])
  })
})
