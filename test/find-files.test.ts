import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findRecordFiles } from '../src/load/find-files.js'
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
