import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs, repoRoot, runCli, stackLines } from './helpers/run-cli.js'

afterEach(removeTempDirs)

/** A valid draft record; its one action item (line 19) is due 2026-06-01. */
function validRecord(id: string): string {
  return `id: ${id}
title: Checkout latency
status: draft
severity: SEV3
timestamps:
  impact_started: 2026-03-04T10:00:00Z
  detected: 2026-03-04T10:05:00Z
summary: Checkout was slow.
timeline:
  - at: 2026-03-04T10:05:00Z
    kind: detect
    text: Latency alert fired.
action_items:
  - id: AI-1
    title: Add a latency budget to checkout
    type: prevent
    priority: P2
    owner: "@sre"
    due: 2026-06-01
    status: open
`
}

const valid = { 'incidents/2026-03-04-checkout-latency.yaml': validRecord('2026-03-04-checkout-latency') }

/** Three errors: a bad `status` (3:9), a bad timestamp (13:9), an unknown key (16:1). */
const brokenRecord = `id: 2026-03-05-broken
title: Broken record
status: drafty
severity: SEV3
timestamps:
  impact_started: 2026-03-05T10:00:00Z
  detected: 2026-03-05T10:05:00Z
summary: Something happened.
timeline:
  - at: 2026-03-05T10:05:00Z
    kind: detect
    text: Alert fired.
  - at: yesterday
    kind: note
    text: Looked into it.
titel: oops
`
const brokenFile = 'incidents/2026-03-05-broken.yaml'

/** Before and after the action item's due date. */
const beforeDue = ['--at', '2026-05-01T00:00:00Z']
const afterDue = ['--at', '2026-07-01T00:00:00Z']

interface JsonReport {
  files: number
  errors: number
  warnings: number
  diagnostics: Array<Record<string, unknown>>
}

function parseJson(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport
}

/** The parts of diagnostics that tests pin: not the wording. */
function pinned(report: JsonReport) {
  return report.diagnostics.map(({ file, line, column, severity, code, path }) => ({
    file,
    line,
    column,
    severity,
    code,
    path,
  }))
}

// eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
const rawControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

