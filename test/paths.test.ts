import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { codeFingerprint, packageVersion } from '../src/paths.js'
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
