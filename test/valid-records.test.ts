import { readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/load/load-config.js'
import { validateFiles } from '../src/validate/validate-files.js'
import { defaultConfig } from '../src/validate/schema.js'

/**
 * One folder per case under test/fixtures/valid/, each holding one record `<id>.yaml` that must produce
 * no diagnostic at all, warnings included (the `--strict` sense).
 */

const fixtures = fileURLToPath(new URL('./fixtures/valid/', import.meta.url))
const repository = fileURLToPath(new URL('../', import.meta.url))
const at = Date.UTC(2026, 0, 1)

const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

function validate(dir: string) {
  return validateFiles([dir], dir, { config: defaultConfig(), at, incidentsDir: dir })
}

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString())

describe('valid records (test/fixtures/valid)', () => {
  it('has the cases', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['bom', 'crlf-line-endings', 'emoji-and-rtl-text', 'offset-less-across-dst']),
    )
  })

  for (const name of cases)
    it(name, async () => {
      const report = await validate(join(fixtures, name))
      expect(report.diagnostics).toEqual([])
      expect(report.files).toHaveLength(1)
      expect(report.incidents).toHaveLength(1)
      expect(`${report.incidents[0]!.id}.yaml`).toBe(report.files[0])
    })

  it('keeps the byte-level fixtures byte-exact (an editor or git may normalise them)', async () => {
    const bytes = (name: string) => readFile(join(fixtures, name, '2025-03-04-checkout-latency.yaml'))
    const bom = await bytes('bom')
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(bom.subarray(3).includes(0xef)).toBe(false)
    const crlf = (await bytes('crlf-line-endings')).toString('utf8')
    expect(crlf).toContain('\r\n')
    expect(crlf.replace(/\r\n/g, '')).not.toContain('\n')
  })

  it('reads a BOM file and a CRLF file to the same incident', async () => {
    const bom = (await validate(join(fixtures, 'bom'))).incidents[0]
    const crlf = (await validate(join(fixtures, 'crlf-line-endings'))).incidents[0]
    expect(crlf).toEqual(bom)
    expect(bom?.id).toBe('2025-03-04-checkout-latency')
    expect(crlf?.summary).toBe('Checkout requests were slow for twenty minutes.')
    expect(crlf?.timeline[0]?.text).toBe('Latency alert fired for checkout.')
  })

  it('keeps emoji and right-to-left text intact', async () => {
    const [incident] = (await validate(join(fixtures, 'emoji-and-rtl-text'))).incidents
    expect(incident!.title).toBe('🔥 Checkout latency spike — الدفع بطيء')
    expect(incident!.summary).toContain('בקשות התשלום היו איטיות')
    expect(incident!.timeline[0]!.text).toBe('🚨 Latency alert fired: התראה על זמן תגובה')
  })

  it('reads offset-less times in the record’s zone on both sides of the March DST change', async () => {
    const [incident] = (await validate(join(fixtures, 'offset-less-across-dst'))).incidents
    // 01:30 is PST (UTC−8), 03:30 is PDT (UTC−7): one hour apart, not two.
    expect(iso(incident!.timestamps.impact_started)).toBe('2025-03-09T09:30:00.000Z')
    expect(iso(incident!.timestamps.detected)).toBe('2025-03-09T10:30:00.000Z')
    expect(iso(incident!.timestamps.resolved)).toBe('2025-03-09T10:45:00.000Z')
    expect(incident!.timeline.map((e) => iso(e.at))).toEqual([
      '2025-03-09T09:30:00.000Z',
      '2025-03-09T10:30:00.000Z',
      '2025-03-09T10:45:00.000Z',
    ])
    expect(incident!.timezone).toBe('America/Los_Angeles')
  })
})

describe('the bundled example incidents', () => {
  it('validate with the repository config without a single diagnostic (--strict)', async () => {
    const loaded = await loadConfig(repository)
    expect(loaded.diagnostics).toEqual([])
    expect(loaded.file).toBe(join(repository, 'postmortem.config.yaml'))
    const incidents = resolve(loaded.root, loaded.config.incidents)
    const report = await validateFiles([incidents], repository, {
      config: loaded.config,
      at: Date.UTC(2026, 11, 4),
      incidentsDir: incidents,
    })
    expect(report.diagnostics).toEqual([])
    expect(report.files.length).toBeGreaterThanOrEqual(3)
    expect(report.incidents).toHaveLength(report.files.length)
    expect(report.incidents.map((i) => i.id)).toContain('2025-01-22-connection-pool-exhaustion')
  })
})
