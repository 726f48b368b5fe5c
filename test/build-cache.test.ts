import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BuildManifest, CachedRecord } from '../src/site/build-cache.js'
import {
  loadCheckedRecords,
  loadManifest,
  manifestPath,
  removeManifest,
  saveManifest,
} from '../src/site/build-cache.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'

afterAll(removeTempDirs)

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
    overdue: [],
    summary: null,
    hidden: 'x'.repeat(1_000),
    shown: [],
  }
}

describe('the build manifest', () => {
  it('is saved record by record, a line each, and loads back', async () => {
    const out = await makeTempDir()
    await mkdir(join(out, 'site'))
    await mkdir(join(out, 'postmortems'))
    // Over 1 MiB, so it is written in several pieces; names that JSON must escape.
    const records = Object.fromEntries(
      Array.from({ length: 2_000 }, (_, i) => [`incidents/"quoted" ${i}\\.yaml`, record(i)]),
    )
    const manifest: BuildManifest = { key: 'k"ey', checks: 'c"hecks', records }
    await saveManifest(out, manifest)
    const lines = (await readFile(manifestPath(out), 'utf8')).split('\n')
    expect(lines).toHaveLength(2_002) // header, records, and the empty string after the last newline
    expect(JSON.parse(lines[0]!)).toEqual({ format: 3, key: 'k"ey', checks: 'c"hecks', count: 2_000 })
    expect(lines.slice(1, -1).map((line) => JSON.parse(line) as unknown)).toEqual(Object.entries(records))
    expect(await loadManifest(out, 'k"ey')).toEqual(manifest)
    // validate asks for the records by the checks' key alone, whatever the build's key.
    expect(await loadCheckedRecords(out, 'c"hecks')).toEqual(records)
    expect(await loadCheckedRecords(out, 'other')).toBeUndefined()
    // Nothing is left beside it.
    expect(await readdir(join(out, '.cache'))).toEqual(['postmortem-build.json'])
  })

  it('saves records it loaded as they were read, and new ones anew, under their names', async () => {
    const out = await makeTempDir()
    await mkdir(join(out, 'site'))
    await mkdir(join(out, 'postmortems'))
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
    const out = await makeTempDir()
    await mkdir(join(out, 'site'))
    await mkdir(join(out, 'postmortems'))
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
    const out = await makeTempDir()
    await mkdir(join(out, 'site'))
    await mkdir(join(out, 'postmortems'))
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
})
