import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticConfig, syntheticRecord } from '../bench/generate.js'
import { loadConfig } from '../src/load/load-config.js'
import { findRecordFiles } from '../src/load/find-files.js'
import { syncCheck } from '../src/github/sync-job.js'
import { figuresCheck } from '../src/model/figures-job.js'
import type { PostmortemEnv, RenderedRecord } from '../src/render/postmortem-job.js'
import { postmortemCheck } from '../src/render/postmortem-job.js'
import type { Templates } from '../src/render/templates.js'
import { compileTemplates, loadTemplates, TemplateError } from '../src/render/templates.js'
import type { BuildRecordsOptions } from '../src/site/build-records.js'
import { buildRecords } from '../src/site/build-records.js'
import type { WorkerSetup } from '../src/jobs/job-runner.js'
import { JobRunner } from '../src/jobs/job-runner.js'
import { DeniedTermError } from '../src/site/build-site.js'
import type { RecordCheck } from '../src/validate/validate-files.js'
import { checkRecordFiles, recordLimits, validateFiles } from '../src/validate/validate-files.js'
import type { ValidateEnv, Validated } from '../src/validate/validate-job.js'
import { outputTree } from './helpers/output-tree.js'
import { makeTempDir, removeTempDirs } from './helpers/run-cli.js'

afterAll(removeTempDirs)

// Note: tests run from TypeScript sources; this module loads the worker through tsx in each thread.
const workerFile = new URL('./helpers/worker.mjs', import.meta.url)
const count = 12

/** Nothing of a failed build is left in its output folder. */
async function expectNoOutput(out: string): Promise<void> {
  expect(await readdir(out).catch(() => [])).toEqual([])
}

/** A repository of `count` synthetic records, most of them on the public site. */
async function repository(config = syntheticConfig): Promise<string> {
  const dir = await makeTempDir()
  await writeFile(join(dir, 'postmortem.config.yaml'), config)
  await mkdir(join(dir, 'incidents'))
  for (let i = 0; i < count; i++) {
    const { id, text } = syntheticRecord(i)
    await writeFile(join(dir, 'incidents', `${id}.yaml`), text)
  }
  return dir
}

/** The options the CLI's build would pass, for the repository in `dir`. */
async function options(dir: string, out: string, jobs: number): Promise<BuildRecordsOptions> {
  const { config, root, diagnostics } = await loadConfig(dir)
  expect(diagnostics).toEqual([])
  const found = await findRecordFiles([join(dir, 'incidents')], dir)
  return {
    files: found.files,
    cwd: dir,
    config,
    root,
    outDir: join(dir, out),
    audience: 'public',
    baseUrl: 'https://status.example.com/',
    at: Date.parse('2026-12-04T00:00:00Z'),
    markdown: await loadTemplates({ cwd: dir }),
    generator: 'postmortem test',
    cache: false,
    // Every job in a worker (minimum 0), so each failure below is raised there.
    workers: { jobs, minimum: 0, file: workerFile },
  }
}