describe('validate: text output', () => {
  it('reports a valid folder with exit 0', async () => {
    const cwd = await makeTempDir(valid)
    const result = await runCli(['validate', ...beforeDue], { cwd })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('✔ 0 errors, 0 warnings')
    expect(result.stdout).toContain('1 record checked.')
    expect(result.stderr).toBe('')
  })

  it('lists each problem at line:col with severity, code and hint, and exits 1', async () => {
    const cwd = await makeTempDir({ ...valid, [brokenFile]: brokenRecord })
    const result = await runCli(['validate', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    const lines = result.stdout.split('\n')
    expect(lines).toContain(brokenFile)
    const find = (code: string) => lines.find((l) => l.includes(code))
    expect(find('INVALID_VALUE')).toMatch(/^\s+3:9\s+error\s+/)
    expect(find('INVALID_TIMESTAMP')).toMatch(/^\s+13:9\s+error\s+/)
    expect(find('UNKNOWN_KEY')).toMatch(/^\s+16:1\s+error\s+/)
    expect(result.stdout).toMatch(/^\s+hint: Did you mean `title`\?$/m)
    expect(result.stdout).toContain('✖ 3 errors, 0 warnings')
    expect(stackLines(result.stdout + result.stderr)).toEqual([])
  })

  it('reports a path that does not exist as READ_FAILED with exit 1', async () => {
    const cwd = await makeTempDir(valid)
    const result = await runCli(['validate', 'does-not-exist.yaml', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('does-not-exist.yaml')
    expect(result.stdout).toContain('READ_FAILED')
    expect(stackLines(result.stdout + result.stderr)).toEqual([])
  })

  it('says so when a folder holds no records', async () => {
    const cwd = await makeTempDir({ 'incidents/README.md': '# nothing here\n' })
    const result = await runCli(['validate'], { cwd })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('No incident records found.')
  })
})

describe('validate --format json', () => {
  it('matches the SPEC §5 contract exactly', async () => {
    const cwd = await makeTempDir({ ...valid, [brokenFile]: brokenRecord })
    const result = await runCli(['validate', '--format', 'json', ...afterDue], { cwd })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('')
    const report = parseJson(result.stdout)
    expect(Object.keys(report).sort()).toEqual(['diagnostics', 'errors', 'files', 'warnings'])
    expect(report).toMatchObject({ files: 2, errors: 3, warnings: 1 })
    const required = ['code', 'column', 'file', 'line', 'message', 'severity']
    for (const d of report.diagnostics) {
      const keys = Object.keys(d)
      expect(keys).toEqual(expect.arrayContaining(required))
      expect(keys.filter((k) => !required.includes(k)).every((k) => k === 'hint' || k === 'path')).toBe(true)
      expect(typeof d.message).toBe('string')
      expect(['error', 'warning']).toContain(d.severity)
      if ('hint' in d) expect(typeof d.hint).toBe('string')
      if ('path' in d) expect(typeof d.path).toBe('string')
    }
    expect(pinned(report)).toEqual([
      {
        file: 'incidents/2026-03-04-checkout-latency.yaml',
        line: 19,
        column: 10,
        severity: 'warning',
        code: 'ACTION_ITEM_OVERDUE',
        path: 'action_items[0].due',
      },
      { file: brokenFile, line: 3, column: 9, severity: 'error', code: 'INVALID_VALUE', path: 'status' },
      {
        file: brokenFile,
        line: 13,
        column: 9,
        severity: 'error',
        code: 'INVALID_TIMESTAMP',
        path: 'timeline[1].at',
      },
      { file: brokenFile, line: 16, column: 1, severity: 'error', code: 'UNKNOWN_KEY', path: 'titel' },
    ])
  })

  it('prints only JSON on stdout, also for a missing path', async () => {
    const cwd = await makeTempDir(valid)
    const result = await runCli(['validate', 'nope', '--format', 'json', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    const report = parseJson(result.stdout)
    expect(report.files).toBe(0)
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ file: 'nope', severity: 'error', code: 'READ_FAILED' }),
    ])
  })

  it('never holds raw control characters', async () => {
    const cwd = await makeTempDir({
      'incidents/2026-03-04-ctl.yaml': `${validRecord('2026-03-04-ctl').replace('status: draft', 'status: "\\e[31mdraft\\a"')}"k\\e[2J": 1\n`,
    })
    const result = await runCli(['validate', '--format', 'json', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    expect(result.stdout).not.toMatch(rawControl)
    expect(parseJson(result.stdout).diagnostics.map((d) => d.code)).toEqual(['INVALID_VALUE', 'UNKNOWN_KEY'])
  })
})

describe('validate --format github', () => {
  const annotation = /^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=[A-Z_]+::.+$/

  it('prints one workflow command per diagnostic', async () => {
    const cwd = await makeTempDir({ ...valid, [brokenFile]: brokenRecord })
    const result = await runCli(['validate', '--format', 'github', ...afterDue], { cwd })
    expect(result.code).toBe(1)
    const commands = result.stdout.split('\n').filter((l) => l.startsWith('::'))
    expect(commands).toHaveLength(4)
    for (const line of commands) expect(line).toMatch(annotation)
    expect(commands).toContainEqual(
      expect.stringMatching(
        /^::warning file=incidents\/2026-03-04-checkout-latency\.yaml,line=19,col=10,title=ACTION_ITEM_OVERDUE::/,
      ),
    )
    expect(commands).toContainEqual(
      expect.stringMatching(
        /^::error file=incidents\/2026-03-05-broken\.yaml,line=3,col=9,title=INVALID_VALUE::`status` must/,
      ),
    )
    // The hint follows the message on a new line of the annotation, escaped.
    expect(commands).toContainEqual(expect.stringMatching(/title=UNKNOWN_KEY::.*%0ADid you mean `title`\?$/))
  })

  it('escapes %, CR and LF in the message, and also : and , in properties', async () => {
    const name = 'incidents/50%,a:b.yaml'
    const record = validRecord('x').replace('status: draft', 'status: "50%\\ndone\\r"')
    const cwd = await makeTempDir({ [name]: record })
    const result = await runCli(['validate', '--format', 'github', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    const line = result.stdout.split('\n').find((l) => l.includes('title=INVALID_VALUE'))
    expect(line).toBeDefined()
    expect(line).toMatch(/^::error file=incidents\/50%25%2Ca%3Ab\.yaml,line=3,col=9,title=INVALID_VALUE::/)
    const message = line!.slice(line!.indexOf('::', 2) + 2)
    // The value's own newline is shown as a visible `\n`; the hint's separator is the escaped LF.
    expect(message).toContain('50%25\\ndone\\r')
    expect(message).toContain('%0ADid you mean')
    expect(message).not.toMatch(/[\r\n]/)
    // Every output line is an annotation or the closing summary: no message spilled onto its own line.
    for (const l of result.stdout.trimEnd().split('\n'))
      expect(l.startsWith('::') || /^\d+ errors?, \d+ warnings?$/.test(l)).toBe(true)
  })

  it('reports a missing path without line and column', async () => {
    const cwd = await makeTempDir(valid)
    const result = await runCli(['validate', 'nope.yaml', '--format', 'github'], { cwd })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^::error file=nope\.yaml,title=READ_FAILED::/m)
  })

  it('never echoes raw control characters from a file name', async () => {
    const cwd = await makeTempDir({ 'incidents/evil\u001b[31m.yaml': validRecord('x') })
    const result = await runCli(['validate', '--format', 'github', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    expect(result.stdout).not.toMatch(rawControl)
  })
})

describe('validate: diagnostics for missing keys and bounds', () => {
  it('reports a missing `status` as MISSING_KEY', async () => {
    const cwd = await makeTempDir({ 'incidents/x.yaml': validRecord('x').replace('status: draft\n', '') })
    const result = await runCli(['validate', '--format', 'json', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    expect(parseJson(result.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'MISSING_KEY', path: 'status' }),
    ])
  })

  it('words exclusive bounds so the value shown is not within them', async () => {
    const dir = await makeTempDir({ 'postmortem.config.yaml': 'max_file_bytes: 0\n' })
    const result = await runCli(['validate'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^\s+1:17\s+error\s+.*INVALID_VALUE$/m)
    expect(result.stderr).not.toContain('must be at least 0, got number `0`')
  })
})

describe('validate: exit codes', () => {
  it('exits 0 on warnings only, 1 with --strict', async () => {
    const cwd = await makeTempDir(valid)
    const loose = await runCli(['validate', ...afterDue], { cwd })
    expect(loose.code).toBe(0)
    expect(loose.stdout).toContain('ACTION_ITEM_OVERDUE')
    expect(loose.stdout).toContain('⚠ 0 errors, 1 warning')
    const strict = await runCli(['validate', '--strict', ...afterDue], { cwd })
    expect(strict.code).toBe(1)
    const strictJson = await runCli(['validate', '--strict', '--format', 'json', ...afterDue], { cwd })
    expect(strictJson.code).toBe(1)
    expect(parseJson(strictJson.stdout)).toMatchObject({ errors: 0, warnings: 1 })
  })

  it('--at decides what is overdue', async () => {
    const cwd = await makeTempDir(valid)
    const before = parseJson((await runCli(['validate', '--format', 'json', ...beforeDue], { cwd })).stdout)
    expect(before.diagnostics).toEqual([])
    const after = parseJson((await runCli(['validate', '--format', 'json', ...afterDue], { cwd })).stdout)
    expect(after.diagnostics.map((d) => d.code)).toEqual(['ACTION_ITEM_OVERDUE'])
    // Due 2026-06-01 means due by the end of that day (UTC).
    const sameDay = await runCli(['validate', '--strict', '--at', '2026-06-01T23:59:59Z'], { cwd })
    expect(sameDay.code).toBe(0)
    const nextDay = await runCli(['validate', '--strict', '--at', '2026-06-02'], { cwd })
    expect(nextDay.code).toBe(1)
  })

  it.each([
    ['--at garbage', ['validate', '--at', 'garbage'], /--at/],
    ['--at without an offset', ['validate', '--at', '2026-05-01T00:00:00'], /--at/],
    ['--at on Feb 30', ['validate', '--at', '2026-02-30'], /--at/],
    ['an unknown option', ['validate', '--bogus'], /unknown option '--bogus'/],
    ['an unknown format', ['validate', '--format', 'xml'], /xml/],
    ['--at without a value', ['validate', '--at'], /--at/],
  ])('exits 2 for %s', async (_name, argv, message) => {
    const cwd = await makeTempDir(valid)
    const result = await runCli(argv, { cwd })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(message)
    expect(stackLines(result.stderr)).toEqual([])
  })
})

describe('validate: configuration', () => {
  const config = { 'postmortem.config.yaml': 'incidents: records\n' }
  const record = { 'records/2026-03-04-checkout-latency.yaml': validRecord('2026-03-04-checkout-latency') }

  it('with no paths, validates the config’s incidents folder, found walking up from the cwd', async () => {
    const dir = await makeTempDir({ ...config, ...record, 'sub/deeper/.keep': '' })
    const result = await runCli(['validate', '--format', 'json', ...afterDue], { cwd: `${dir}/sub/deeper` })
    expect(result.code).toBe(0)
    const report = parseJson(result.stdout)
    expect(report.files).toBe(1)
    expect(report.diagnostics).toEqual([
      expect.objectContaining({
        file: '../../records/2026-03-04-checkout-latency.yaml',
        code: 'ACTION_ITEM_OVERDUE',
      }),
    ])
  })

  it('exits 2 on an invalid config, with its diagnostics at line:col', async () => {
    const dir = await makeTempDir({
      ...record,
      'postmortem.config.yaml': 'incidents: records\ntimezone: Mars/Olympus\nsevereties: []\n',
    })
    const result = await runCli(['validate', ...beforeDue], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('postmortem.config.yaml')
    expect(result.stderr).toMatch(/^\s+2:11\s+error\s+.*INVALID_TIMEZONE$/m)
    expect(result.stderr).toMatch(/^\s+3:1\s+error\s+.*UNKNOWN_KEY$/m)
    expect(result.stderr).toContain('hint: Did you mean `severities`?')
    expect(stackLines(result.stderr)).toEqual([])
  })

  it('exits 2 on a config that is not YAML, from a sub-folder too', async () => {
    const dir = await makeTempDir({ ...record, 'postmortem.config.yaml': 'incidents: [\n', 'sub/.keep': '' })
    const result = await runCli(['validate'], { cwd: `${dir}/sub` })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('../postmortem.config.yaml')
    expect(result.stderr).toContain('YAML_SYNTAX')
  })

  it('--config names another config file', async () => {
    const dir = await makeTempDir({
      ...record,
      'postmortem.config.yaml': 'not_a_key: 1\n',
      'other.yaml': 'incidents: records\n',
    })
    const result = await runCli(['validate', '--config', 'other.yaml', ...beforeDue], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('1 record checked.')
  })

  it('--config with a file that does not exist exits 2', async () => {
    const dir = await makeTempDir(record)
    const result = await runCli(['validate', '--config', 'missing.yaml'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--config: no such file: missing.yaml')
  })
})

describe('validate: colour and control characters', () => {
  const broken = { [brokenFile]: brokenRecord }

  it('uses colour on a TTY without NO_COLOR', async () => {
    const cwd = await makeTempDir(broken)
    const result = await runCli(['validate'], { cwd, isTTY: true })
    expect(result.stdout).toContain('\u001b[')
  })

  it.each([
    ['NO_COLOR=1 on a TTY', { isTTY: true, env: { NO_COLOR: '1' } }],
    ['TERM=dumb on a TTY', { isTTY: true, env: { TERM: 'dumb' } }],
    ['no TTY', { isTTY: false, env: {} }],
  ])('uses no colour with %s', async (_name, options) => {
    const cwd = await makeTempDir(broken)
    const result = await runCli(['validate'], { cwd, ...options })
    expect(result.code).toBe(1)
    expect(result.stdout).not.toContain('\u001b')
  })

  it('keeps usage errors on stderr free of colour with NO_COLOR', async () => {
    const result = await runCli(['validate', '--bogus'], { isTTY: true, env: { NO_COLOR: '1' } })
    expect(result.code).toBe(2)
    expect(result.stderr).not.toContain('\u001b')
  })

  it('never echoes control characters from records or file names raw', async () => {
    const record = validRecord('2026-03-04-ctl')
      .replace('title: Checkout latency', 'title: "Bad \\e[31mred\\e[0m \\a bell"')
      .replace('status: draft', 'status: "\\e]0;pwned\\a\\x01\\u202e"')
    const cwd = await makeTempDir({
      'incidents/2026-03-04-ctl.yaml': `${record}"evil\\e[2Jkey\\x7f": 1\n`,
      'incidents/name\u001b[31m.yaml': validRecord('x'),
    })
    const plain = await runCli(['validate', ...beforeDue], { cwd })
    expect(plain.code).toBe(1)
    expect(plain.stdout).toContain('UNKNOWN_KEY')
    expect(plain.stdout).toContain('INVALID_VALUE')
    expect(plain.stdout).not.toMatch(rawControl)
    // Shown as visible escapes instead.
    expect(plain.stdout).toContain('\\u001b[2J')
    expect(plain.stdout).toContain('name\\u001b[31m.yaml')
    // With colour on, the only escapes are the reporter's own SGR sequences.
    // eslint-disable-next-line no-control-regex -- stripping the reporter's colour codes
    const sgr = /\u001b\[\d+m/g
    const coloured = await runCli(['validate', ...beforeDue], { cwd, isTTY: true })
    expect(coloured.stdout.replace(sgr, '')).not.toMatch(rawControl)
  })

  it('keeps each diagnostic on one line when a value holds a newline', async () => {
    const cwd = await makeTempDir({
      'incidents/x.yaml': validRecord('x').replace('status: draft', 'status: "draft\\nx"'),
    })
    const result = await runCli(['validate', ...beforeDue], { cwd })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^\s+3:9\s+error\s+.*INVALID_VALUE$/m)
  })
})

describe('the bundled examples', () => {
  it('validate cleanly with --strict', async () => {
    const result = await runCli(['validate', '--strict', '--at', '2026-12-04T00:00:00Z'], { cwd: repoRoot })
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('✔ 0 errors, 0 warnings')
    expect(result.code).toBe(0)
  })

  it('include the connection-pool outage of SPEC §9', async () => {
    const result = await runCli(['validate', '--format', 'json', '--at', '2026-12-04T00:00:00Z'], {
      cwd: repoRoot,
    })
    const report = parseJson(result.stdout)
    expect(report.files).toBeGreaterThanOrEqual(1)
    expect(report.diagnostics).toEqual([])
    const one = await runCli(
      ['validate', 'incidents/2025-01-22-connection-pool-exhaustion.yaml', '--at', '2026-12-04T00:00:00Z'],
      {
        cwd: repoRoot,
      },
    )
    expect(one.stdout).toContain('1 record checked.')
  })
})
