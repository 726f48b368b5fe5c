import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { importTimeline } from '../../src/import/import-timeline.js'
import type { ImportOptions } from '../../src/import/import-timeline.js'
import { loadConfig } from '../../src/load/load-config.js'
import { repoRoot } from '../helpers/paths.js'
import { makeTempDir, removeTempDirs } from '../helpers/run-cli.js'
import { examples, repoText } from './helpers.js'

afterEach(removeTempDirs)

const id = '2025-01-22-connection-pool-exhaustion'
const example = repoText(`incidents/${id}.yaml`)
const { config } = await loadConfig(repoRoot)

/** A temp dir with the example record and every sample export. */
async function workspace(record = example): Promise<string> {
  const files: Record<string, string> = { [`incidents/${id}.yaml`]: record }
  for (const path of Object.values(examples)) files[path] = repoText(path)
  return makeTempDir(files)
}

function run(cwd: string, options: Partial<ImportOptions> & Pick<ImportOptions, 'kind' | 'file'>) {
  return importTimeline({
    record: `incidents/${id}.yaml`,
    cwd,
    config,
    now: Date.UTC(2026, 0, 1),
    ...options,
  })
}

/** The lines of `after` that are not in `before`, when `before`'s lines all appear in `after` in order. */
function addedLines(before: string, after: string): string[] {
  const old = before.split('\n')
  const added: string[] = []
  let i = 0
  for (const line of after.split('\n')) {
    if (i < old.length && line === old[i]) i++
    else added.push(line)
  }
  expect(i).toBe(old.length)
  return added
}

