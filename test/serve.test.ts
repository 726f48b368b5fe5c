import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BuildMemory } from '../src/cli/build.js'
import { runBuild, unseenChanges } from '../src/cli/build.js'
import { startServe } from '../src/cli/serve.js'
import { ChangeLog } from '../src/site/change-log.js'
import type { CliIO } from '../src/cli/io.js'
import { hashBytes } from '../src/site/build-cache.js'
import { serveSite } from '../src/site/serve-site.js'
import { outputTree } from './helpers/output-tree.js'
import { makeTempDir, removeTempDirs, repoRoot, runCli } from './helpers/run-cli.js'

afterAll(removeTempDirs)

const example = '2025-01-22-connection-pool-exhaustion'

function quietIO(cwd: string): CliIO & { err: () => string } {
  let err = ''
  return {
    stdout: { write: () => true },
    stderr: { write: (s: string) => ((err += s), true) },
    cwd,
    env: { NO_COLOR: '1' },
    err: () => err,
  }
}

/** A temporary folder with the example records and config. */
async function exampleRepo(): Promise<string> {
  const dir = await makeTempDir()
  await cp(join(repoRoot, 'incidents'), join(dir, 'incidents'), { recursive: true })
  await cp(join(repoRoot, 'postmortem.config.yaml'), join(dir, 'postmortem.config.yaml'))
  return dir
}

describe('serve', () => {
  it('serves the site on 127.0.0.1, rebuilds on change, and shows a broken record instead of stopping', async () => {
    const dir = await exampleRepo()
    const io = quietIO(dir)
    const serving = await startServe(io, [], { port: 0, at: '2026-12-04T00:00:00Z' })
    try {
      expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      const page = `${serving.url}incidents/${example}/`
      const first = await fetch(page)
      expect(first.status).toBe(200)
      const html = await first.text()
      expect(html).toContain('API and web app outage')
      // The page as built, with the reload script just before </head>.
      const script = '<script src="/__postmortem/reload.js" defer></script>\n'
      const built = await readFile(join(dir, 'dist/site/incidents', example, 'index.html'), 'utf8')
      expect(html.indexOf(script)).toBe(built.indexOf('</head>'))
      expect(html.replace(script, '')).toBe(built)

      // Edit the title: the page is rebuilt.
      const file = join(dir, 'incidents', `${example}.yaml`)
      const original = await readFile(file, 'utf8')
      let rebuilt = serving.rebuilt()
      await writeFile(file, original.replace('title: API and web app outage', 'title: Renamed outage'))
      await rebuilt
      expect(await (await fetch(page)).text()).toContain('Renamed outage')

      // Break the record: the previous site stays up with the diagnostics on top.
      rebuilt = serving.rebuilt()
      await writeFile(file, original.replace('severity: SEV1', 'severity: SEV9'))
      await rebuilt
      const broken = await (await fetch(page)).text()
      expect(broken).toMatch(
        /<body[^>]*>\n<div class="serve-problems" role="alert"><strong>The last build failed/,
      )
      expect(broken).toContain('UNKNOWN_SEVERITY')
      expect(broken).toContain('Renamed outage')
      expect(io.err()).toContain('UNKNOWN_SEVERITY')

      // Paths outside the site are refused; unknown pages are 404.
      expect((await fetch(`${serving.url}..%2f..%2fpostmortem.config.yaml`)).status).toBeGreaterThanOrEqual(
        400,
      )
      expect((await fetch(`${serving.url}nope.html`)).status).toBe(404)
      const events = await fetch(`${serving.url}__postmortem/reload.js`)
      expect(await events.text()).toContain('EventSource')
    } finally {
      await serving.close()
    }
  })
})

