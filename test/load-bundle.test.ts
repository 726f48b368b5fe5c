import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { writeSyntheticRepo } from '../bench/synthetic-repo.js'
import { codeCacheDir } from '../src/cli/load-bundle.js'
import { workerMinimum } from '../src/jobs/job-runner.js'
import { makeTempDir, removeTempDirs, repoRoot } from './helpers/run-cli.js'

// The loader runs in child processes: it writes a cache as the process exits.
const run = promisify(execFile)

/** A small CommonJS bundle: `answer()` returns `value`, with enough functions for a cache worth the name. */
const bundleText = (value: string) =>
  [
    "'use strict'",
    ...Array.from(
      { length: 50 },
      (_, i) => `function f${i}(x) { return x.map((y) => y * ${i + 1}).join(',') }`,
    ),
    `module.exports = { answer: () => ${JSON.stringify(value)} + f1([1]).length, file: __filename, dir: __dirname }`,
  ].join('\n')

/** Loads `bundle` through the loader in a new process; what it reports. */
async function load(
  bundle: string,
  cacheDir: string,
  variant = 'build',
): Promise<{ cache: string; answer: string; file: string; cacheFile: string | null }> {
  const script = [
    `import { loadBundle } from ${JSON.stringify(join(repoRoot, 'src/cli/load-bundle.ts'))}`,
    `const loaded = loadBundle(${JSON.stringify(bundle)}, { cacheDir: ${JSON.stringify(cacheDir)}, variant: ${JSON.stringify(variant)} })`,
    'const { answer, file } = loaded.exports',
    'console.log(JSON.stringify({ cache: loaded.cache, answer: answer(), file, cacheFile: loaded.cacheFile ?? null }))',
  ].join('\n')
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
  })
  return JSON.parse(stdout) as { cache: string; answer: string; file: string; cacheFile: string | null }
}

