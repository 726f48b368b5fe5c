import { readFile, utimes, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { syntheticConfig, syntheticRecord } from '../bench/generate.js'
import { makeTempDir, removeTempDirs, runCli } from './helpers/run-cli.js'

afterAll(removeTempDirs)

// `validate` reuses the diagnostics the last build found for records unchanged since: its report must
// be the one it would make without the cache, whatever changed in between.

const at = ['--at', '2026-12-04T00:00:00Z']
const records = [1, 2, 3, 4, 5].map((i) => syntheticRecord(i))
const file = (dir: string, n: number) => join(dir, 'incidents', `${records[n]!.id}.yaml`)

/** `validate --format json` with and without the cache: equal reports; how many records were reused. */
async function validateBoth(dir: string, extra: string[] = []) {
  const cached = await runCli(['validate', '--format', 'json', '--verbose', ...at, ...extra], { cwd: dir })
  const fresh = await runCli(['validate', '--format', 'json', '--no-cache', ...at, ...extra], { cwd: dir })
  expect(cached.stdout).toBe(fresh.stdout)
  expect(cached.code).toBe(fresh.code)
  const reused = /reused the checks of (\d+) unchanged record/.exec(cached.stderr)
  return {
    code: cached.code,
    report: JSON.parse(cached.stdout) as { diagnostics: Array<{ code: string; file: string }> },
    reused: reused ? Number(reused[1]) : undefined,
  }
}

describe('validate with the build cache', () => {
  let dir: string
  beforeEach(async () => {
    dir = await makeTempDir()
    await writeFile(join(dir, 'postmortem.config.yaml'), syntheticConfig)
    await mkdir(join(dir, 'incidents'))
    for (const [n, record] of records.entries())
      // Open action items due on 2030-01-01: overdue from 2030-01-02.
      await writeFile(
        file(dir, n),
        record.text.replace(/^( {4}due: ).*$/gm, '$12030-01-01').replace(/^( {4}status: )\w+$/gm, '$1open'),
      )
    const built = await runCli(['build', ...at], { cwd: dir })
    expect(built.code, built.stderr).toBe(0)
  })

  it('reuses every unchanged record, and reports what checking them again would', async () => {
    const { code, reused, report } = await validateBoth(dir)
    expect(code).toBe(0)
    expect(reused).toBe(5)
    expect(report.diagnostics.length).toBeGreaterThan(0) // the synthetic records have lint warnings
  })

  it('checks an edited record again and finds its error', async () => {
    const text = await readFile(file(dir, 2), 'utf8')
    await writeFile(file(dir, 2), text.replace(/^severity: .*$/m, 'severity: SEV9'))
    const { code, reused, report } = await validateBoth(dir)
    expect(code).toBe(1)
    expect(reused).toBe(4)
    expect(report.diagnostics.find((d) => d.code === 'UNKNOWN_SEVERITY')?.file).toBe(
      `incidents/${records[2]!.id}.yaml`,
    )
  })

  it('reuses a record whose file was only touched, not one changed to the same size', async () => {
    const later = new Date('2030-01-01T00:00:00Z')
    await utimes(file(dir, 0), later, later)
    const text = await readFile(file(dir, 1), 'utf8')
    // One letter of the title for another: the size is the same, the bytes are not.
    await writeFile(
      file(dir, 1),
      text.replace(/^title: "?(\w)/m, (m, c: string) => m.replace(c, c === 'Q' ? 'R' : 'Q')),
    )
    expect((await readFile(file(dir, 1))).length).toBe(Buffer.byteLength(text))
    const { reused } = await validateBoth(dir)
    expect(reused).toBe(4)
  })

  it('checks records again once their action items become overdue at the reference time', async () => {
    const { reused, report } = await validateBoth(dir, ['--at', '2030-06-01T00:00:00Z'])
    expect(reused).toBe(0)
    expect(report.diagnostics.filter((d) => d.code === 'ACTION_ITEM_OVERDUE').length).toBeGreaterThan(0)
  })

  it('leaves a cache alone that would cost more to read than checking the few records asked for', async () => {
    const manifest = join(dir, 'dist/.cache/postmortem-build.json')
    // Padded (its header line still valid JSON) to ~300 KB: worth reading for the five records, not for one.
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('\n', `${' '.repeat(300_000)}\n`))
    expect((await validateBoth(dir)).reused).toBe(5)
    expect((await validateBoth(dir, [file(dir, 0)])).reused).toBeUndefined()
  })

  it('reuses nothing once the config changes', async () => {
    await writeFile(
      join(dir, 'postmortem.config.yaml'),
      syntheticConfig.replace('title: Synthetic incident history', 'title: Another title'),
    )
    const { reused } = await validateBoth(dir)
    expect(reused).toBeUndefined()
  })
})