describe('serve started over the last build', () => {
  it('reuses its cache, and each rebuild equals a full build of the records as they are', async () => {
    const dir = await exampleRepo()
    const at = ['--at', '2026-12-04T00:00:00Z']
    expect((await runCli(['build', ...at], { cwd: dir })).code).toBe(0)
    /** The output `serve` wrote, against a `--no-cache` build of the same records. */
    const sameAsFull = async () => {
      await rm(join(dir, 'fresh'), { recursive: true, force: true })
      const full = await runCli(['build', ...at, '--no-cache', '--out', 'fresh'], { cwd: dir })
      expect(full.code, full.stderr).toBe(0)
      const [served, fresh] = [await outputTree(join(dir, 'dist')), await outputTree(join(dir, 'fresh'))]
      expect([...served.keys()].sort()).toEqual([...fresh.keys()].sort())
      for (const [path, text] of served) expect(text, path).toBe(fresh.get(path))
    }
    const page = join(dir, 'dist/site/incidents', example, 'index.html')
    const built = (await stat(page)).mtimeMs
    const serving = await startServe(quietIO(dir), [], { port: 0, at: '2026-12-04T00:00:00Z' })
    try {
      // Every record came from the cache (its pages were not written again): their summaries are
      // read from it as each page over all incidents needs them.
      expect((await stat(page)).mtimeMs).toBe(built)
      const file = join(dir, 'incidents', `${example}.yaml`)
      for (const title of ['Renamed from the cache', 'Renamed again']) {
        const rebuilt = serving.rebuilt()
        await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, `title: ${title}`))
        await rebuilt
        await sameAsFull()
      }
      // A rebuild checks only the files the watcher named: a record added, and one deleted.
      const copy = join(dir, 'incidents', '2025-01-23-copy.yaml')
      const text = await readFile(file, 'utf8')
      let rebuilt = serving.rebuilt()
      await writeFile(
        copy,
        text.replace(/^id: .*$/m, 'id: 2025-01-23-copy').replace(/^title: .*$/m, 'title: A copy'),
      )
      await rebuilt
      await sameAsFull()
      rebuilt = serving.rebuilt()
      await rm(copy)
      await rebuilt
      await sameAsFull()
    } finally {
      await serving.close()
    }
    // The cache it saved on the way out serves the next build, which changes nothing.
    const next = await runCli(['build', ...at, '--verbose'], { cwd: dir })
    expect(next.stderr + next.stdout).toMatch(/incremental build: 0 files written/)
  })
})

describe('serve saving the build cache', () => {
  it('saves it once no page is asked for, and when it stops', async () => {
    const dir = await exampleRepo()
    const file = join(dir, 'incidents', `${example}.yaml`)
    const name = join('incidents', `${example}.yaml`)
    /** The hash of the example record in the saved manifest, once it is saved (within 10 s). */
    const saved = async () => {
      for (let tries = 0; tries < 100; tries++) {
        const manifest = await readFile(join(dir, 'dist/.cache/postmortem-build.json'), 'utf8').catch(
          () => '',
        )
        // The last line of a record is the one that counts (later saves append theirs).
        const line = manifest
          .split('\n')
          .filter((l) => l.startsWith(JSON.stringify([name]).slice(0, -1)))
          .at(-1)
        if (line) return (JSON.parse(line.slice(0, line.indexOf('\t'))) as [string, { hash: string }])[1].hash
        await sleep(100)
      }
      return undefined
    }
    const serving = await startServe(quietIO(dir), [], { port: 0, at: '2026-12-04T00:00:00Z' })
    try {
      expect(await saved()).toBe(hashBytes(await readFile(file)))
      const rebuilt = serving.rebuilt()
      await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: Renamed'))
      await rebuilt
      // The edited record's new bytes, once the pages are served.
      await fetch(serving.url)
      expect(await saved()).toBe(hashBytes(await readFile(file)))
      // An edit just before it stops: saved on the way out.
      const again = serving.rebuilt()
      await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: Renamed again'))
      await again
    } finally {
      await serving.close()
    }
    expect(await saved()).toBe(hashBytes(await readFile(file)))
  })
})

describe('serve watching records', () => {
  // Note: the installed command in its own process: Node's recursive fs.watch lost replaced files
  // there (a standalone process on Linux) while the same code passed inside the test runner.
  it('sees every edit of a file that editors replace by a rename (sed -i, atomic saves)', async () => {
    const dir = await makeTempDir()
    // In a sub-folder of the incidents folder, as teams file records by year.
    await cp(join(repoRoot, 'incidents'), join(dir, 'incidents', '2025'), { recursive: true })
    await cp(join(repoRoot, 'postmortem.config.yaml'), join(dir, 'postmortem.config.yaml'))
    const child = spawn(process.execPath, [join(repoRoot, 'bin/postmortem.js'), 'serve', '--port', '0'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const url = await new Promise<string>((found, fail) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /Serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)
          if (match) found(match[1]!)
        })
        child.once('exit', () => fail(new Error(`serve stopped: ${out}`)))
      })
      const file = join(dir, 'incidents', '2025', `${example}.yaml`)
      const original = await readFile(file, 'utf8')
      for (const n of [1, 2, 3]) {
        // A new file renamed over the old one (a new inode each time), as editors save atomically.
        const temp = join(dir, 'incidents', '2025', `.${example}.yaml.swp`)
        await writeFile(temp, original.replace('title: API and web app outage', `title: Save ${n}`))
        await rename(temp, file)
        await expect
          .poll(async () => (await fetch(`${url}incidents/${example}/`)).text(), {
            timeout: 15_000,
            interval: 50,
          })
          .toContain(`Save ${n}`)
      }
    } finally {
      child.kill('SIGTERM')
    }
  }, 60_000)
})

