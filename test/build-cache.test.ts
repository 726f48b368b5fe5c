import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BuildManifest, CachedRecord } from '../src/site/build-cache.js'
import type { SiteSummary } from '../src/site/build-site.js'
import {
  loadCheckedRecords,
  loadManifest,
  manifestPath,
  removeManifest,
  saveManifest,
} from '../src/site/build-cache.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'
import { PostmortemError } from '../src/errors.js'
import { fullSummary } from '../src/site/cached-summary.js'

afterAll(removeTempDirs)

/** An output folder as a build leaves it: the cache is used only while its output is there. */
async function outputDir(): Promise<string> {
  const out = await makeTempDir()
  await mkdir(join(out, 'site'))
  await mkdir(join(out, 'postmortems'))
  return out
}

function record(i: number): CachedRecord {
  return {
    mtimeMs: 1_700_000_000_000 + i,
    size: 8_000 + i,
    hash: 'ab'.repeat(32),
    id: `incident-${i}`,
    related: [],
    warnings: [
      {
        code: 'COMMUNICATION_GAP',
        severity: 'warning',
        message: `gap "${i}" \u2028`,
        file: 'x',
        line: 1,
        column: 1,
      },
    ],
    warningCount: 1,
    overdue: [],
    summary: null,
    hidden: 'x'.repeat(1_000),
    shown: [],
  }
}

/** A record on the site: its summary carries what the pages over all incidents show. */
function shown(i: number): CachedRecord {
  const { hidden: _, ...rest } = record(i)
  const summary: SiteSummary = {
    incident: {
      id: `incident-${i}`,
      title: `Incident ${i} – “quoted”`,
      severity: 'SEV2',
      status: 'published',
      type: 'outage',
      services: [{ id: 'api', impact: 'outage' }, { id: 'web' }],
      timezone: 'Europe/Berlin',
      timestamps: {
        impact_started: 1_700_000_000_000 + i,
        detected: 1_700_000_060_000 + i,
        acknowledged: null,
        cause_identified: null,
        mitigated: 1_700_000_600_000 + i,
        resolved: 1_700_000_900_000 + i,
        impact_ended: 1_700_000_900_000 + i,
      },
      ...(i % 2 === 0 && { tags: ['deploy'] }),
      action_items: [
        {
          id: 'AI-1',
          title: 'Alert on it',
          type: 'detect',
          priority: 'P1',
          status: 'open',
          due: '2024-01-01',
        },
        {
          id: 'AI-2',
          title: 'Roll back faster',
          type: 'mitigate',
          priority: 'P2',
          status: 'done',
          owner: '@sre',
          issue: {
            number: 7,
            url: 'https://github.test/o/r/issues/7',
            state: 'closed',
            synced_at: '2024-01-02T00:00:00Z',
          },
        },
      ] as NonNullable<SiteSummary['incident']['action_items']>,
    },
    figures: {
      durations: {
        time_to_detect: 60_000,
        time_to_acknowledge: null,
        time_to_mitigate: 600_000,
        time_to_resolve: 900_000,
        impact_duration: 900_000,
      },
      error_budget: [{ slo: 'api-availability', bad_minutes: 15, burn_percent: 34.72 }],
      communications: { first_update_after_detect: 120_000, longest_gap: null },
      action_items: {
        total: 2,
        open: 1,
        in_progress: 0,
        done: 1,
        not_doing: 0,
        overdue: 1,
        completion_percent: 50,
      },
    },
    excerpt: `About incident ${i}`,
    content_html: `<p>About <em>incident</em> ${i}\t…</p>`,
    lastChange: 1_700_000_900_000 + i,
  }
  return { ...rest, summary }
}

/** A record as loaded, with its whole summary (a loaded one reads the rest when asked). */
function whole(record: CachedRecord): CachedRecord {
  return { ...record, summary: record.summary && fullSummary(record.summary) }
}

const wholeRecords = (records: BuildManifest['records']) =>
  Object.fromEntries(Object.entries(records).map(([name, r]) => [name, whole(r)]))