describe('a build in worker threads', () => {
  let dir: string
  beforeAll(async () => {
    dir = await repository()
  })

  it('writes the same output, byte for byte, as a build in one thread', async () => {
    const threaded = await buildRecords(await options(dir, 'threads', 2))
    const single = await buildRecords(await options(dir, 'single', 1))
    expect(threaded.diagnostics).toEqual(single.diagnostics)
    expect(threaded.records).toBe(count)
    expect([threaded.threads, single.threads]).toEqual([2, 0])
    expect(threaded.incidents).toBe(single.incidents)
    const [a, b] = [await outputTree(join(dir, 'threads')), await outputTree(join(dir, 'single'))]
    expect(a.size).toBeGreaterThan(2 * threaded.incidents)
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
    for (const [path, text] of a) expect(text, path).toBe(b.get(path))
  }, 120_000)

  it('reports a record error found in a worker, and writes nothing', async () => {
    const broken = await repository()
    const { id, text } = syntheticRecord(3)
    await writeFile(
      join(broken, 'incidents', `${id}.yaml`),
      text.replace(/^severity: .*$/m, 'severity: SEV9'),
    )
    const result = await buildRecords(await options(broken, 'dist', 2))
    expect(result).toMatchObject({ mode: 'none', threads: 2 })
    const errors = result.diagnostics.filter((d) => d.severity === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ file: `incidents/${id}.yaml`, path: ['severity'] })
    expect(errors[0]!.line).toBe(text.split('\n').findIndex((l) => l.startsWith('severity:')) + 1)
    await expectNoOutput(join(broken, 'dist'))
  }, 120_000)

  it('raises a layout failing in a worker as a TemplateError naming the layout', async () => {
    const themed = await repository(syntheticConfig.replace('site:\n', 'site:\n  theme: theme\n'))
    await mkdir(join(themed, 'theme/layouts'), { recursive: true })
    const shipped = await readFile(new URL('../site/layouts/incident.html.hbs', import.meta.url), 'utf8')
    // Strict templates: a field no incident has fails when the page is rendered, not when compiled.
    await writeFile(join(themed, 'theme/layouts/incident.html.hbs'), `{{incident.no_such_field}}\n${shipped}`)
    const failed = buildRecords(await options(themed, 'dist', 2))
    await expect(failed).rejects.toBeInstanceOf(TemplateError)
    await expect(failed).rejects.toMatchObject({
      file: join('theme', 'layouts', 'incident.html.hbs'),
      line: 1,
    })
    await expectNoOutput(join(themed, 'dist'))
  }, 120_000)

  it('runs a record too big for a worker heap in the main thread instead', async () => {
    const big = await repository(`${syntheticConfig}max_file_bytes: 33554432\n`)
    const { id, text } = syntheticRecord(0)
    // Three fields near their 100,000-character limit: parsing and rendering them needs far more than
    // the 32 MiB heap the workers get here.
    const long = (key: string) =>
      `${key}: |\n${'  A long paragraph of `code`, **strong** and plain words for this incident.\n'.repeat(1_200)}`
    await writeFile(
      join(big, 'incidents', `${id}.yaml`),
      text
        .replace(/^summary: \|\n(?: {2}.*\n|\n)*/m, long('summary'))
        .replace(/^resolution: \|\n(?: {2}.*\n|\n)*/m, long('resolution')),
    )
    const settings = await options(big, 'dist', 2)
    const result = await buildRecords({ ...settings, workers: { ...settings.workers!, heapMb: 32 } })
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(result).toMatchObject({ mode: 'full', records: count, threads: 2 })
  }, 120_000)

  it('stops on a denied term in a page rendered in a worker', async () => {
    // A term only the page of one incident on the site contains: its id.
    const onSite = [...Array(count).keys()]
      .map((i) => syntheticRecord(i))
      .find((r) => /^visibility: public$/m.test(r.text) && /^status: (published|closed)$/m.test(r.text))!
    const denied = await repository(`${syntheticConfig}\ndeny: ["${onSite.id}"]\n`)
    const failed = buildRecords(await options(denied, 'dist', 2))
    await expect(failed).rejects.toBeInstanceOf(DeniedTermError)
    await expectNoOutput(join(denied, 'dist'))
  }, 120_000)
})

describe('validation in worker threads', () => {
  it('reports the same diagnostics and incidents as validation in one thread', async () => {
    const dir = await repository()
    const [first, second] = [syntheticRecord(2), syntheticRecord(5)]
    // One record with an error, one with the id of another (found across files, then located).
    await writeFile(
      join(dir, 'incidents', `${first.id}.yaml`),
      first.text.replace(/^severity: .*$/m, 'severity: SEV9'),
    )
    await writeFile(join(dir, 'incidents', 'copy.yaml'), second.text)
    const { config } = await loadConfig(dir)
    const options = { config, at: Date.parse('2026-12-04T00:00:00Z'), incidentsDir: join(dir, 'incidents') }
    const threaded = await validateFiles(['incidents'], dir, {
      ...options,
      workers: { jobs: 2, minimum: 0, file: workerFile },
    })
    const single = await validateFiles(['incidents'], dir, options)
    expect(threaded).toEqual(single)
    // Only the diagnostics, when that is all a command wants (`validate`): no incident comes back.
    const diagnosticsOnly = await validateFiles(['incidents'], dir, {
      ...options,
      keepIncidents: false,
      workers: { jobs: 2, minimum: 0, file: workerFile },
    })
    expect(diagnosticsOnly).toEqual({ ...single, incidents: [] })
    expect(threaded.files).toHaveLength(count + 1)
    expect(threaded.incidents).toHaveLength(count - 1)
    expect(threaded.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.code])).toEqual([
      [`incidents/${first.id}.yaml`, 'UNKNOWN_SEVERITY'],
      ['incidents/copy.yaml', 'DUPLICATE_ID'],
      ['incidents/copy.yaml', 'ID_MISMATCH'],
    ])
    expect(threaded.diagnostics.find((d) => d.code === 'DUPLICATE_ID')).toMatchObject({ line: 2, column: 5 })
  }, 120_000)
})

