import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BuildManifest, CachedRecord } from '../src/site/build-cache.js'
import { loadCheckedRecords, loadManifest, manifestPath, saveManifest } from '../src/site/build-cache.js'
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
  it('is saved record by record as exactly the JSON of the whole, and loads back', async () => {
    const out = await makeTempDir()
    await mkdir(join(out, 'site'))
    await mkdir(join(out, 'postmortems'))
    // Over 1 MiB, so it is written in several pieces; names that JSON must escape.
    const records = Object.fromEntries(
      Array.from({ length: 2_000 }, (_, i) => [`incidents/"quoted" ${i}\\.yaml`, record(i)]),
    )
    const manifest: BuildManifest = { key: 'k"ey', checks: 'c"hecks', records }
    await saveManifest(out, manifest)
    expect(await readFile(manifestPath(out), 'utf8')).toBe(JSON.stringify({ format: 2, ...manifest }))
    expect(await loadManifest(out, 'k"ey')).toEqual({ format: 2, ...manifest })
    // validate asks for the records by the checks' key alone, whatever the build's key.
    expect(await loadCheckedRecords(out, 'c"hecks')).toEqual(records)
    expect(await loadCheckedRecords(out, 'other')).toBeUndefined()
    // Nothing is left beside it.
    expect(await readdir(join(out, '.cache'))).toEqual(['postmortem-build.json'])
  })
})
