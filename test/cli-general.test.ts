import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs, repoRoot, runCli, stackLines } from './helpers/run-cli.js'

const commands = ['validate', 'new', 'schema']

describe('the command line', () => {
  it.each([['--help'], ['-h'], ['help']])('`%s` lists the commands and exits 0', async (flag) => {
    const result = await runCli([flag])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: postmortem')
    for (const command of commands) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'))
    expect(result.stdout).toContain('Exit codes:')
    expect(result.stderr).toBe('')
  })

  it.each([
    ['validate --help', ['validate', '--help'], ['--format', '--strict', '--at', '--config']],
    ['help validate', ['help', 'validate'], ['--format', '--strict', '--at', '--config']],
    ['new --help', ['new', '--help'], ['<title>', '--severity', '--at', '--config']],
  ])('`%s` describes the command', async (_name, argv, options) => {
    const result = await runCli(argv)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Usage: postmortem ${argv.includes('new') ? 'new' : 'validate'}`)
    for (const option of options) expect(result.stdout).toContain(option)
  })

  it.each([['--version'], ['-V']])('`%s` prints the version in package.json', async (flag) => {
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string
    }
    const result = await runCli([flag])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${version}\n`)
  })

  it('prints help and exits 2 with no arguments', async () => {
    const result = await runCli([])
    expect(result.code).toBe(2)
    expect(result.stdout + result.stderr).toContain('Usage: postmortem')
    for (const command of commands) expect(result.stdout + result.stderr).toContain(command)
  })

  it('exits 2 on an unknown command, suggesting a near one', async () => {
    const result = await runCli(['validat'])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain("unknown command 'validat'\n(Did you mean validate?)")
    expect(stackLines(result.stderr)).toEqual([])
  })

  it('exits 2 on an unknown top-level option', async () => {
    const result = await runCli(['--bogus'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("unknown option '--bogus'")
  })

  it('exits 2 for help on an unknown command', async () => {
    const result = await runCli(['help', 'bogus'])
    expect(result.code).toBe(2)
  })

  it('colours usage errors only on a TTY', async () => {
    expect((await runCli(['--bogus'], { isTTY: true })).stderr).toContain('\u001b[')
    expect((await runCli(['--bogus'], { isTTY: false })).stderr).not.toContain('\u001b')
  })

  it('prints no raw control characters from an unknown command name', async () => {
    const result = await runCli(['\u001b]0;pwned\u0007'])
    expect(result.code).toBe(2)
    expect(result.stderr).not.toContain('\u001b')
    expect(result.stderr).not.toContain('\u0007')
  })

  it('accepts --debug anywhere without changing results', async () => {
    const result = await runCli(['schema', 'config', '--debug'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toHaveProperty('$schema')
  })
})

describe('the installed command (bin/postmortem.js)', () => {
  afterAll(removeTempDirs)

  it('stops quietly when the reader closes the pipe early', async () => {
    const { spawn } = await import('node:child_process')
    // Far more output than a pipe buffers (64 KiB): 400 records with several problems each.
    const files: Record<string, string> = {}
    for (let i = 0; i < 400; i++) files[`incidents/r-${i}.yaml`] = `id: r-${i}\ntitle: Broken\n`
    const cwd = await makeTempDir(files)
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/postmortem.js'), 'validate', '--format', 'json'],
      {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    // Like `| head -c 1`: read one chunk, then close our end.
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(stderr).not.toMatch(/\n\s+at /)
    expect(stderr).not.toContain('EPIPE')
    // 1 when the work had finished (these records are invalid), 0 when the reader left first.
    expect([0, 1]).toContain(code)
  })
})
