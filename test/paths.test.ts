import { writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { codeFingerprint, nameFrom, packageVersion } from '../src/paths.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'

afterAll(removeTempDirs)

describe('codeFingerprint', () => {
  it('changes with the code, not only with the version, and is the same for the same bytes', async () => {
    const dir = await makeTempDir()
    const file = join(dir, 'postmortem.js')
    await writeFile(file, 'export const a = 1\n')
    const first = codeFingerprint(file)
    expect(first.startsWith(`${packageVersion()}+`)).toBe(true)
    expect(codeFingerprint(file)).toBe(first)
    await writeFile(file, 'export const a = 2\n')
    expect(codeFingerprint(file)).not.toBe(first)
    // Running from the sources (no bundle): the version alone.
    expect(codeFingerprint(join(dir, 'missing.js'))).toBe(packageVersion())
  })
})

describe('nameFrom', () => {
  it('names a file as `relative(cwd, file) || file` does, for any paths', () => {
    const part = fc.constantFrom('a', 'b.yaml', '.', '..', '', '2025', '.hidden', 'a b', 'ü')
    const path = fc
      .tuple(fc.boolean(), fc.array(part, { maxLength: 5 }))
      .map(([absolute, parts]) => (absolute ? '/' : '') + parts.join('/'))
    fc.assert(
      fc.property(path, path, (cwd, file) => {
        expect(nameFrom(cwd)(file)).toBe(relative(cwd, file) || file)
      }),
      { numRuns: 2000 },
    )
    expect(nameFrom('/repo')('/repo/incidents/a.yaml')).toBe('incidents/a.yaml')
    expect(nameFrom('/')('/incidents/a.yaml')).toBe('incidents/a.yaml')
    expect(nameFrom('/repo')('/repo')).toBe('/repo')
  })
})
