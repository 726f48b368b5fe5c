import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliIO } from '../src/cli/io.js'
import { startServe } from '../src/cli/serve.js'
import type { RunResult } from './helpers/run-cli.js'
import { exampleRepo, removeTempDirs, repoRoot, runCli } from './helpers/run-cli.js'
import { syncRepo, useSyncServer } from './helpers/sync-server.js'

afterAll(removeTempDirs)

const at = ['--at', '2026-12-04T00:00:00Z']
const pool = '2025-01-22-connection-pool-exhaustion'

// Timings differ from run to run.
const steady = (r: RunResult) => ({
  code: r.code,
  stdout: r.stdout.replace(/\d+ ms/g, 'N ms'),
  stderr: r.stderr.replace(/\d+ ms/g, 'N ms'),
})

/**
 * Runs a command plainly, with `--quiet` and with `--verbose` (each in a fresh copy of the example
 * repository unless `cwd` is given) and checks the contract: `--quiet` prints the command's result
 * only (`result`: all of the plain stdout, or nothing), `--verbose` prints what the plain run does
 * and more on stderr, ending with the exit code and time.
 */
async function checkContract(
  argv: string[],
  options: { result: boolean; cwd?: string; env?: Record<string, string> },
): Promise<{ plain: RunResult; quiet: RunResult; verbose: RunResult }> {
  const run = async (extra: string[]) =>
    steady(
      await runCli([...argv, ...extra], {
        cwd: options.cwd ?? (await exampleRepo()),
        env: options.env ?? {},
      }),
    )
  const plain = await run([])
  const quiet = await run(['--quiet'])
  const verbose = await run(['--verbose'])
  expect(plain.code).toBe(0)
  expect(quiet.code).toBe(0)
  expect(verbose.code).toBe(0)
  expect(plain.stdout).not.toBe('')

  expect(quiet.stdout).toBe(options.result ? plain.stdout : '')
  expect(quiet.stderr).toBe('')

  expect(verbose.stdout).toBe(plain.stdout)
  expect(verbose.stderr.startsWith(plain.stderr) || verbose.stderr.includes(plain.stderr)).toBe(true)
  expect(verbose.stderr.length).toBeGreaterThan(plain.stderr.length)
  expect(verbose.stderr).toMatch(/exit 0 after N ms\n$/)
  return { plain, quiet, verbose }
}

