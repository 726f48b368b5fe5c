import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { makeTempDir, removeTempDirs, runCli, stackLines } from './helpers/run-cli.js'

afterEach(removeTempDirs)

const at = ['--at', '2026-03-04T10:15:00Z']

/** Record files in `dir`, or none when the folder does not exist. */
async function recordsIn(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [])
}

/** Validates one file strictly and returns the JSON report. */
async function validate(cwd: string, file: string) {
  const result = await runCli(['validate', file, '--strict', '--format', 'json', '--at', '2026-03-05'], {
    cwd,
  })
  return {
    code: result.code,
    report: JSON.parse(result.stdout) as { files: number; errors: number; warnings: number },
  }
}

describe('new', () => {
  it('creates a draft record with a working schema comment that validates', async () => {
    const cwd = await makeTempDir()
    const result = await runCli(['new', 'Checkout latency spike', ...at, '--severity', 'SEV2'], { cwd })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const shown = 'incidents/2026-03-04-checkout-latency-spike.yaml'
    expect(result.stdout).toContain(`Created ${shown}`)
    const file = join(cwd, shown)
    const text = await readFile(file, 'utf8')

    // Not installed here yet: the comment names where `npm install --save-dev` puts the schema, never
    // the copy this run happens to use (npx's cache is no path to commit).
    const first = text.split('\n')[0]!
    expect(first).toBe(
      '# yaml-language-server: $schema=../node_modules/postmortem/schema/incident.schema.json',
    )
    const schema = resolve(dirname(file), first.slice(first.indexOf('=') + 1))
    expect(schema).toBe(join(cwd, 'node_modules/postmortem/schema/incident.schema.json'))

    const record = parse(text) as Record<string, unknown>
    expect(record).toMatchObject({
      id: '2026-03-04-checkout-latency-spike',
      title: 'Checkout latency spike',
      status: 'draft',
      severity: 'SEV2',
      timestamps: { impact_started: '2026-03-04T10:15:00Z', detected: '2026-03-04T10:15:00Z' },
    })
    const { code, report } = await validate(cwd, shown)
    expect(report).toEqual(expect.objectContaining({ files: 1, errors: 0, warnings: 0 }))
    expect(code).toBe(0)
  })

  it('writes a draft that renders and builds for internal readers (no root cause yet)', async () => {
    const cwd = await makeTempDir()
    expect((await runCli(['new', 'Checkout latency spike', ...at], { cwd })).code).toBe(0)
    const render = await runCli(['render', '--internal', '--at', '2026-03-05'], { cwd })
    expect(render.stderr).toBe('')
    expect(render.code).toBe(0)
    const text = await readFile(join(cwd, 'dist/postmortems/2026-03-04-checkout-latency-spike.md'), 'utf8')
    expect(text).toContain('Not yet identified.')
    expect((await runCli(['build', '--internal', '--at', '2026-03-05'], { cwd })).code).toBe(0)
  })

  it('defaults to the third configured severity', async () => {
    const cwd = await makeTempDir()
    expect((await runCli(['new', 'Quiet one', ...at], { cwd })).code).toBe(0)
    const record = parse(await readFile(join(cwd, 'incidents/2026-03-04-quiet-one.yaml'), 'utf8')) as {
      severity: string
    }
    expect(record.severity).toBe('SEV3')
  })

  it('follows the config: incidents folder, time zone of the date, severities', async () => {
    const cwd = await makeTempDir({
      'postmortem.config.yaml': [
        'incidents: records',
        'timezone: Europe/Berlin',
        'severities:',
        '  - name: critical',
        '  - name: minor',
        '',
      ].join('\n'),
      'sub/.keep': '',
    })
    // 23:30 UTC is already the next day in Berlin.
    const result = await runCli(
      ['new', 'Night shift', '--at', '2026-03-04T23:30:00Z', '--severity', 'minor'],
      {
        cwd: join(cwd, 'sub'),
      },
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Created ../records/2026-03-05-night-shift.yaml')
    const { code, report } = await validate(cwd, 'records/2026-03-05-night-shift.yaml')
    expect(report.errors).toBe(0)
    expect(code).toBe(0)

    const wrong = await runCli(['new', 'Other', ...at, '--severity', 'SEV2'], { cwd })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('critical, minor')
  })

  it('never overwrites a record: a second run exits 1 and leaves the file byte-identical', async () => {
    const cwd = await makeTempDir()
    const argv = ['new', 'Checkout latency spike', ...at, '--severity', 'SEV2']
    expect((await runCli(argv, { cwd })).code).toBe(0)
    const file = join(cwd, 'incidents/2026-03-04-checkout-latency-spike.yaml')
    const before = await readFile(file)
    const again = await runCli(argv, { cwd })
    expect(again.code).toBe(1)
    expect(again.stdout).toBe('')
    expect(again.stderr).toContain('already exists')
    expect(stackLines(again.stderr)).toEqual([])
    expect((await readFile(file)).equals(before)).toBe(true)
  })

  it.each([
    ['an unknown --severity', ['new', 'Title', ...at, '--severity', 'SEV9'], /SEV9/],
    ['an invalid --at', ['new', 'Title', '--at', 'garbage'], /--at/],
    ['an empty title', ['new', '   ', ...at], /title/],
    ['a multi-line title', ['new', 'one\ntwo', ...at], /title/],
    ['no title', ['new'], /title/],
    ['an unknown option', ['new', 'Title', '--bogus'], /--bogus/],
  ])('exits 2 and creates nothing for %s', async (_name, argv, message) => {
    const cwd = await makeTempDir()
    const result = await runCli(argv, { cwd })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(await recordsIn(join(cwd, 'incidents'))).toEqual([])
  })

  it.each([
    ['Café ☕ outage', '2026-03-04-cafe-outage'],
    ['☕🔥', '2026-03-04-incident'],
    ['  DB -- failover!!  ', '2026-03-04-db-failover'],
    ['Ünïcödé Naïve résumé', '2026-03-04-unicode-naive-resume'],
  ])('slugs %j as %s', async (title, id) => {
    const cwd = await makeTempDir()
    const result = await runCli(['new', title, ...at], { cwd })
    expect(result.code).toBe(0)
    expect(await recordsIn(join(cwd, 'incidents'))).toEqual([`${id}.yaml`])
    expect((await validate(cwd, `incidents/${id}.yaml`)).report.errors).toBe(0)
  })

  it('keeps the id of a long title within 80 characters, and the record valid', async () => {
    const cwd = await makeTempDir()
    const title = 'Elevated error rates in the payments gateway during the regional failover drill '.repeat(4)
    expect(title.length).toBeLessThanOrEqual(500)
    expect((await runCli(['new', title, ...at], { cwd })).code).toBe(0)
    const [name] = await recordsIn(join(cwd, 'incidents'))
    const id = name!.replace(/\.yaml$/, '')
    expect(id.length).toBeLessThanOrEqual(80)
    expect(id).toMatch(/^[a-z0-9][a-z0-9-]{0,79}$/)
    expect(id).not.toMatch(/-$/)
    const { code, report } = await validate(cwd, `incidents/${name}`)
    expect(report.errors).toBe(0)
    expect(code).toBe(0)
  })

  it('never writes a record that does not validate, even for a 600-character title', async () => {
    const cwd = await makeTempDir()
    const result = await runCli(['new', 'word '.repeat(120), ...at], { cwd })
    const files = await recordsIn(join(cwd, 'incidents'))
    if (result.code === 2) expect(files).toEqual([])
    else {
      expect(result.code).toBe(0)
      expect((await validate(cwd, `incidents/${files[0]}`)).report.errors).toBe(0)
    }
  })

  it('writes titles with YAML-significant characters so they read back unchanged', async () => {
    const cwd = await makeTempDir()
    const title = 'Redis: "primary" down # again, 100% [eu-west] & *more* \\ {x}'
    expect((await runCli(['new', title, ...at], { cwd })).code).toBe(0)
    const [name] = await recordsIn(join(cwd, 'incidents'))
    const record = parse(await readFile(join(cwd, 'incidents', name!), 'utf8')) as { title: string }
    expect(record.title).toBe(title)
    expect((await validate(cwd, `incidents/${name}`)).report.errors).toBe(0)
  })

  it('prints no raw control characters from the title', async () => {
    const cwd = await makeTempDir()
    const result = await runCli(['new', 'Bad \u001b[31mred\u0007', ...at], { cwd })
    expect(result.stdout + result.stderr).not.toContain('\u001b')
    expect(result.stdout + result.stderr).not.toContain('\u0007')
  })
})
