import { execFileSync } from 'node:child_process'
import { cp, mkdir, readFile, readdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cli } from '../src/cli/index.js'
import { configExamples } from '../src/init/config-text.js'
import { exampleId } from '../src/init/example-record.js'
import { loadConfig } from '../src/load/load-config.js'
import { packageName, schemaReference } from '../src/paths.js'
import { jsonSchemas } from '../src/validate/json-schema.js'
import { configSchema, defaultConfig } from '../src/validate/schema.js'
import { startGitHubServer } from './helpers/github-server.js'
import { makeTempDir, removeTempDirs, repoRoot, runCli, stackLines } from './helpers/run-cli.js'

afterEach(removeTempDirs)

const record = `incidents/${exampleId}.yaml`
const created = ['postmortem.config.yaml', record, '.github/workflows/postmortem.yml', '.gitignore']

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

/** Every file under `dir` (relative paths) with its bytes. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const file = join(entry.parentPath, entry.name)
      out.set(file.slice(dir.length + 1), await readFile(file, 'utf8'))
    }
  return out
}

/** Dotted key paths of a JSON Schema (`severities[].major`, `slos.<id>.target`). */
function keyPaths(schema: Record<string, unknown>, prefix = ''): string[] {
  type S = {
    properties?: Record<string, S>
    items?: S & { anyOf?: S[] }
    anyOf?: S[]
    additionalProperties?: S | boolean
    type?: string
  }
  const out: string[] = []
  for (const [key, raw] of Object.entries((schema as S).properties ?? {})) {
    const path = `${prefix}${key}`
    out.push(path)
    const list = raw.type === 'array'
    for (const obj of [raw, raw.items, ...(raw.anyOf ?? []), ...(raw.items?.anyOf ?? [])])
      if (obj?.properties)
        out.push(...keyPaths(obj as Record<string, unknown>, `${path}${list ? '[].' : '.'}`))
    if (typeof raw.additionalProperties === 'object')
      out.push(...keyPaths(raw.additionalProperties as Record<string, unknown>, `${path}.<id>.`))
  }
  return out
}

/** Runs `init` with a fake terminal on standard input that answers `answer`. */
async function initOnTerminal(cwd: string, answer: string) {
  let stdout = ''
  const code = await cli(['init'], {
    stdout: { write: (s: string) => (stdout += s), isTTY: true },
    stderr: { write: () => true, isTTY: true },
    stdin: Object.assign(Readable.from([answer]), { isTTY: true }),
    cwd,
    env: { NO_COLOR: '1' },
  })
  return { code, stdout }
}

