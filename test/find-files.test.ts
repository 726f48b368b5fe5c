import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { FoundFiles } from '../src/load/find-files.js'
import { findRecordFiles, refreshRecordFiles } from '../src/load/find-files.js'
import { knownIds } from '../src/validate/validate-files.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'

afterAll(removeTempDirs)

async function tree(files: string[]): Promise<string> {
  const dir = await makeTempDir()
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true })
    await writeFile(join(dir, file), 'id: x\n')
  }
  return dir
}

describe('findRecordFiles', () => {
  it('finds .yaml and .yml files in sub-folders, sorted; skips dot-files, dot-folders, node_modules and the config file', async () => {
    const dir = await tree([
      'incidents/b.yml',
      'incidents/a.yaml',
      'incidents/2024/c.yaml',
      'incidents/2024/deep/d.yaml',
      'incidents/notes.txt',
      'incidents/e.yaml.bak',
      'incidents/.hidden.yaml',
      'incidents/.drafts/f.yaml',
      'incidents/node_modules/pkg/g.yaml',
      'incidents/2024/node_modules/h.yaml',
      'incidents/postmortem.config.yaml',
      'incidents/2024/postmortem.config.yaml',
      'incidents/my-postmortem.config.yaml',
    ])
    const found = await findRecordFiles(['incidents'], dir)
    expect(found.diagnostics).toEqual([])
    expect(found.files).toEqual(
      [
        'incidents/2024/c.yaml',
        'incidents/2024/deep/d.yaml',
        'incidents/a.yaml',
        'incidents/b.yml',
        'incidents/my-postmortem.config.yaml',
      ].map((f) => join(dir, f)),
    )
  })

  it('takes files as given, drops duplicates, and reports paths that do not exist', async () => {
    const dir = await tree(['incidents/a.yaml', 'other/x.yaml'])
    const found = await findRecordFiles(['other/x.yaml', 'incidents', 'incidents/a.yaml', 'missing'], dir)
    expect(found.files).toEqual([join(dir, 'incidents/a.yaml'), join(dir, 'other/x.yaml')])
    expect(found.diagnostics).toMatchObject([{ code: 'READ_FAILED', file: 'missing', severity: 'error' }])
  })

  it('follows linked folders and files, under the names of the links', async () => {
    const dir = await tree(['incidents/a.yaml', 'elsewhere/2023/b.yaml', 'elsewhere/c.yaml'])
    await symlink(join(dir, 'elsewhere'), join(dir, 'incidents/old'), 'dir')
    await symlink(join(dir, 'elsewhere/c.yaml'), join(dir, 'incidents/link.yaml'))
    const found = await findRecordFiles(['incidents'], dir)
    expect(found.files).toEqual(
      ['incidents/a.yaml', 'incidents/link.yaml', 'incidents/old/2023/b.yaml', 'incidents/old/c.yaml'].map(
        (f) => join(dir, f),
      ),
    )
  })
})

