import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticConfig, syntheticRecord } from '../bench/generate.js'
import { peerPage } from '../bench/peers/content.js'
import { retitle } from '../bench/synthetic-repo.js'
import { loadConfig } from '../src/load/load-config.js'
import { validateFiles } from '../src/validate/validate-files.js'

// The benchmark's inputs, not its timings: nothing here measures time.

const records = Array.from({ length: 5 }, (_, i) => syntheticRecord(i))

describe('synthetic records (bench/generate.ts)', () => {
  it('are the same bytes for the same seed, and differ for another seed', () => {
    expect(Array.from({ length: 5 }, (_, i) => syntheticRecord(i))).toEqual(records)
    expect(syntheticRecord(0, 2).text).not.toEqual(records[0]!.text)
  })

  it('have the shape issue 7 asks for: ~9 KB, 25 timeline events, 3 tables, links and a list in the prose', () => {
    for (const { text } of records) {
      expect(Buffer.byteLength(text)).toBeGreaterThan(7_500)
      expect(Buffer.byteLength(text)).toBeLessThan(10_000)
      expect(text.match(/^ {2}- at: /gm)).toHaveLength(25)
      expect(text.match(/^ +\|---\|/gm)).toHaveLength(3)
      expect(text.match(/\]\(https:\/\//g)).toHaveLength(2)
      expect(text.match(/^ {4}- (?!text: |id: )/gm)).toHaveLength(3)
    }
  })

  describe('in a repository with the synthetic config', () => {
    let dir: string
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'postmortem-bench-'))
      await writeFile(join(dir, 'postmortem.config.yaml'), syntheticConfig)
      for (const { id, text } of records) await writeFile(join(dir, `${id}.yaml`), text)
    })
    afterAll(() => rm(dir, { recursive: true, force: true }))

    it('pass validation (warnings allowed, as in a real repository)', async () => {
      const { config, diagnostics } = await loadConfig(dir)
      expect(diagnostics).toEqual([])
      const report = await validateFiles([dir], dir, { config, at: Date.UTC(2026, 11, 4), incidentsDir: dir })
      expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      expect(report.incidents).toHaveLength(records.length)
    })

    it('take a new title from the one-edit step, replacing the previous edit', async () => {
      const file = join(dir, `${records[0]!.id}.yaml`)
      retitle(file, 'edit-a-1')
      retitle(file, 'edit-a-2')
      const { config } = await loadConfig(dir)
      const report = await validateFiles([file], dir, {
        config,
        at: Date.UTC(2026, 11, 4),
        incidentsDir: dir,
      })
      const title = /^title: "(.*)"$/m.exec(records[0]!.text)![1]
      expect(report.incidents[0]!.title).toBe(`${title} edit-a-2`)
    })
  })

  it('become peer pages with the same title line, so the same edit applies to them', () => {
    const page = peerPage(records[0]!.text)
    expect(page).toMatch(/^---\ntitle: ".+"\n/)
    expect(page).toContain('## Timeline')
    expect(page).not.toContain('@') // no people's names in the public view
  })
})