describe('importTimeline', () => {
  it('writes only the new lines; a second import of the same file leaves it byte-identical', async () => {
    const cwd = await workspace()
    const file = join(cwd, 'incidents', `${id}.yaml`)
    const result = await run(cwd, { kind: 'pagerduty', file: examples.pagerduty })
    expect(result.diagnostics).toEqual([])
    expect(result.written).toBe(true)
    expect(result.plan!.added.map((e) => [e.at, e.kind])).toEqual([
      ['2025-01-22T12:46:00-08:00', 'detect'],
      ['2025-01-22T12:47:05-08:00', 'escalate'],
      ['2025-01-22T13:15:30-08:00', 'note'],
      ['2025-01-22T15:47:10-08:00', 'resolve'],
    ])
    const once = await readFile(file, 'utf8')
    // Every original line is still there, in order: only whole new event items were added.
    expect(addedLines(example, once).filter((l) => l.startsWith('  - at: '))).toEqual([
      '  - at: 2025-01-22T12:46:00-08:00',
      '  - at: 2025-01-22T12:47:05-08:00',
      '  - at: 2025-01-22T13:15:30-08:00',
      '  - at: 2025-01-22T15:47:10-08:00',
    ])
    expect(addedLines(example, once)).toHaveLength(4 * 7)
    const { mtimeMs } = await stat(file)
    const again = await run(cwd, { kind: 'pagerduty', file: examples.pagerduty })
    expect(again.written).toBe(false)
    expect(again.plan!.added).toEqual([])
    expect(again.plan!.skipped.filter((s) => s.reason === 'duplicate')).toHaveLength(4)
    expect(await readFile(file, 'utf8')).toBe(once)
    expect((await stat(file)).mtimeMs).toBe(mtimeMs)
  })

  it('imports every kind into one record, which stays valid, and re-importing all of them changes nothing', async () => {
    const cwd = await workspace()
    const file = join(cwd, 'incidents', `${id}.yaml`)
    const runs: Array<Parameters<typeof run>[1]> = [
      { kind: 'slack', file: examples.slack, users: examples.users },
      { kind: 'pagerduty', file: examples.pagerduty },
      { kind: 'statuspage', file: examples.statuspage },
      { kind: 'prometheus', file: examples.prometheus, unit: 'clients', maxPoints: 50 },
      { kind: 'csv', file: examples.csv },
    ]
    const counts = []
    for (const options of runs) {
      const result = await run(cwd, options)
      expect(result.diagnostics).toEqual([])
      counts.push([
        result.plan!.added.length,
        result.plan!.metrics.filter((m) => m.action === 'added').length,
      ])
    }
    expect(counts).toEqual([
      [5, 0],
      [4, 0],
      [4, 0],
      [0, 3],
      [3, 0],
    ])
    const merged = await readFile(file, 'utf8')
    for (const options of runs) expect((await run(cwd, options)).written).toBe(false)
    expect(await readFile(file, 'utf8')).toBe(merged)
    // The metric went in down-sampled, peak kept.
    expect(merged).toContain(
      '  - name: pgbouncer_pools_client_waiting_connections{instance="pgbouncer-1:9127"}\n',
    )
    expect(merged).toContain('        value: 1900\n')
  })

  it('fills empty key times from PagerDuty, and refuses an overwrite that would break their order', async () => {
    const draft = example
      .replace('  acknowledged: 2025-01-22T12:47:00-08:00\n', '')
      .replace('  resolved: 2025-01-22T15:47:00-08:00\n', '')
      .replace('status: published', 'status: draft')
    const cwd = await workspace(draft)
    const file = join(cwd, 'incidents', `${id}.yaml`)
    const result = await run(cwd, { kind: 'pagerduty', file: examples.pagerduty })
    expect(result.plan!.timestamps.map((t) => [t.key, t.action, t.value])).toEqual([
      ['detected', 'kept', '2025-01-22T12:46:00-08:00'],
      ['acknowledged', 'set', '2025-01-22T12:47:05-08:00'],
      ['resolved', 'set', '2025-01-22T15:47:10-08:00'],
    ])
    expect(await readFile(file, 'utf8')).toContain(
      '  mitigated: 2025-01-22T15:02:00-08:00\n  acknowledged: 2025-01-22T12:47:05-08:00\n  resolved: 2025-01-22T15:47:10-08:00\n',
    )
    // PagerDuty's resolution at 15:47:10, forced over a record mitigated at 15:47:30, would put
    // `resolved` before `mitigated`: refused, nothing written.
    const later = example.replace(
      'mitigated: 2025-01-22T15:02:00-08:00',
      'mitigated: 2025-01-22T15:47:30-08:00',
    )
    const cwd2 = await workspace(later)
    const refused = await run(cwd2, { kind: 'pagerduty', file: examples.pagerduty, overwrite: true })
    expect(refused.written).toBe(false)
    expect(refused.diagnostics.map((d) => d.code)).toContain('TIMESTAMPS_OUT_OF_ORDER')
    expect(await readFile(join(cwd2, 'incidents', `${id}.yaml`), 'utf8')).toBe(later)
  })

  it('writes nothing on a dry run, for a malformed source, or for a record with errors', async () => {
    const cwd = await workspace()
    const file = join(cwd, 'incidents', `${id}.yaml`)
    const dry = await run(cwd, { kind: 'statuspage', file: examples.statuspage, dryRun: true })
    expect(dry.plan!.added).toHaveLength(4)
    expect(dry.written).toBe(false)
    expect(await readFile(file, 'utf8')).toBe(example)

    await writeFile(
      join(cwd, 'broken.json'),
      '{\n  "incident_updates": [\n    {"status": "investigating",\n  ]\n}\n',
    )
    const broken = await run(cwd, { kind: 'statuspage', file: 'broken.json' })
    expect(broken.diagnostics.map((d) => [d.file, d.code, d.line, d.column])).toEqual([
      ['broken.json', 'IMPORT_SYNTAX', 4, 3],
    ])
    expect(broken.plan).toBeUndefined()
    expect(await readFile(file, 'utf8')).toBe(example)

    await writeFile(file, example.replace('severity: SEV1', 'severity: SEV9'))
    const invalid = await run(cwd, { kind: 'statuspage', file: examples.statuspage })
    expect(invalid.diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_SEVERITY'])
    expect(await readFile(file, 'utf8')).toBe(example.replace('severity: SEV1', 'severity: SEV9'))

    const missing = await run(cwd, { kind: 'csv', file: 'nope.csv' })
    expect(missing.diagnostics.map((d) => [d.file, d.code])).toEqual([
      ['incidents/' + id + '.yaml', 'UNKNOWN_SEVERITY'],
    ])
  })

  it('reads --since and --until in the record’s zone, and CSV times without an offset too', async () => {
    const cwd = await workspace()
    const result = await run(cwd, {
      kind: 'csv',
      file: examples.csv,
      since: '2025-01-22T12:00:00',
      until: '2025-01-22T14:00',
      dryRun: true,
    })
    expect(result.plan!.added.map((e) => e.at)).toEqual(['2025-01-22T13:12:00-08:00'])
    expect(result.plan!.skipped.map((s) => [s.reason, s.time])).toEqual([
      ['before-since', '2025-01-22T11:20:00-08:00'],
      ['after-until', '2025-01-22T14:45:00-08:00'],
    ])
    await expect(run(cwd, { kind: 'csv', file: examples.csv, since: 'noon' })).rejects.toThrow(
      /--since must be/,
    )
  })

  it('reports a source that cannot be read', async () => {
    const cwd = await workspace()
    const missing = await run(cwd, { kind: 'csv', file: 'nope.csv' })
    expect(missing.diagnostics.map((d) => [d.file, d.code])).toEqual([['nope.csv', 'READ_FAILED']])
    await writeFile(join(cwd, 'latin1.csv'), Buffer.from([0x61, 0x74, 0x0a, 0xe9]))
    const latin1 = await run(cwd, { kind: 'csv', file: 'latin1.csv' })
    expect(latin1.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['INVALID_UTF8', 2, 1]])
  })

  it('keeps a BOM and CRLF line endings, and reads CSV times without an offset in --timezone', async () => {
    const record = [
      'id: 2025-03-01-checkout',
      'title: Checkout errors # no timezone: times are UTC',
      'status: draft',
      'severity: SEV2',
      'timestamps:',
      '  impact_started: 2025-03-01T10:00:00Z',
      '  detected: 2025-03-01T10:04:00Z',
      'summary: Checkout failed.',
      'timeline:',
      '  - at: 2025-03-01T10:04:00Z',
      '    kind: detect',
      '    text: Alert fired.',
      '',
    ].join('\r\n')
    const cwd = await makeTempDir({
      'incidents/2025-03-01-checkout.yaml': `\uFEFF${record}`,
      'events.csv': 'at,kind,text\r\n2025-03-01T11:02:00,mitigate,"Rolled back, ""v2"" off"\r\n',
    })
    const options = { kind: 'csv', file: 'events.csv', record: 'incidents/2025-03-01-checkout.yaml' } as const
    const noZone = await run(cwd, options)
    expect(noZone.diagnostics.map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      [
        'IMPORT_VALUE',
        2,
        1,
        'Add the offset (`…-08:00` or `…Z`), or give `--timezone` (e.g. `America/Los_Angeles`).',
      ],
    ])
    const result = await run(cwd, { ...options, timezone: 'Europe/Berlin' })
    expect(result.written).toBe(true)
    const written = await readFile(join(cwd, 'incidents/2025-03-01-checkout.yaml'))
    expect([...written.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(written.toString('utf8')).toBe(
      `\uFEFF${record.replace(
        '  - at: 2025-03-01T10:04:00Z',
        `  - at: 2025-03-01T10:02:00Z\r\n    kind: mitigate\r\n    text: Rolled back, "v2" off\r\n  - at: 2025-03-01T10:04:00Z`,
      )}`,
    )
  })
})
