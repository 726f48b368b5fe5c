import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cli } from '../src/cli/index.js'

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
})