describe('init', () => {
  it('sets up an empty folder in which validate, build and issues sync --dry-run succeed; a second run skips everything', async () => {
    const parent = await makeTempDir()
    const dir = join(parent, 'new-team-repo')
    const first = await runCli(['init', 'new-team-repo', '--yes'], { cwd: parent })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    for (const file of created) {
      expect(first.stdout).toContain(`created  new-team-repo/${file}`)
      expect(await exists(join(dir, file))).toBe(true)
    }

    expect(first.stdout).toContain('on pushes to main, deploys the site to GitHub Pages')

    const validate = await runCli(['validate', '--strict'], { cwd: dir })
    expect(validate.stdout).toContain('1 record checked.')
    expect(validate.code).toBe(0)

    const build = await runCli(['build'], { cwd: dir })
    expect(build.code).toBe(0)
    expect(await exists(join(dir, 'dist/site/index.html'))).toBe(true)
    expect(await exists(join(dir, `dist/site/incidents/${exampleId}/index.html`))).toBe(true)
    expect(await exists(join(dir, `dist/postmortems/${exampleId}.md`))).toBe(true)

    const server = await startGitHubServer({ repos: ['acme/incidents'], tokens: ['test-token'] })
    try {
      const sync = await runCli(['issues', 'sync', '--dry-run'], {
        cwd: dir,
        env: {
          GITHUB_TOKEN: 'test-token',
          GITHUB_REPOSITORY: 'acme/incidents',
          GITHUB_API_URL: server.baseUrl,
        },
      })
      expect(sync.stderr).toBe('')
      expect(sync.code).toBe(0)
      // The example's items are all done or not doing: it never opens an issue in a new repository.
      expect(sync.stdout).toContain(
        'Plan: create 0, update 0, close 0, reopen 0, pull 0, unchanged 0, skipped 3',
      )
      expect(server.writes()).toBe(0)
      expect(server.violations).toEqual([])
    } finally {
      await server.close()
    }

    const before = await snapshot(dir)
    const second = await runCli(['init', 'new-team-repo', '--yes'], { cwd: parent })
    expect(second.code).toBe(0)
    expect(second.stdout).not.toContain('created')
    expect(second.stdout).not.toContain('The workflow')
    for (const file of created)
      expect(second.stdout).toMatch(new RegExp(`skipped  new-team-repo/${file} \\(`))
    expect(await snapshot(dir)).toEqual(before)
  })

  it('writes a config that holds every option with its default value', async () => {
    const dir = await makeTempDir()
    expect((await runCli(['init', '--yes'], { cwd: dir })).code).toBe(0)
    const text = await readFile(join(dir, 'postmortem.config.yaml'), 'utf8')
    const loaded = await loadConfig(dir)
    expect(loaded.diagnostics).toEqual([])
    expect(loaded.config).toEqual(defaultConfig())

    const paths = keyPaths(jsonSchemas().config as Record<string, unknown>)
    expect(paths.length).toBeGreaterThan(25)
    for (const path of paths) {
      const key = path.split(/\.|\[\]\./).at(-1)!
      expect(text, path).toMatch(new RegExp(`^[ #]*${key}:`, 'm'))
    }
    // Each comment line holds the option's description.
    expect(text).toContain('# Longest silence between public updates while unresolved (`COMMUNICATION_GAP`).')
  })

  it('shows examples for the options without a default that together form a valid config', () => {
    const config: Record<string, unknown> = {}
    for (const [path, value] of Object.entries(configExamples)) {
      const keys = path.split('.')
      let at = config
      for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>
      at[keys.at(-1)!] = value
    }
    expect(configSchema.safeParse(config).success).toBe(true)
  })

  it('writes an example record that passes validate --strict at any reference time', async () => {
    const dir = await makeTempDir()
    await runCli(['init', '--yes'], { cwd: dir })
    for (const at of ['2025-03-05', '2026-12-04', '2040-01-01']) {
      const result = await runCli(['validate', '--strict', '--format', 'json', '--at', at], { cwd: dir })
      expect(JSON.parse(result.stdout)).toMatchObject({ files: 1, errors: 0, warnings: 0 })
      expect(result.code).toBe(0)
    }
    const text = await readFile(join(dir, record), 'utf8')
    expect(parse(text)).toMatchObject({ id: exampleId, status: 'published', visibility: 'public' })
  })

  it('points the schema comments at the installed package', async () => {
    const dir = await makeTempDir()
    await runCli(['init', '--yes'], { cwd: dir })
    const comment = (text: string) => /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1]
    const recordSchema = comment(await readFile(join(dir, record), 'utf8'))
    const configSchemaPath = comment(await readFile(join(dir, 'postmortem.config.yaml'), 'utf8'))
    expect(recordSchema).toBe(`../node_modules/${packageName()}/schema/incident.schema.json`)
    expect(configSchemaPath).toBe(`./node_modules/${packageName()}/schema/config.schema.json`)
    // `npm install --save-dev` puts the package there: both paths then name real files.
    await mkdir(join(dir, 'node_modules', packageName()), { recursive: true })
    await cp(join(repoRoot, 'schema'), join(dir, 'node_modules', packageName(), 'schema'), {
      recursive: true,
    })
    expect(await exists(resolve(dir, 'incidents', recordSchema!))).toBe(true)
    expect(await exists(resolve(dir, configSchemaPath!))).toBe(true)
  })

  it('never overwrites a file, and follows an existing config', async () => {
    const config = [
      'incidents: records',
      'out: public',
      'severities: [{ name: critical }, { name: minor }]',
      'services: [web]',
      '',
    ].join('\n')
    const workflow = 'name: ours\n'
    const dir = await makeTempDir({
      'postmortem.config.yaml': config,
      '.github/workflows/postmortem.yml': workflow,
      '.gitignore': 'node_modules\r\n/public',
    })
    const result = await runCli(['init', '--yes'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('skipped  postmortem.config.yaml (exists)')
    expect(result.stdout).toContain('skipped  .github/workflows/postmortem.yml (exists)')
    expect(result.stdout).toContain('skipped  .gitignore (already ignores public/, node_modules/)')
    expect(result.stdout).toContain(`created  records/${exampleId}.yaml`)
    expect(await readFile(join(dir, 'postmortem.config.yaml'), 'utf8')).toBe(config)
    expect(await readFile(join(dir, '.github/workflows/postmortem.yml'), 'utf8')).toBe(workflow)
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\r\n/public')
    const example = parse(await readFile(join(dir, `records/${exampleId}.yaml`), 'utf8'))
    expect(example).toMatchObject({ severity: 'minor', services: [{ id: 'web' }] })
    expect((await runCli(['validate', '--strict'], { cwd: dir })).code).toBe(0)
  })

  it('adds only the missing .gitignore entries, in the file’s line endings', async () => {
    const dir = await makeTempDir({ '.gitignore': 'coverage/\r\n/dist' })
    const result = await runCli(['init', '--yes'], { cwd: dir })
    expect(result.stdout).toContain('updated  .gitignore (adds node_modules/)')
    const expected = 'coverage/\r\n/dist\r\n# postmortem output and dependencies\r\nnode_modules/\r\n'
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(expected)
    await runCli(['init', '--yes'], { cwd: dir })
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(expected)
  })

  it('adds no example to an incidents folder that already holds records', async () => {
    const dir = await makeTempDir()
    await cp(join(repoRoot, 'incidents'), join(dir, 'incidents'), { recursive: true })
    const result = await runCli(['init', '--yes'], { cwd: dir })
    expect(result.stdout).toContain(`skipped  ${record} (incidents/ already holds records)`)
    expect(await exists(join(dir, record))).toBe(false)
  })

  it('refuses an invalid existing config with exit 2 and writes nothing', async () => {
    const dir = await makeTempDir({ 'postmortem.config.yaml': 'timezone: Mars/Olympus\n' })
    const result = await runCli(['init', '--yes'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('INVALID_TIMEZONE')
    expect(stackLines(result.stderr)).toEqual([])
    expect([...(await snapshot(dir)).keys()]).toEqual(['postmortem.config.yaml'])
  })

  it('on a terminal, shows the plan and asks once; "n" writes nothing', async () => {
    const dir = await makeTempDir()
    const no = await initOnTerminal(dir, 'n\n')
    expect(no.stdout).toContain('create   postmortem.config.yaml')
    expect(no.stdout).toContain('Write these files? [Y/n] ')
    expect(no.stdout).toContain('Nothing was written.')
    expect(no.code).toBe(1)
    expect((await snapshot(dir)).size).toBe(0)

    const yes = await initOnTerminal(dir, '\n')
    expect(yes.code).toBe(0)
    expect(yes.stdout).toContain('created  postmortem.config.yaml')
    // Nothing left to write: no question.
    const again = await initOnTerminal(dir, 'n\n')
    expect(again.stdout).not.toContain('Write these files?')
    expect(again.code).toBe(0)
  })

  it('deploys from the branch git names, or the one given', async () => {
    const dir = await makeTempDir()
    execFileSync('git', ['init', '-q', '-b', 'trunk', dir])
    await runCli(['init', '--yes'], { cwd: dir })
    const on = async (d: string) =>
      (
        parse(await readFile(join(d, '.github/workflows/postmortem.yml'), 'utf8')) as {
          on: { push: unknown }
        }
      ).on.push
    expect(await on(dir)).toEqual({ branches: ['trunk'] })

    const other = await makeTempDir()
    await runCli(['init', '--yes', '--branch', 'production'], { cwd: other })
    expect(await on(other)).toEqual({ branches: ['production'] })
  })

  it('warns when the folder is not the root of its git repository', async () => {
    const root = await makeTempDir()
    execFileSync('git', ['init', '-q', root])
    const result = await runCli(['init', 'ops', '--yes'], { cwd: root })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('GitHub runs workflows only from the repository root')
  })
})

describe('schema comments (init and new)', () => {
  it('in this repository, point at its own schema', async () => {
    expect(await schemaReference('incident.schema.json', join(repoRoot, 'incidents'), repoRoot)).toBe(
      '../schema/incident.schema.json',
    )
  })

  it('find a copy installed at the root of a monorepo', async () => {
    const root = await makeTempDir({
      '.git/HEAD': 'ref: refs/heads/main\n',
      [`node_modules/${packageName()}/schema/incident.schema.json`]: '{}',
    })
    const project = join(root, 'teams', 'payments')
    expect(await schemaReference('incident.schema.json', join(project, 'incidents'), project)).toBe(
      `../../../node_modules/${packageName()}/schema/incident.schema.json`,
    )
  })

  it('from new, resolve once the package is installed', async () => {
    const dir = await makeTempDir()
    await mkdir(join(dir, 'node_modules', packageName()), { recursive: true })
    await cp(join(repoRoot, 'schema'), join(dir, 'node_modules', packageName(), 'schema'), {
      recursive: true,
    })
    const result = await runCli(['new', 'Checkout latency spike', '--at', '2026-03-04T10:15:00Z'], {
      cwd: dir,
    })
    expect(result.code).toBe(0)
    const file = join(dir, 'incidents/2026-03-04-checkout-latency-spike.yaml')
    const first = (await readFile(file, 'utf8')).split('\n')[0]!
    expect(first).toBe(
      `# yaml-language-server: $schema=../node_modules/${packageName()}/schema/incident.schema.json`,
    )
    expect(await exists(resolve(dirname(file), first.slice(first.indexOf('=') + 1)))).toBe(true)
  })

  it('ship with the package: npm pack includes the schemas and reference docs under the package name', () => {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as Array<{ name: string; files: Array<{ path: string }> }>
    expect(pack!.name).toBe(packageName())
    const files = pack!.files.map((f) => f.path)
    // The schemas the comments point at, and the references the generated files name.
    for (const file of [
      'schema/incident.schema.json',
      'schema/config.schema.json',
      'docs/record-format.md',
      'docs/config-format.md',
      'docs/diagnostics.md',
    ])
      expect(files).toContain(file)
  })
})
