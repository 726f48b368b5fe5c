import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { Diagnostic, DiagnosticCode } from '../src/diagnostics.js'
import { diagnosticCodes, lintCodes } from '../src/diagnostics.js'
import type { ValidationReport } from '../src/validate/validate-files.js'
import { validateFiles } from '../src/validate/validate-files.js'
import { defaultConfig } from '../src/validate/schema.js'

/**
 * One folder per case under test/fixtures/invalid/: the record file(s) and `expected.json`, the complete
 * list of `{code, line, column}` the case must produce (errors and warnings; `file` only when the case
 * has several record files). Messages are not compared; see the extra checks below for the few cases
 * where the wording carries the point.
 */

const fixtures = fileURLToPath(new URL('./fixtures/invalid/', import.meta.url))
/** Reference time for "overdue": action items due before 2026-01-01 are late. */
const at = Date.UTC(2026, 0, 1)

interface Expected {
  file?: string
  code: DiagnosticCode
  line: number
  column: number
}

/** Per-case checks for what expected.json cannot say. */
const extraChecks: Record<string, (report: ValidationReport) => void> = {
  'unknown-key-typo': (report) => {
    const unknown = report.diagnostics.find((d) => d.code === 'UNKNOWN_KEY')
    expect(unknown?.hint).toContain('severity')
  },
  'action-item-id-007': (report) => {
    expect(report.diagnostics[0]?.hint).toContain('"007"')
  },
  'duplicate-action-item-ids': (report) => {
    expect(report.diagnostics[0]?.message).toContain('action_items[0]')
  },
  'duplicate-incident-ids': (report) => {
    // The first file keeps its id; it is still a valid incident.
    expect(report.incidents.map((i) => i.id)).toEqual(['2025-03-04-checkout-latency'])
  },
}

/** Lint codes and UNUSED_LINT_ALLOW are warnings; everything else is an error. */
const warningCodes = new Set<DiagnosticCode>([...lintCodes, 'UNUSED_LINT_ALLOW'])

/** Record files of a case, relative to its folder, with `/` separators. */
function recordFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.split(sep).join('/'))
    .sort()
}

/** Lines of a file as an editor counts them: a final newline does not start another line. */
function lineCount(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes)
  if (text === '') return 0
  return text.split(/\r\n|\r|\n/).length - (/(\r\n|\r|\n)$/.test(text) ? 1 : 0)
}

const byPosition = (a: Expected, b: Expected) =>
  (a.file ?? '').localeCompare(b.file ?? '') ||
  a.line - b.line ||
  a.column - b.column ||
  a.code.localeCompare(b.code)

function validate(dir: string): Promise<ValidationReport> {
  return validateFiles([dir], dir, { config: defaultConfig(), at, incidentsDir: dir })
}

/** Checks a case folder against its expected list and the invariants every diagnostic must meet. */
async function checkCase(dir: string, expected: Expected[], extra?: (report: ValidationReport) => void) {
  const files = recordFiles(dir)
  expect(files.length).toBeGreaterThan(0)
  const single = files.length === 1 ? files[0] : undefined
  const report = await validate(dir)

  const name = (d: Diagnostic) => relative(dir, join(dir, d.file)).split(sep).join('/')
  const actual = report.diagnostics.map((d) => ({
    file: name(d),
    code: d.code,
    line: d.line ?? 0,
    column: d.column ?? 0,
  }))
  const wanted = expected.map((e) => ({ ...e, file: e.file ?? single }))
  expect(
    wanted.every((e) => e.file !== undefined),
    'multi-file cases name the `file` of each entry',
  ).toBe(true)
  // Sorted lists, not sets: a diagnostic reported twice is a bug too.
  expect(actual.sort(byPosition)).toEqual(wanted.sort(byPosition))

  for (const d of report.diagnostics) {
    const lines = lineCount(await readFile(join(dir, d.file)))
    expect(d.code in diagnosticCodes).toBe(true)
    expect(d.message.trim()).not.toBe('')
    expect(d.severity).toBe(warningCodes.has(d.code) ? 'warning' : 'error')
    expect(d.line).toBeGreaterThanOrEqual(1)
    expect(d.column).toBeGreaterThanOrEqual(1)
    expect(d.line).toBeLessThanOrEqual(lines + 1)
  }
  // A record is an incident exactly when it has no errors (warnings do not stop it).
  const failed = new Set(report.diagnostics.filter((d) => d.severity === 'error').map(name))
  expect(report.incidents.map((i) => relative(dir, join(dir, i.file)).split(sep).join('/')).sort()).toEqual(
    files.filter((f) => !failed.has(f)),
  )
  extra?.(report)
}

const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

describe('invalid records (test/fixtures/invalid)', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50)
    for (const name of Object.keys(extraChecks)) expect(cases).toContain(name)
  })

  for (const name of cases) {
    const dir = join(fixtures, name)
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected[]
    it(name, () => checkCase(dir, expected, extraChecks[name]))
  }

  it('keeps the byte-level fixtures byte-exact (an editor or git may normalise them)', async () => {
    const bytes = (name: string) => readFile(join(fixtures, name, '2025-03-04-checkout-latency.yaml'))
    const utf8 = await bytes('invalid-utf8')
    expect(utf8.includes(0xe9)).toBe(true)
    const bom = await bytes('bom-error-on-first-line')
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const crlf = (await bytes('crlf-error-position')).toString('utf8')
    expect(crlf).toContain('\r\n')
    expect(crlf.replace(/\r\n/g, '')).not.toContain('\n')
  })

  it('leaves Object.prototype alone when a record has a `__proto__` key', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    const report = await validate(join(fixtures, 'proto-key'))
    expect(report.diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_KEY'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })
})

describe('invalid records written at test time', () => {
  const dirs: string[] = []
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

  // Note: `con.yaml` cannot be checked out on Windows (a reserved device name), so it is not committed.
  it.skipIf(process.platform === 'win32')('rejects the Windows device name `con` as an id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'postmortem-invalid-'))
    dirs.push(dir)
    await writeFile(
      join(dir, 'con.yaml'),
      [
        'id: con',
        'title: Checkout latency spike',
        'status: draft',
        'severity: SEV3',
        'timestamps:',
        '  impact_started: 2025-03-04T10:00:00Z',
        '  detected: 2025-03-04T10:05:00Z',
        'summary: Checkout requests were slow for twenty minutes.',
        'timeline:',
        '  - at: 2025-03-04T10:05:00Z',
        '    kind: detect',
        '    text: Latency alert fired for checkout.',
        '',
      ].join('\n'),
    )
    await checkCase(dir, [{ code: 'INVALID_FORMAT', line: 1, column: 5 }])
  })
})
