import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { precompiledKey } from '../src/render/precompiled.js'
import { outputTree } from './helpers/output-tree.js'
import { exampleRepo, removeTempDirs, repoRoot, runCli } from './helpers/run-cli.js'

// The bundled CLI (lib/postmortem.cjs, built by `npm run build:lib`, which `npm install` runs) carries the
// shipped templates precompiled (scripts/bundle.ts); the sources compile them when first used.

const run = promisify(execFile)
const at = '2026-12-04T00:00:00Z'

async function shipped(dir: string, html: boolean): Promise<Array<{ file: string; html: boolean }>> {
  const entries = await readdir(join(repoRoot, dir), { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => ({ file: join(e.parentPath, e.name), html }))
}

describe('the shipped templates, precompiled into the bundled CLI', () => {
  afterAll(removeTempDirs)

  it('are all in the bundle, under the key the renderer looks up', async () => {
    const bundle = await readFile(join(repoRoot, 'lib/postmortem.cjs'), 'utf8')
    const templates = [...(await shipped('templates', false)), ...(await shipped('site/layouts', true))]
    expect(templates.length).toBeGreaterThan(10)
    for (const { file, html } of templates)
      expect(bundle, file).toContain(JSON.stringify(precompiledKey(await readFile(file, 'utf8'), html)))
  })

  it('render what compiling them renders: the example site and postmortems, public and internal', async () => {
    const dir = await exampleRepo()
    for (const flags of [[], ['--internal']]) {
      const fromSources = await runCli(
        ['build', '--out', 'from-sources', '--at', at, '--no-cache', ...flags],
        {
          cwd: dir,
        },
      )
      expect(fromSources.code, fromSources.stderr).toBe(0)
      await run(
        process.execPath,
        [
          join(repoRoot, 'bin/postmortem.js'),
          'build',
          '--out',
          'bundled',
          '--at',
          at,
          '--no-cache',
          ...flags,
        ],
        { cwd: dir },
      )
      const [expected, actual] = [
        await outputTree(join(dir, 'from-sources')),
        await outputTree(join(dir, 'bundled')),
      ]
      expect(expected.size).toBeGreaterThan(10)
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
      for (const [path, text] of expected) expect(actual.get(path), path).toBe(text)
    }
  }, 60_000)
})