/** A manifest line: `[name, record, row]` without its warnings and summary, a tab, and those. */
function parseLine(line: string): [string, CachedRecord] {
  const tab = line.indexOf('\t')
  const [name, hot, row] = JSON.parse(line.slice(0, tab)) as [string, CachedRecord, unknown]
  const cold = JSON.parse(line.slice(tab + 1)) as {
    warnings: CachedRecord['warnings']
    summary?: SiteSummary
  }
  expect(hot).not.toHaveProperty('warnings')
  expect(hot).not.toHaveProperty('summary')
  expect(row === null).toBe(cold.summary === undefined)
  return [name, { ...hot, warnings: cold.warnings, summary: cold.summary ?? null }]
}

describe('the build manifest', () => {
  it('is saved record by record, a line each, and loads back', async () => {
    const out = await outputDir()
    // Over 1 MiB, so it is written in several pieces; names that JSON must escape.
    const records = Object.fromEntries(
      Array.from({ length: 2_000 }, (_, i) => [
        `incidents/"quoted" ${i}\\.yaml`,
        i % 3 ? record(i) : shown(i),
      ]),
    )
    const manifest: BuildManifest = { key: 'k"ey', checks: 'c"hecks', records }
    await saveManifest(out, manifest)
    const lines = (await readFile(manifestPath(out), 'utf8')).split('\n')
    expect(lines).toHaveLength(2_002) // header, records, and the empty string after the last newline
    expect(JSON.parse(lines[0]!)).toEqual({ format: 5, key: 'k"ey', checks: 'c"hecks', count: 2_000 })
    expect(lines.slice(1, -1).map(parseLine)).toEqual(Object.entries(records))
    const loaded = (await loadManifest(out, 'k"ey'))!
    expect({ ...loaded, records: wholeRecords(loaded.records) }).toEqual(manifest)
    // What every build reads of a summary is there without the rest (`CachedSummary`).
    const { incident, figures, lastChange } = records['incidents/"quoted" 0\\.yaml']!.summary!
    const cached = loaded.records['incidents/"quoted" 0\\.yaml']!.summary!
    const { action_items: _items, ...facts } = incident
    expect({ ...cached.incident, title: cached.incident.title, action_items: undefined }).toEqual(facts)
    expect({ ...cached.figures, communications: cached.figures.communications }).toEqual(figures)
    expect(cached.incident.action_items!.map((item) => ({ ...item, title: item.title }))).toEqual(
      incident.action_items!.map(({ id, status, due, title }) => ({ id, status, due, title })),
    )
    expect(cached.lastChange).toBe(lastChange)
    // validate asks for the records by the checks' key alone, whatever the build's key.
    expect(wholeRecords((await loadCheckedRecords(out, 'c"hecks'))!)).toEqual(records)
    expect(await loadCheckedRecords(out, 'other')).toBeUndefined()
    // Nothing is left beside it.
    expect(await readdir(join(out, '.cache'))).toEqual(['postmortem-build.json'])
  })

  it('saves records it loaded as they were read, and new ones anew, under their names', async () => {
    const out = await outputDir()
    const first = { key: 'k', checks: 'c', records: { 'a.yaml': record(1), 'b.yaml': record(2) } }
    await saveManifest(out, first)
    const loaded = (await loadManifest(out, 'k'))!
    // One reused as loaded, one replaced (a new object), one loaded record saved under another name.
    const next = {
      key: 'k',
      checks: 'c',
      records: {
        'a.yaml': loaded.records['a.yaml']!,
        'b.yaml': { ...record(2), id: 'changed', warnings: [] },
        'c.yaml': loaded.records['b.yaml']!,
      },
    }
    await saveManifest(out, next)
    expect(await loadManifest(out, 'k')).toEqual(next)
    // Multi-byte text keeps its bytes through a reuse.
    const text = { key: 'k', checks: 'c', records: { 'é.yaml': { ...record(3), hidden: 'día – ☃' } } }
    await saveManifest(out, text)
    await saveManifest(out, (await loadManifest(out, 'k'))!)
    expect(await loadManifest(out, 'k')).toEqual(text)
  })

  it('is not used when it was cut short or is of another format', async () => {
    const out = await outputDir()
    await saveManifest(out, { key: 'k', checks: 'c', records: { 'a.yaml': record(1), 'b.yaml': record(2) } })
    const text = await readFile(manifestPath(out), 'utf8')
    const lines = text.split('\n')
    await writeFile(manifestPath(out), `${lines.slice(0, 2).join('\n')}\n`) // a record missing
    expect(await loadManifest(out, 'k')).toBeUndefined()
    await writeFile(manifestPath(out), text.slice(0, -10)) // the last line cut
    expect(await loadManifest(out, 'k')).toBeUndefined()
    await writeFile(manifestPath(out), JSON.stringify({ format: 2, key: 'k', checks: 'c', records: {} }))
    expect(await loadManifest(out, 'k')).toBeUndefined()
    await writeFile(manifestPath(out), text)
    expect(Object.keys((await loadManifest(out, 'k'))!.records)).toEqual(['a.yaml', 'b.yaml'])
  })

  it('copies the lines of unchanged records from the manifest moved aside, loaded or saved by this process', async () => {
    const out = await outputDir()
    const saved = { key: 'k', checks: 'c', records: { 'a.yaml': record(1), 'b.yaml': record(2) } }
    await saveManifest(out, saved)
    // A record is never changed in place; one that is shows whether its line was copied or written anew.
    const copied = async (manifest: BuildManifest) => {
      await removeManifest(out)
      expect(await readdir(join(out, '.cache'))).toEqual(['postmortem-build.json.previous'])
      manifest.records['a.yaml']!.id = 'changed in place'
      const next = { ...manifest, records: { ...manifest.records, 'c.yaml': record(3) } }
      await saveManifest(out, next)
      expect(await readdir(join(out, '.cache'))).toEqual(['postmortem-build.json'])
      return (await loadManifest(out, 'k'))!.records
    }
    // As serve does: the records it saved itself, kept in memory.
    let records = await copied(saved)
    expect(records['a.yaml']!.id).toBe('incident-1')
    expect(records['c.yaml']).toEqual(record(3))
    // As a new process does: the records it loaded.
    records = await copied((await loadManifest(out, 'k'))!)
    expect(records['a.yaml']!.id).toBe('incident-1')
    expect(records['b.yaml']).toEqual(record(2))
    // A manifest file changed by anyone else since this process saved it is not copied from.
    const fresh = { key: 'k', checks: 'c', records: { 'a.yaml': record(1) } }
    await saveManifest(out, fresh)
    await writeFile(manifestPath(out), await readFile(manifestPath(out)))
    records = await copied(fresh)
    expect(records['a.yaml']!.id).toBe('changed in place')
  })

  it('reads a record’s warnings and the rest of its summary only when asked, and says when they are damaged', async () => {
    const out = await outputDir()
    await saveManifest(out, { key: 'k', checks: 'c', records: { 'a.yaml': shown(1), 'b.yaml': shown(2) } })
    // The second record's fields after the tab no longer JSON: loading still succeeds.
    const lines = (await readFile(manifestPath(out), 'utf8')).split('\n')
    lines[2] = lines[2]!.replace('\t{', '\t{{')
    await writeFile(manifestPath(out), lines.join('\n'))
    const { records } = (await loadManifest(out, 'k'))!
    expect(records['a.yaml']!.warningCount).toBe(1)
    expect(records['a.yaml']!.warnings).toEqual(shown(1).warnings)
    expect(records['a.yaml']!.summary!.content_html).toBe(shown(1).summary!.content_html)
    expect(records['b.yaml']!.summary!.incident.timestamps).toEqual(shown(2).summary!.incident.timestamps)
    for (const damaged of [() => records['b.yaml']!.warnings, () => records['b.yaml']!.summary!.excerpt]) {
      expect(damaged).toThrow(PostmortemError)
      expect(damaged).toThrow(/postmortem-build\.json is damaged: delete it .* or build with --no-cache/)
    }
  })

  it('appends the lines of changed and removed records to the file moved aside, and loads the last of each', async () => {
    const out = await outputDir()
    const records = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`r${i}.yaml`, record(i)]))
    await saveManifest(out, { key: 'k', checks: 'c', records })
    const lineCount = async () => (await readFile(manifestPath(out), 'utf8')).split('\n').length - 1
    expect(await lineCount()).toBe(101)
    // As a build does: load, move aside, save with one record changed and one gone.
    const before = await readFile(manifestPath(out), 'utf8')
    let loaded = (await loadManifest(out, 'k'))!
    await removeManifest(out)
    const { 'r2.yaml': _gone, ...kept } = loaded.records
    const next = { key: 'k', checks: 'c', records: { ...kept, 'r1.yaml': { ...record(1), id: 'changed' } } }
    await saveManifest(out, next)
    expect(await readdir(join(out, '.cache'))).toEqual(['postmortem-build.json'])
    const lines = (await readFile(manifestPath(out), 'utf8')).split('\n')
    expect(lines).toHaveLength(104) // the 101 lines as they were, the changed record, the one gone, ''
    expect(lines.slice(0, 101)).toEqual(before.split('\n').slice(0, 101))
    expect(lines[102]).toBe(`${JSON.stringify(['r2.yaml', null])}\t`)
    loaded = (await loadManifest(out, 'k'))!
    expect(loaded).toEqual(next)
    expect(loaded.records).not.toHaveProperty('r2.yaml')
    // A record back after it was gone; then nothing changed: nothing appended.
    await removeManifest(out)
    await saveManifest(out, { ...loaded, records: { ...loaded.records, 'r2.yaml': record(2) } })
    expect(await lineCount()).toBe(104)
    loaded = (await loadManifest(out, 'k'))!
    expect(loaded.records['r2.yaml']).toEqual(record(2))
    await removeManifest(out)
    await saveManifest(out, loaded)
    expect(await lineCount()).toBe(104)
    expect(await loadManifest(out, 'k')).toEqual(loaded)
  })

  it('is written anew once appended lines would make it a quarter longer, or under another key', async () => {
    const out = await outputDir()
    const records = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`r${i}.yaml`, record(i)]))
    let manifest: BuildManifest = { key: 'k', checks: 'c', records }
    await saveManifest(out, manifest)
    const lineCount = async () => (await readFile(manifestPath(out), 'utf8')).split('\n').length - 1
    const counts: number[] = []
    for (let round = 0; round < 6; round++) {
      // Each round, as a process of its own would: load, move aside, save with ten records changed.
      manifest = (await loadManifest(out, 'k'))!
      await removeManifest(out)
      const changed = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`r${i}.yaml`, { ...record(i), id: `round ${round}` }]),
      )
      manifest = { ...manifest, records: { ...manifest.records, ...changed } }
      await saveManifest(out, manifest)
      counts.push(await lineCount())
      expect(await loadManifest(out, 'k')).toEqual(manifest)
    }
    // 101, then +10 a round while at most 25 + 16 lines are appended, then written anew.
    expect(counts).toEqual([111, 121, 131, 141, 101, 111])
    await removeManifest(out)
    await saveManifest(out, { ...manifest, key: 'other' })
    expect(await lineCount()).toBe(101)
    expect(await loadManifest(out, 'other')).toEqual({ ...manifest, key: 'other' })
  })

  it('is not used when an appended line was cut short, or a record is said gone among the first lines', async () => {
    const out = await outputDir()
    await saveManifest(out, { key: 'k', checks: 'c', records: { 'a.yaml': record(1), 'b.yaml': record(2) } })
    const text = await readFile(manifestPath(out), 'utf8')
    await writeFile(manifestPath(out), `${text}${JSON.stringify(['a.yaml', record(3)]).slice(0, 40)}`)
    expect(await loadManifest(out, 'k')).toBeUndefined()
    const lines = text.split('\n')
    lines[2] = `${JSON.stringify(['b.yaml', null])}\t`
    await writeFile(manifestPath(out), lines.join('\n'))
    expect(await loadManifest(out, 'k')).toBeUndefined()
    await writeFile(manifestPath(out), `${text}${JSON.stringify(['b.yaml', null])}\t\n`)
    expect(Object.keys((await loadManifest(out, 'k'))!.records)).toEqual(['a.yaml'])
  })
})