describe('loading the bundled CLI with a V8 code cache', () => {
  afterAll(removeTempDirs)

  it('writes a cache after the first run, again after the second, then uses it', async () => {
    const dir = await makeTempDir({ 'b.cjs': bundleText('one') })
    const [bundle, cacheDir] = [join(dir, 'b.cjs'), join(dir, 'cache')]
    const first = await load(bundle, cacheDir)
    expect(first).toMatchObject({ cache: 'missing', answer: 'one1', file: bundle })
    expect(await readdir(cacheDir)).toEqual([
      expect.stringMatching(/^b\.cjs-[0-9a-f]{16}-v[\d.]+-\w+-build\.first\.v8$/),
    ])
    expect((await load(bundle, cacheDir)).cache).toBe('first')
    const names = await readdir(cacheDir)
    expect(names).toEqual([expect.stringMatching(/-build\.v8$/)])
    const third = await load(bundle, cacheDir)
    expect(third).toMatchObject({ cache: 'used', answer: 'one1', cacheFile: join(cacheDir, names[0]!) })
    // Another command has its own.
    expect((await load(bundle, cacheDir, 'validate')).cache).toBe('missing')
  })

  it('does not use the cache of a changed bundle of the same length (V8 compares only the length)', async () => {
    const dir = await makeTempDir({ 'b.cjs': bundleText('one') })
    const [bundle, cacheDir] = [join(dir, 'b.cjs'), join(dir, 'cache')]
    await load(bundle, cacheDir)
    expect((await load(bundle, cacheDir)).cache).toBe('first')
    await writeFile(bundle, bundleText('two'))
    expect(await load(bundle, cacheDir)).toMatchObject({ cache: 'missing', answer: 'two1' })
    // The old bundle's cache is removed once the new one's is written.
    expect(await readdir(cacheDir)).toEqual([expect.stringMatching(/-build\.first\.v8$/)])
  })

  it('replaces a damaged cache, and leaves the caches of other bundles alone', async () => {
    const dir = await makeTempDir({ 'b.cjs': bundleText('one') })
    const [bundle, cacheDir] = [join(dir, 'b.cjs'), join(dir, 'cache')]
    await load(bundle, cacheDir)
    await load(bundle, cacheDir)
    const [name] = await readdir(cacheDir)
    await writeFile(join(cacheDir, name!), 'not a code cache')
    await writeFile(join(cacheDir, 'other.cjs-0123456789abcdef-v20.0.0-x64-build.v8'), 'kept')
    expect(await load(bundle, cacheDir)).toMatchObject({ cache: 'rejected', answer: 'one1' })
    expect((await readFile(join(cacheDir, name!))).length).toBeGreaterThan(1000)
    expect(await load(bundle, cacheDir)).toMatchObject({ cache: 'used', answer: 'one1' })
    expect((await readdir(cacheDir)).sort()).toEqual([
      name,
      'other.cjs-0123456789abcdef-v20.0.0-x64-build.v8',
    ])
  })

  it('runs without a cache where none can be written', async () => {
    // A file where the cache folder would be: mkdir fails.
    const dir = await makeTempDir({ 'b.cjs': bundleText('one'), cache: 'a file' })
    const [bundle, cacheDir] = [join(dir, 'b.cjs'), join(dir, 'cache', 'postmortem')]
    expect(await load(bundle, cacheDir)).toMatchObject({ cache: 'missing', answer: 'one1' })
    expect(await load(bundle, cacheDir)).toMatchObject({ cache: 'missing', answer: 'one1' })
  })

  it('keeps caches in the node_modules folder the package is installed in, or its own', async () => {
    expect(codeCacheDir(['', 'p', 'node_modules', 'postmortem'].join(sep))).toBe(
      ['', 'p', 'node_modules', '.cache', 'postmortem'].join(sep),
    )
    expect(codeCacheDir(['', 'p', 'node_modules', '@team', 'postmortem'].join(sep))).toBe(
      ['', 'p', 'node_modules', '.cache', 'postmortem'].join(sep),
    )
    const clone = await makeTempDir()
    expect(codeCacheDir(clone)).toBeUndefined()
    await mkdir(join(clone, 'node_modules'))
    expect(codeCacheDir(clone)).toBe(join(clone, 'node_modules', '.cache', 'postmortem'))
  })

  it('runs the CLI under --debug too, loaded without the cache (Node then reads its source map)', async () => {
    const { stdout } = await run(process.execPath, [
      join(repoRoot, 'bin/postmortem.js'),
      '--version',
      '--debug',
    ])
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string
    }
    expect(stdout.trim()).toBe(version)
  })

  it('runs the worker threads of the bundled CLI from their bundle, and keeps their cache', async () => {
    const dir = await makeTempDir()
    const count = workerMinimum + 20
    writeSyntheticRepo(dir, count)
    // The workers' caches of this checkout go first, so that the one found after is this run's.
    const cacheDir = codeCacheDir(repoRoot)!
    for (const name of await readdir(cacheDir).catch(() => []))
      if (name.startsWith('worker.cjs-')) await rm(join(cacheDir, name), { force: true })
    const { stdout, stderr } = await run(
      process.execPath,
      [
        join(repoRoot, 'bin/postmortem.js'),
        'build',
        '--jobs',
        '2',
        '--timings',
        '--at',
        '2026-12-04T00:00:00Z',
      ],
      { cwd: dir },
    )
    expect(`${stdout}${stderr}`).toContain(`full build, ${count} records, 0 reused, 2 worker threads`)
    expect((await readdir(join(dir, 'dist/site/incidents'))).length).toBeGreaterThan(50)
    // Written after a worker's first job (piscina's workers end without an exit hook).
    expect(await readdir(cacheDir)).toContainEqual(
      expect.stringMatching(/^worker\.cjs-[0-9a-f]{16}-.*-worker(\.first)?\.v8$/),
    )
  })
})
