/* eslint-disable no-control-regex -- progress output is made of control characters */
import { afterAll, describe, expect, it } from 'vitest'
import { progressThreshold } from '../src/cli/build.js'
import type { CliIO } from '../src/cli/io.js'
import { inCI, output } from '../src/cli/output.js'
import { progressBar } from '../src/cli/progress-bar.js'
import { exampleRepo, makeTempDir, removeTempDirs, runCli } from './helpers/run-cli.js'
import { useSyncServer } from './helpers/sync-server.js'

afterAll(removeTempDirs)

// A drawn bar: carriage return, the line, erase to the end of the line.
const barLine = /\r[^\r\n]*\d+\/\d+ [a-z]+\u001b\[K/

function fakeIO(options: { tty: boolean; env?: CliIO['env'] }): CliIO & { err: () => string } {
  let err = ''
  return {
    stdout: { write: () => true, isTTY: options.tty },
    stderr: { write: (s: string) => ((err += s), true), isTTY: options.tty },
    cwd: '/',
    env: options.env ?? {},
    err: () => err,
  }
}

describe('the progress bar', () => {
  it('appears once a stage reaches the threshold, redraws in place, and clears itself', () => {
    let out = ''
    let clock = 0
    const bar = progressBar({ write: (s: string) => (out += s), columns: 80 }, 'building', {
      min: 3,
      now: () => clock,
    })
    bar.update(1, 2, 'validate')
    expect(out).toBe('')
    bar.update(1, 4, 'render')
    expect(out).toBe(`\rbuilding ████████░░░░░░░░░░░░░░░░░░░░░░ 1/4 render\u001b[K`)
    out = ''
    bar.update(2, 4, 'render') // within 100 ms of the last draw: not drawn
    expect(out).toBe('')
    clock = 150
    bar.update(3, 4, 'render')
    expect(out).toMatch(/^\rbuilding █+░+ 3\/4 render\u001b\[K$/)
    out = ''
    bar.clear()
    bar.redraw()
    expect(out).toBe(`\r\u001b[K\rbuilding ███████████████████████░░░░░░░ 3/4 render\u001b[K`)
    out = ''
    bar.end()
    expect(out).toBe('\r\u001b[K')
    out = ''
    bar.end()
    expect(out).toBe('')
  })

  it('keeps lines printed meanwhile above it', () => {
    const io = fakeIO({ tty: true })
    const say = output(io, {})
    const bar = say.progress('syncing')
    bar.update(0, 2, 'sync')
    say.note('✓ created\n')
    bar.end()
    expect(io.err()).toBe(
      '\rsyncing ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ 0/2 sync\u001b[K' +
        '\r\u001b[K✓ created\n\rsyncing ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ 0/2 sync\u001b[K' +
        '\r\u001b[K',
    )
  })

  it.each([
    ['a terminal', { tty: true }, {}, true],
    ['a terminal in CI', { tty: true, env: { CI: 'true' } }, {}, false],
    ['a terminal with CI=1', { tty: true, env: { CI: '1' } }, {}, false],
    ['a terminal with CI=false', { tty: true, env: { CI: 'false' } }, {}, true],
    ['a terminal with TERM=dumb', { tty: true, env: { TERM: 'dumb' } }, {}, false],
    ['a terminal with --quiet', { tty: true }, { quiet: true }, false],
    ['a terminal with --verbose', { tty: true }, { verbose: true }, true],
    ['a pipe or file', { tty: false }, {}, false],
  ])('on %s: drawn %s', (_name, streams, flags, drawn) => {
    const io = fakeIO(streams)
    const bar = output(io, flags).progress('building')
    bar.update(1, 2, 'render')
    bar.end()
    expect(barLine.test(io.err())).toBe(drawn)
    if (!drawn) expect(io.err()).toBe('')
  })

  it('takes CI from the environment as GitHub Actions and others set it', () => {
    expect([undefined, '', '0', 'false', 'FALSE'].map((CI) => inCI({ CI }))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ])
    expect(['true', '1', 'yes', 'woodpecker'].map((CI) => inCI({ CI }))).toEqual([true, true, true, true])
  })
})

/** `count` small published records that build. */
async function manyRecords(count: number): Promise<string> {
  const files: Record<string, string> = {}
  for (let i = 1; i <= count; i++) {
    const id = `2026-01-01-incident-${i}`
    files[`incidents/${id}.yaml`] = [
      `id: ${id}`,
      `title: Incident ${i}`,
      'status: published',
      'visibility: public',
      'severity: SEV3',
      'services: [api]',
      'timestamps:',
      '  impact_started: 2026-01-01T00:00:00Z',
      '  detected: 2026-01-01T00:05:00Z',
      '  resolved: 2026-01-01T01:00:00Z',
      'summary: Something broke.',
      'root_cause:',
      '  summary: A thing.',
      'timeline:',
      '  - at: 2026-01-01T00:05:00Z',
      '    kind: detect',
      '    text: Alert fired.',
      '',
    ].join('\n')
  }
  return makeTempDir(files)
}

describe('build progress', () => {
  it(`draws a bar on a terminal for ${progressThreshold}+ records, and nothing in CI`, async () => {
    const dir = await manyRecords(progressThreshold)
    const tty = await runCli(['build', '--at', '2026-12-04'], {
      cwd: dir,
      isTTY: true,
      env: { NO_COLOR: '1' },
    })
    expect(tty.code).toBe(0)
    expect(tty.stderr).toMatch(barLine)
    for (const stage of ['records', 'write']) expect(tty.stderr).toContain(` ${stage}\u001b[K`)
    expect(tty.stderr).toContain(`${progressThreshold}/${progressThreshold} records`)
    expect(tty.stderr.endsWith('\r\u001b[K')).toBe(true)
    expect(tty.stdout).toContain(`Built the public site: ${progressThreshold} incidents`)

    const ci = await runCli(['build', '--at', '2026-12-04'], {
      cwd: dir,
      isTTY: true,
      env: { NO_COLOR: '1', CI: 'true' },
    })
    expect(ci.code).toBe(0)
    expect(ci.stderr).toBe('')
  }, 120_000)

  it('draws no bar for a small build, even on a terminal', async () => {
    const result = await runCli(['build', '--at', '2026-12-04'], {
      cwd: await exampleRepo(),
      isTTY: true,
      env: { NO_COLOR: '1' },
    })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
  })
})

describe('issues sync progress', () => {
  const github = useSyncServer()
  const sync = async (options: { tty: boolean; env?: Record<string, string>; args?: string[] }) =>
    runCli(['issues', 'sync', ...(options.args ?? [])], {
      cwd: await exampleRepo(),
      isTTY: options.tty,
      env: { ...github.env(), NO_COLOR: '1', ...options.env },
    })

  it('draws a bar per item on a terminal, below the step lines', async () => {
    const result = await sync({ tty: true })
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('\rsyncing ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ 0/5 sync\u001b[K')
    expect(result.stderr).toContain('5/5 sync\u001b[K')
    // Each step line is printed on a cleared line, then the bar is drawn again.
    expect(result.stderr).toMatch(/\r\u001b\[K✓ \+ create .*\n\rsyncing /)
    expect(result.stderr.endsWith('\r\u001b[K')).toBe(true)
  })

  it.each([
    ['not a terminal', { tty: false }],
    ['CI', { tty: true, env: { CI: 'true' } }],
    ['--quiet', { tty: true, args: ['--quiet'] }],
  ])('draws nothing when %s', async (_name, options) => {
    const result = await sync(options)
    expect(result.code).toBe(0)
    expect(result.stderr).not.toMatch(barLine)
    expect(result.stderr).not.toContain('\r')
  })
})
