import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FolderSwapSink, InPlaceSink } from '../src/site/write-site.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'

afterAll(removeTempDirs)

describe('putSame', () => {
  it('links the copy to the file a new output wrote, and an incremental build replaces either alone', async () => {
    const out = await makeTempDir()
    const full = new FolderSwapSink(out, ['site', 'postmortems'])
    await full.put('postmortems/a.md', '# A\n')
    await full.putSame('site/incidents/a/postmortem.md', '# A\n', 'postmortems/a.md')
    // Not put before: written as bytes.
    await full.putSame('site/incidents/b/postmortem.md', '# B\n', 'postmortems/b.md')
    expect(await full.commit()).toBe(3)
    const [original, copy] = [join(out, 'postmortems/a.md'), join(out, 'site/incidents/a/postmortem.md')]
    expect(statSync(copy).ino).toBe(statSync(original).ino)
    expect(readFileSync(copy, 'utf8')).toBe('# A\n')
    expect(readFileSync(join(out, 'site/incidents/b/postmortem.md'), 'utf8')).toBe('# B\n')

    // An incremental build writes each file by a rename: the other keeps its bytes until it is written.
    const edit = new InPlaceSink(out)
    await edit.put('postmortems/a.md', '# A, edited\n')
    await edit.commit()
    expect(readFileSync(original, 'utf8')).toBe('# A, edited\n')
    expect(readFileSync(copy, 'utf8')).toBe('# A\n')
    await edit.putSame('site/incidents/a/postmortem.md', '# A, edited\n', 'postmortems/a.md')
    await edit.commit()
    expect(readFileSync(copy, 'utf8')).toBe('# A, edited\n')
    expect(statSync(copy).ino).not.toBe(statSync(original).ino)
    // Someone writing one in place afterwards does not change the other.
    writeFileSync(copy, 'mine')
    expect(readFileSync(original, 'utf8')).toBe('# A, edited\n')
  })
})