describe('refreshRecordFiles', () => {
  /** Applies `change` to the tree, then refreshes the list found before with the paths it names. */
  async function refreshed(dir: string, before: FoundFiles, named: string[], change: () => Promise<unknown>) {
    await change()
    return refreshRecordFiles(before, ['incidents'], dir, new Set(named.map((f) => join(dir, f))))
  }

  it('adds and removes the records named, ignores other files, and equals a new search', async () => {
    const dir = await tree(['incidents/a.yaml', 'incidents/2024/b.yaml'])
    let before = await findRecordFiles(['incidents'], dir)
    const steps: Array<[string[], () => Promise<unknown>]> = [
      // A record written in place: the list is the same.
      [['incidents/a.yaml'], () => writeFile(join(dir, 'incidents/a.yaml'), 'id: a\n')],
      // New records, and a record saved through a temporary file that is gone by now (sed -i).
      [
        ['incidents/2024/c.yml', 'incidents/d.yaml'],
        async () => {
          await writeFile(join(dir, 'incidents/2024/c.yml'), 'id: c\n')
          await writeFile(join(dir, 'incidents/d.yaml'), 'id: d\n')
        },
      ],
      [
        ['incidents/sedX1y2', 'incidents/d.yaml'],
        async () => {
          await writeFile(join(dir, 'incidents/sedX1y2'), 'id: d\n')
          await rename(join(dir, 'incidents/sedX1y2'), join(dir, 'incidents/d.yaml'))
        },
      ],
      // Files that are not records, or where the search does not look.
      [
        ['incidents/notes.txt', 'incidents/.a.yaml.swp', 'incidents/node_modules/x.yaml'],
        async () => {
          await writeFile(join(dir, 'incidents/notes.txt'), 'x')
          await writeFile(join(dir, 'incidents/.a.yaml.swp'), 'x')
          await mkdir(join(dir, 'incidents/node_modules'))
          await writeFile(join(dir, 'incidents/node_modules/x.yaml'), 'x')
        },
      ],
      // A record deleted, and one renamed.
      [
        ['incidents/a.yaml', 'incidents/2024/b.yaml', 'incidents/2024/e.yaml'],
        async () => {
          await rm(join(dir, 'incidents/a.yaml'))
          await rename(join(dir, 'incidents/2024/b.yaml'), join(dir, 'incidents/2024/e.yaml'))
        },
      ],
    ]
    for (const [named, change] of steps) {
      const after = await refreshed(dir, before, named, change)
      expect(after).toEqual(await findRecordFiles(['incidents'], dir))
      before = after!
    }
    expect(before.files).toEqual(
      ['2024/c.yml', '2024/e.yaml', 'd.yaml'].map((f) => join(dir, 'incidents', f)),
    )
  })

  it('asks for a new search when a folder, a link, a root or a path outside the roots is named', async () => {
    const dir = await tree(['incidents/a.yaml', 'incidents/2024/b.yaml', 'elsewhere/c.yaml'])
    const before = await findRecordFiles(['incidents'], dir)
    const cases: Array<[string[], () => Promise<unknown>]> = [
      [['incidents/2025'], () => mkdir(join(dir, 'incidents/2025'))],
      [['incidents/2024'], () => rm(join(dir, 'incidents/2024'), { recursive: true })],
      [['incidents/c.yaml'], () => symlink(join(dir, 'elsewhere/c.yaml'), join(dir, 'incidents/c.yaml'))],
      [['incidents'], async () => undefined],
      [['postmortem.config.yaml'], () => writeFile(join(dir, 'postmortem.config.yaml'), 'out: x\n')],
    ]
    for (const [named, change] of cases)
      expect(await refreshed(dir, before, named, change), named[0]).toBeUndefined()
    // Nor when a path searched did not exist.
    const missing = await findRecordFiles(['incidents', 'missing'], dir)
    expect(refreshRecordFiles(missing, ['incidents', 'missing'], dir, new Set())).toBeUndefined()
  })
})

describe('knownIds', () => {
  it('is the ids of the incidents folder: searched, or taken from a search of that folder alone', async () => {
    const dir = await tree(['incidents/a.yaml', 'incidents/2024/b.yml', 'other/c.yaml'])
    const ids = ['a', 'b']
    expect([...(await knownIds('incidents', dir))].sort()).toEqual(ids)
    expect([...(await knownIds(join(dir, 'incidents'), dir))].sort()).toEqual(ids)
    // The records found under the folder (here a stand-in list, to tell it from a search).
    const files = [join(dir, 'incidents/x.yaml')]
    expect([...(await knownIds('incidents', dir, { paths: ['./incidents/'], files }))]).toEqual(['x'])
    // Other paths, or more than the folder: the folder is searched.
    for (const paths of [['other'], ['incidents', 'other'], ['incidents/a.yaml']])
      expect([...(await knownIds('incidents', dir, { paths, files }))].sort()).toEqual(ids)
    expect(await knownIds(undefined, dir, { paths: ['incidents'], files })).toEqual(new Set())
  })
})
