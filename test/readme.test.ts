import { readFileSync } from 'node:fs'
import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../src/cli/index.js'
import { startServe } from '../src/cli/serve.js'
import { formatHelpers, helpers } from '../src/render/helpers.js'
import type { GitHubServer } from './helpers/github-server.js'
import { startGitHubServer } from './helpers/github-server.js'
import { makeTempDir, removeTempDirs, runCli } from './helpers/run-cli.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

async function run(argv: string[]) {
  let stdout = ''
  const code = await cli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => true },
    cwd: root,
    env: { NO_COLOR: '1' },
  })
  return { code, stdout }
}

/** A command example of the README: where it is, the `##` section it belongs to, its words. */
interface Example {
  line: number
  section: string
  command: string
  argv: string[]
}

/** Splits a command line into words, with '…' and "…" quoting (no escapes or expansion). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)
}

/**
 * Every `postmortem` command the README shows: lines of shell code blocks (each part of an `a && b`
 * line), and inline code that starts with `npx postmortem`. Comments after ` #` are dropped.
 */
function readmeExamples(text: string): Example[] {
  const examples: Example[] = []
  let section = ''
  let fence: string | undefined
  text.split('\n').forEach((line, index) => {
    const opening = /^\s*```(\w*)/.exec(line)
    if (opening) {
      fence = fence === undefined ? opening[1]! : undefined
      return
    }
    if (fence === undefined && line.startsWith('## ')) section = line.slice(3)
    const parts =
      fence === undefined
        ? [...line.matchAll(/`(npx postmortem [^`]*)`/g)].map((m) => m[1]!)
        : ['', 'sh', 'bash', 'shell', 'console'].includes(fence)
          ? line.replace(/^\s*\$ /, '').split(/\s*&&\s*/)
          : []
    for (const part of parts) {
      const command = part.trim().replace(/\s+#.*$/, '')
      if (/^(npx )?postmortem( |$)/.test(command))
        examples.push({
          line: index + 1,
          section,
          command,
          argv: words(command).slice(command.startsWith('npx') ? 2 : 1),
        })
    }
  })
  return examples
}

/** Examples the README itself says fail, with their exit code; every other example must exit 0. */
const failing: Record<string, number> = {
  // The Quick start shows the diagnostics of this deliberately broken record.
  'npx postmortem validate docs/examples/broken': 1,
}

describe('README', () => {
  it('has the two-command quick start', () => {
    const quick = /## Quick start\n\n```sh\n(.*)\n(.*)\n```/.exec(readme)
    expect(quick?.[1]).toBe('npm install && npx postmortem build')
    expect(quick?.[2]).toBe('npm test')
  })

  it('shows the real output of validating docs/examples/broken', async () => {
    const block = /`npx postmortem validate docs\/examples\/broken`[^\n]*\n\n```\n([\s\S]*?)```/.exec(readme)
    expect(block).not.toBeNull()
    const { code, stdout } = await run(['validate', 'docs/examples/broken'])
    expect(code).toBe(1)
    expect(block![1]).toBe(stdout)
  })

  it('documents every command the CLI has', async () => {
    const { stdout } = await run(['--help'])
    const commands = [...stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help')
    expect(commands.length).toBeGreaterThan(0)
    for (const command of commands) expect(readme).toContain(`### \`postmortem ${command}`)
  })

  it('lists every template and layout helper', () => {
    const templates = readme.slice(readme.indexOf('## Templates'), readme.indexOf('## Configuration'))
    for (const name of Object.keys(helpers)) expect(templates, name).toMatch(new RegExp(`\`${name}[\` ]`))
    const theme = templates.slice(templates.indexOf('**Theme overrides**'))
    for (const name of Object.keys(formatHelpers)) expect(theme, name).toContain(`\`${name}\``)
  })
})

describe('every command example of the README runs', () => {
  const examples = readmeExamples(readme)
  const gettingStarted = examples.filter((e) => e.section === 'Getting started for a new team')
  const elsewhere = examples.filter((e) => !gettingStarted.includes(e))
  let server: GitHubServer

  beforeAll(async () => {
    server = await startGitHubServer({ repos: ['your-org/incident-history'], tokens: ['test-token'] })
  })
  afterAll(async () => {
    expect(server.violations).toEqual([])
    await server.close()
    await removeTempDirs()
  })

  /** Runs one example in `cwd`: `serve` is started on a free port and stopped, the rest through `cli`. */
  async function runExample(example: Example, cwd: string): Promise<{ code: number; output: string }> {
    const env = {
      NO_COLOR: '1',
      GITHUB_TOKEN: 'test-token',
      GITHUB_REPOSITORY: 'your-org/incident-history',
      GITHUB_API_URL: server.baseUrl,
      POSTMORTEM_GITHUB_SPACING_MS: '0',
    }
    if (example.argv[0] === 'serve') {
      const flags = example.argv.slice(1)
      expect(flags.filter((f) => f.startsWith('-')).every((f) => f === '--internal')).toBe(true)
      let output = ''
      const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (output += s) }, cwd, env }
      const serving = await startServe(
        io,
        flags.filter((f) => !f.startsWith('-')),
        {
          port: 0,
          internal: flags.includes('--internal'),
        },
      )
      try {
        expect((await fetch(serving.url)).status).toBe(200)
      } finally {
        await serving.close()
      }
      return { code: 0, output }
    }
    const result = await runCli(example.argv, { cwd, env })
    return { code: result.code, output: result.stdout + result.stderr }
  }

  it('finds the examples', () => {
    expect(gettingStarted.map((e) => e.argv[0])).toEqual(
      expect.arrayContaining(['init', 'validate', 'build', 'issues']),
    )
    expect(elsewhere.length).toBeGreaterThan(5)
  })

  it('Getting started, in order, in an empty folder', async () => {
    const dir = await makeTempDir()
    for (const example of gettingStarted) {
      const { code, output } = await runExample(example, dir)
      expect(code, `README.md:${example.line} ${example.command}\n${output}`).toBe(
        failing[example.command] ?? 0,
      )
    }
  })

  it('the other examples, in a copy of this repository’s example records', async () => {
    const dir = await makeTempDir()
    for (const path of ['incidents', 'postmortem.config.yaml', 'docs/examples'])
      await cp(join(root, path), join(dir, path), { recursive: true })
    for (const example of elsewhere) {
      const { code, output } = await runExample(example, dir)
      expect(code, `README.md:${example.line} ${example.command}\n${output}`).toBe(
        failing[example.command] ?? 0,
      )
    }
  })
})