describe('rebuilds that check only the files a watcher named', () => {
  it('trust the others; an idle check finds a change the watcher missed; a failed build keeps its suspects', async () => {
    const dir = await exampleRepo()
    const io = quietIO(dir)
    const changes = new ChangeLog()
    const memory: BuildMemory = { changes }
    const build = () => runBuild(io, [], { at: '2026-12-04T00:00:00Z', internal: true }, memory)
    const page = (id: string) => readFile(join(dir, 'dist/site/incidents', id, 'index.html'), 'utf8')
    const [a, b] = [example, '2025-06-03-leaked-ci-token']
    const file = (id: string) => join(dir, 'incidents', `${id}.yaml`)
    const edit = async (id: string, from: RegExp, to: string, named = true) => {
      await writeFile(file(id), (await readFile(file(id), 'utf8')).replace(from, to))
      if (named) changes.note(file(id))
    }
    expect((await build()).code).toBe(0)
    expect(await unseenChanges(memory, dir)).toBe(false)

    // A change nobody named is not looked for by a rebuild, but the idle check finds it.
    await edit(a, /^title: .*$/m, 'title: Unseen', false)
    expect((await build()).code).toBe(0)
    expect(await page(a)).not.toContain('Unseen')
    expect(await unseenChanges(memory, dir)).toBe(true)
    changes.note()
    expect((await build()).code).toBe(0)
    expect(await page(a)).toContain('Unseen')
    expect(await unseenChanges(memory, dir)).toBe(false)

    // A folder named (here a new one) makes the rebuild check every file, named or not.
    await edit(a, /^title: .*$/m, 'title: Unseen again', false)
    await mkdir(join(dir, 'incidents', '2026'))
    changes.note(join(dir, 'incidents', '2026'))
    expect((await build()).code).toBe(0)
    expect(await page(a)).toContain('Unseen again')

    // A broken record fails the build, and every build after it until it is fixed.
    await edit(a, /^severity: SEV1$/m, 'severity: SEV9')
    expect((await build()).diagnostics.map((d) => d.code)).toContain('UNKNOWN_SEVERITY')
    await edit(b, /^title: .*$/m, 'title: Other edit')
    expect((await build()).diagnostics.map((d) => d.code)).toContain('UNKNOWN_SEVERITY')
    await edit(a, /^severity: SEV9$/m, 'severity: SEV1')
    expect((await build()).code).toBe(0)
    expect(await page(b)).toContain('Other edit')
    expect(await unseenChanges(memory, dir)).toBe(false)
  })
})

describe('the preview server', () => {
  it('holds requests for the pages over all incidents while they are rebuilt, not an incident page', async () => {
    const dir = await makeTempDir()
    await mkdir(join(dir, 'incidents/x'), { recursive: true })
    await writeFile(join(dir, 'index.html'), '<html><head></head><body>index</body></html>')
    await writeFile(join(dir, 'incidents/x/index.html'), '<html><head></head><body>x</body></html>')
    const server = await serveSite(dir, 0)
    try {
      let release!: () => void
      server.holdListPages(new Promise<void>((done) => (release = done)))
      const settled = (response: Promise<Response>) =>
        Promise.race([response.then(() => 'answered'), sleep(300).then(() => 'waiting')])
      const index = fetch(server.url)
      // An incident's page is not held (were it, this would wait until the test times out).
      expect(await (await fetch(`${server.url}incidents/x/`)).text()).toContain('x')
      expect(await settled(index)).toBe('waiting')
      await writeFile(join(dir, 'index.html'), '<html><head></head><body>new index</body></html>')
      release()
      expect(await (await index).text()).toContain('new index')
    } finally {
      await server.close()
    }
  })
})