describe('postmortems rendered in worker threads', () => {
  /** Every record's result, by file, from `render`'s per-record job with `jobs` threads and `templates`. */
  async function renderAll(dir: string, jobs: number, templates: Templates) {
    const { config } = await loadConfig(dir)
    const at = Date.parse('2026-12-04T00:00:00Z')
    const env: PostmortemEnv = { config, at, limits: recordLimits(config), templates, audience: 'internal' }
    const results = new Map<string, RenderedRecord>()
    const report = await checkRecordFiles(
      ['incidents'],
      dir,
      { config, at, keepIncidents: false, workers: { jobs, minimum: 0, file: workerFile } },
      {
        ...postmortemCheck(env),
        onRecord: async (file, done) => void results.set(file, done),
      },
    )
    return { report, results }
  }

  it('gives each record the same Markdown as one thread, and no incident back', async () => {
    const dir = await repository()
    const templates = await loadTemplates({ cwd: dir })
    const threaded = await renderAll(dir, 2, templates)
    const single = await renderAll(dir, 1, templates)
    expect(threaded.report).toEqual(single.report)
    expect(threaded.report.incidents).toEqual([])
    expect(threaded.results.size).toBe(count)
    for (const [file, done] of single.results) {
      expect(done.postmortem, file).toMatchObject({ markdown: expect.stringMatching(/^# /) })
      expect(threaded.results.get(file), file).toEqual(done)
    }
  }, 120_000)

  it('raises a template failing in a worker as a TemplateError naming the template', async () => {
    const dir = await repository()
    const shipped = await loadTemplates({ cwd: dir })
    // Strict templates: a field no view has fails when a postmortem is rendered, not when compiled.
    const broken = compileTemplates({
      ...shipped.sources,
      templates: shipped.sources.templates.map((t) =>
        t.name === 'postmortem.md' ? { ...t, text: `{{no_such_field}}\n${t.text}` } : t,
      ),
    })
    const failed = renderAll(dir, 2, broken)
    await expect(failed).rejects.toBeInstanceOf(TemplateError)
    await expect(failed).rejects.toMatchObject({ line: 1 })
  }, 120_000)
})

/**
 * Runs a command's per-record job over the repository in `dir` in one thread and in two worker
 * threads; checks that both report the same and send no whole incident back, and returns the
 * records' results of both, by file.
 */
async function sameInThreads<Done extends Validated>(
  dir: string,
  check: (env: ValidateEnv) => RecordCheck<Done>,
): Promise<Array<[file: string, single: Done, threaded: Done | undefined]>> {
  const { config } = await loadConfig(dir)
  const env = { config, at: Date.parse('2026-12-04T00:00:00Z'), limits: recordLimits(config) }
  const run = async (jobs: number) => {
    const results = new Map<string, Done>()
    const report = await checkRecordFiles(
      ['incidents'],
      dir,
      { ...env, keepIncidents: false, workers: { jobs, minimum: 0, file: workerFile } },
      { ...check(env), onRecord: async (file, done) => void results.set(file, done) },
    )
    return { report, results }
  }
  const [threaded, single] = [await run(2), await run(1)]
  expect(threaded.report).toEqual(single.report)
  expect(threaded.report.incidents).toEqual([])
  expect(threaded.results.size).toBe(count)
  return [...single.results].map(([file, done]) => [file, done, threaded.results.get(file)])
}

describe('figures derived in worker threads (`stats`)', () => {
  it('gives each record the same figures as one thread, and no incident back', async () => {
    const dir = await repository()
    for (const [file, single, threaded] of await sameInThreads(dir, figuresCheck)) {
      expect(single.figures?.figures.durations.time_to_resolve, file).toEqual(expect.any(Number))
      expect(threaded, file).toEqual(single)
    }
  }, 120_000)
})

describe('records read for `issues sync` in worker threads', () => {
  it('gives each record the same facts and hash as one thread, and no whole incident back', async () => {
    const dir = await repository()
    for (const [file, single, threaded] of await sameInThreads(dir, syncCheck)) {
      const bytes = await readFile(join(dir, file))
      expect(single.sync?.hash, file).toBe(createHash('sha256').update(bytes).digest('hex'))
      // What the issues show and what is written back: no timeline, prose or metrics.
      expect(Object.keys(single.sync!.incident).sort(), file).toEqual([
        'action_items',
        'file',
        'id',
        'severity',
        'status',
        'summary',
        'timestamps',
        'title',
        'type',
        'visibility',
      ])
      expect(threaded, file).toEqual(single)
    }
  }, 120_000)
})

describe('the worker entry points', () => {
  it('export a handler for every job the worker module runs', async () => {
    // A kind of job the bundled CLI's entry (src/jobs/worker-thread.ts) or the tests' helper does not
    // export fails only in worker threads, so only with 100 records or more: checked here by name.
    const jobs = Object.keys(await import('../src/jobs/worker.js')).sort()
    const entry = await readFile(new URL('../src/jobs/worker-thread.ts', import.meta.url), 'utf8')
    const exported = [...entry.matchAll(/^export const (\w+)\b/gm)].map((m) => m[1]).sort()
    const helper = await readFile(workerFile, 'utf8')
    const helped = helper
      .match(/^export const \{ ([^}]+) \} = worker$/m)![1]!
      .split(', ')
      .sort()
    expect(jobs).toEqual(['figures', 'postmortem', 'render', 'sync', 'validate'])
    expect(exported).toEqual(jobs)
    expect(helped).toEqual(jobs)
  })
})

describe('JobRunner', () => {
  it('runs a job again in this thread when it exhausts a worker heap, and goes on with the workers', async () => {
    const runner = new JobRunner<{ big: boolean }, string>(
      'render',
      () => 'here',
      () => ({}) as WorkerSetup,
      { jobs: 2, minimum: 0, heapMb: 16, file: new URL('./helpers/hungry-worker.mjs', import.meta.url) },
    )
    try {
      expect(await runner.run({ big: false })).toBe('worker')
      expect(await runner.run({ big: true })).toBe('here')
      expect(await runner.run({ big: false })).toBe('worker')
    } finally {
      await runner.close()
    }
  }, 60_000)
})