describe('--quiet and --verbose mean the same in every command', () => {
  it('validate: quiet prints nothing when the records pass; verbose lists the config and each file', async () => {
    const { plain, verbose } = await checkContract(['validate', ...at], { result: false })
    expect(plain.stdout).toContain('3 records checked.')
    expect(verbose.stderr).toContain('config: postmortem.config.yaml\n')
    expect(verbose.stderr).toContain(`  incidents/${pool}.yaml  ok\n`)
    expect(verbose.stderr).toMatch(/validated 3 record files in N ms: 3 valid\n/)
  })

  it('validate --format json and github: the whole report is the result', async () => {
    await checkContract(['validate', '--format', 'json', ...at], { result: true })
    await checkContract(['validate', '--format', 'github', ...at], { result: true })
  })

  it('validate --quiet reports what fails the run: errors, and warnings only with --strict', async () => {
    const dir = await exampleRepo()
    const file = join(dir, 'incidents', `${pool}.yaml`)
    // Action items past due by then are lint warnings.
    const late = ['--at', '2031-01-01']
    const plain = await runCli(['validate', ...late], { cwd: dir })
    expect(plain.stdout).toContain('ACTION_ITEM_OVERDUE')
    expect(await runCli(['validate', '--quiet', ...late], { cwd: dir })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    })
    const strict = await runCli(['validate', '--quiet', '--strict', ...late], { cwd: dir })
    expect(strict.code).toBe(1)
    expect(strict.stdout).toContain('ACTION_ITEM_OVERDUE')
    expect(strict.stdout).not.toContain('records checked')

    await writeFile(file, (await readFile(file, 'utf8')).replace(/^status: .*$/m, 'status: publishd'))
    const failing = await runCli(['validate', '--quiet', ...late], { cwd: dir })
    expect(failing.code).toBe(1)
    expect(failing.stdout).toContain('INVALID_VALUE')
    expect(failing.stdout).not.toContain('ACTION_ITEM_OVERDUE')
    expect(failing.stdout).toMatch(/✖ 1 error, [1-9]\d* warnings\n$/)
    expect(failing.stderr).toBe('')
  })

  it('build: quiet builds silently; verbose says how long and which records it left out', async () => {
    const { verbose } = await checkContract(['build', ...at], { result: false })
    expect(verbose.stderr).toMatch(
      /built the site in N ms \(full build: \d+ files written, 0 unchanged records reused\)\n/,
    )
    expect(verbose.stderr).toContain('left out 2025-06-03-leaked-ci-token: visibility is internal\n')
  })

  it('build errors still show with --quiet', async () => {
    const dir = await exampleRepo()
    const file = join(dir, 'incidents', `${pool}.yaml`)
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^status: .*$/m, 'status: publishd'))
    const result = await runCli(['build', '--quiet', ...at], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('INVALID_VALUE')
    expect(result.stderr).toContain('Nothing was built')
  })

  it('render: quiet writes the files without a word; verbose names what it left out', async () => {
    const dir = await exampleRepo()
    const { verbose } = await checkContract(['render', ...at], { result: false, cwd: dir })
    expect(verbose.stderr).toContain('left out 2025-06-03-leaked-ci-token: visibility is internal\n')
    expect(await readdir(join(dir, 'dist', 'postmortems'))).toEqual([`${pool}.md`])
  })

  it('new: quiet creates the record silently; verbose tells the id and the schema comment', async () => {
    const { verbose } = await checkContract(['new', 'Checkout latency spike', ...at], { result: false })
    expect(verbose.stderr).toContain(
      'id: 2026-12-04-checkout-latency-spike; severity: SEV3; schema comment: ',
    )
  })

  it('import: the events of a dry run are its result; the summary of a real import is not', async () => {
    const source = join(repoRoot, 'docs/examples/import/pagerduty/log_entries.json')
    const args = ['import', 'pagerduty', source, '--into', pool]
    const dry = await checkContract([...args, '--dry-run'], { result: true })
    expect(dry.quiet.stdout).toContain('Acknowledged by')
    await checkContract(args, { result: false })
  })

  it('init: quiet sets up the folder without a word', async () => {
    const { plain } = await checkContract(['init', 'team', '--yes'], { result: false })
    expect(plain.stdout).toContain('created  team/postmortem.config.yaml')
  })

  it('timeline, stats and schema: their output is the result, kept by --quiet', async () => {
    const dir = await exampleRepo()
    const timeline = await checkContract(['timeline', pool], { result: true, cwd: dir })
    expect(timeline.verbose.stderr).toMatch(/\d+ of \d+ events shown \(internal view\)\n/)
    await checkContract(['timeline', pool, '--format', 'svg'], { result: true, cwd: dir })
    await checkContract(['stats', ...at], { result: true, cwd: dir })
    await checkContract(['stats', '--format', 'json', '--since', '2025-06-01', ...at], {
      result: true,
      cwd: dir,
    })
    const schema = await checkContract(['schema', 'config'], { result: true, cwd: dir })
    expect(schema.verbose.stderr).toContain('config schema: JSON Schema draft-07')
  })

  it('timeline --out: the file is the result; the "wrote" line is not', async () => {
    await checkContract(['timeline', pool, '--out', 'timeline.txt'], { result: false })
  })

  it('are accepted before the command too, and together they are a usage error', async () => {
    const dir = await exampleRepo()
    expect(await runCli(['--quiet', 'validate', ...at], { cwd: dir })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    })
    expect((await runCli(['-q', 'validate', ...at], { cwd: dir })).stdout).toBe('')
    const both = await runCli(['validate', '--quiet', '--verbose'], { cwd: dir })
    expect(both.code).toBe(2)
    expect(both.stdout).toBe('')
    expect(both.stderr).toContain("option '-q, --quiet' cannot be used with option '--verbose'")
  })

  it('every command has them, commands added later too: in its help, and refusing both at once', async () => {
    // The names in a help text's `Commands:` section.
    const listed = async (argv: string[]) => {
      const help = (await runCli([...argv, '--help'])).stdout
      const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? ''
      return [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help')
    }
    // A command with subcommands (`issues`) stands for them (`issues sync`).
    const commands: string[][] = []
    for (const name of await listed([])) {
      const subs = await listed([name])
      commands.push(...(subs.length > 0 ? subs.map((sub) => [name, sub]) : [[name]]))
    }
    expect(commands).toEqual(
      expect.arrayContaining([['validate'], ['build'], ['issues', 'sync'], ['schema']]),
    )
    expect(commands.length).toBeGreaterThanOrEqual(9)
    for (const command of commands) {
      const help = await runCli([...command, '--help'])
      expect(help.stdout).toContain('-q, --quiet')
      expect(help.stdout).toContain('--verbose')
      const both = await runCli([...command, '--quiet', '--verbose'])
      expect(both.code).toBe(2)
      expect(both.stderr).toContain('cannot be used with')
    }
  })

  it('serve: the address is its result; verbose lists what it watches', async () => {
    const dir = await exampleRepo()
    const serveWith = async (flags: { quiet?: boolean; verbose?: boolean }) => {
      let stdout = ''
      let stderr = ''
      const io: CliIO = {
        stdout: { write: (s: string) => ((stdout += s), true) },
        stderr: { write: (s: string) => ((stderr += s), true) },
        cwd: dir,
        env: {},
      }
      const serving = await startServe(io, [], { port: 0, at: '2026-12-04T00:00:00Z', ...flags })
      await serving.close()
      return { stdout, stderr }
    }
    const quiet = await serveWith({ quiet: true })
    expect(quiet.stdout).toMatch(
      /^Serving http:\/\/127\.0\.0\.1:\d+\/ — watching for changes \(Ctrl-C to stop\)\n$/,
    )
    expect(quiet.stderr).toBe('')
    const verbose = await serveWith({ verbose: true })
    expect(verbose.stdout).toContain('Built the public site')
    expect(verbose.stderr).toContain('watching incidents\n')
    expect(verbose.stderr).toContain('watching postmortem.config.yaml\n')
  })
})

describe('--quiet and --verbose in issues sync', () => {
  const github = useSyncServer()
  const env = github.env

  it('--dry-run: the plan is the result', async () => {
    const { verbose } = await checkContract(['issues', 'sync', '--dry-run'], { result: true, env: env() })
    expect(verbose.stderr).toMatch(/\d+ GitHub API requests?\n/)
  })

  it('a real sync with --quiet prints nothing', async () => {
    const quiet = await runCli(['issues', 'sync', '--quiet'], { cwd: await exampleRepo(), env: env() })
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(github.server().issues(syncRepo)).toHaveLength(5)
  })

  it('a real sync prints each step and the summary; verbose adds the unchanged items', async () => {
    const plain = await runCli(['issues', 'sync'], { cwd: await exampleRepo(), env: env() })
    expect(plain.stderr).toContain(`✓`)
    expect(plain.stdout).toContain('Sync: create')
    const verbose = await runCli(['issues', 'sync', '--verbose'], { cwd: await exampleRepo(), env: env() })
    expect(verbose.stderr).toMatch(/same {4}\S+ {2}#\d+\n/)
  })
})
