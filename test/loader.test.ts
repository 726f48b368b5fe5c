import { mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Diagnostic } from '../src/diagnostics.js'
import { diagnosticCodes } from '../src/diagnostics.js'
import { decodeText } from '../src/load/decode-text.js'
import type { SourceLimits } from '../src/load/parse-source.js'
import { defaultLimits, parseSource } from '../src/load/parse-source.js'
import { readSource } from '../src/load/read-source.js'
import { validateSource } from '../src/validate/validate-incident.js'
import { defaultConfig, limits } from '../src/validate/schema.js'

/**
 * The loader on hostile input: deep nesting, huge files, long lists, arbitrary bytes. It must answer
 * with diagnostics, never throw. No timing assertions: the limits are about bounded work, and CI
 * machines vary.
 */

const utf8 = (text: string) => new TextEncoder().encode(text)
const raised: SourceLimits = { ...defaultLimits, maxFileBytes: 64 * 1024 * 1024 }
const options = { config: defaultConfig(), at: Date.UTC(2026, 0, 1) }

const record = [
  'id: 2025-03-04-checkout-latency',
  'title: Checkout latency spike',
  'status: draft',
  'severity: SEV3',
  'timestamps:',
  '  impact_started: 2025-03-04T10:00:00Z',
  '  detected: 2025-03-04T10:05:00Z',
  'summary: Checkout requests were slow for twenty minutes.',
  'timeline:',
  '',
].join('\n')
const event = (i: number) => `  - at: 2025-03-04T10:05:00Z\n    kind: note\n    text: Event ${i}.\n`

/**
 * Every diagnostic has a stable code, a message and a position inside `text`: line ≥ 1, column ≥ 1,
 * line at most one past the last line, and column at most one past the end of that line.
 */
function expectInside(diagnostics: readonly Diagnostic[], text: string): void {
  const lines = lineCount(text)
  for (const d of diagnostics) {
    expect(d.code in diagnosticCodes, d.code).toBe(true)
    expect(d.message.trim()).not.toBe('')
    expect(d.line).toBeGreaterThanOrEqual(1)
    expect(d.column).toBeGreaterThanOrEqual(1)
    expect(d.line).toBeLessThanOrEqual(lines + 1)
    // Lines as the loader counts them (LF-separated, CR kept as part of the line). The decoded text
    // has lost its byte order mark; a second U+FEFF after it is a character of the first line.
    const lineText = text.split('\n')[d.line! - 1] ?? ''
    expect(d.column).toBeLessThanOrEqual(lineText.length + 1)
  }
}

/** Lines as an editor counts them: a final newline does not start another line. */
function lineCount(text: string): number {
  if (text === '') return 0
  return text.split(/\r\n|\r|\n/).length - (/(\r\n|\r|\n)$/.test(text) ? 1 : 0)
}

/** The text a position refers to: strict UTF-8 when it decodes, else what an editor would show. */
function shownText(bytes: Uint8Array): string {
  const decoded = decodeText(bytes)
  return decoded.ok ? decoded.text : new TextDecoder().decode(bytes)
}

describe('deep nesting', () => {
  const depth = 5_000

  it('reports 5,000 nested flow sequences as YAML_TOO_DEEP', () => {
    const text = `${record}  - at: 2025-03-04T10:05:00Z\n    kind: note\n    text: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
    const parsed = parseSource(utf8(text), 'deep.yaml')
    expect(parsed.data).toBeUndefined()
    expect(parsed.diagnostics.length).toBeGreaterThan(0)
    expect(parsed.diagnostics.every((d) => d.code === 'YAML_TOO_DEEP')).toBe(true)
    expectInside(parsed.diagnostics, text)
    expect(validateSource(parsed, options).diagnostics).toEqual(parsed.diagnostics)
  })

  it('reports 5,000 nested flow sequences at the top of a file as YAML_TOO_DEEP', () => {
    const text = `${'['.repeat(depth)}${']'.repeat(depth)}`
    const parsed = parseSource(utf8(text), 'deep.yaml')
    expect(parsed.diagnostics.map((d) => d.code)).toContain('YAML_TOO_DEEP')
    expect(parsed.diagnostics.every((d) => d.code === 'YAML_TOO_DEEP')).toBe(true)
    expectInside(parsed.diagnostics, text)
  })

  it('reports 5,000 nested block mappings as YAML_TOO_DEEP', () => {
    // One more space per level: 12.5 MB, so the size cap is raised to reach the parser.
    const lines = ['id: x']
    for (let i = 0; i < depth; i++) lines.push(`${' '.repeat(i)}k${i}:`)
    lines.push(`${' '.repeat(depth)}leaf`, '')
    const text = lines.join('\n')
    expect(parseSource(utf8(text), 'deep.yaml').diagnostics.map((d) => d.code)).toEqual(['FILE_TOO_LARGE'])
    const parsed = parseSource(utf8(text), 'deep.yaml', raised)
    expect(parsed.data).toBeUndefined()
    expect(parsed.diagnostics.length).toBeGreaterThan(0)
    expect(parsed.diagnostics.every((d) => d.code === 'YAML_TOO_DEEP')).toBe(true)
    expectInside(parsed.diagnostics, text)
  })

  it('reports nesting just past the limit once, at the first collection too deep', () => {
    // The root mapping is level 1, so the 32nd bracket opens level 33.
    const flow = `id: x\nnested: ${'['.repeat(40)}${']'.repeat(40)}\n`
    expect(parseSource(utf8(flow), 'deep.yaml').diagnostics).toMatchObject([
      { code: 'YAML_TOO_DEEP', line: 2, column: 'nested: '.length + 32 },
    ])
    const block = ['id: x', ...Array.from({ length: 40 }, (_, i) => `${' '.repeat(i)}k${i + 1}:`), ''].join(
      '\n',
    )
    expect(parseSource(utf8(block), 'deep.yaml').diagnostics).toMatchObject([
      { code: 'YAML_TOO_DEEP', line: 34, column: 33 },
    ])
  })

  it('accepts nesting up to the limit', () => {
    // Root mapping, timeline, event: 3 levels, then 29 brackets make 32.
    const nested = (n: number) =>
      `${record}  - at: 2025-03-04T10:05:00Z\n    kind: note\n    text: ${'['.repeat(n)}${']'.repeat(n)}\n`
    const parsed = parseSource(utf8(nested(29)), 'deep.yaml')
    expect(parsed.diagnostics).toEqual([])
    expect(validateSource(parsed, options).diagnostics.map((d) => d.code)).toEqual(['WRONG_TYPE'])
    expect(parseSource(utf8(nested(30)), 'deep.yaml').diagnostics).toMatchObject([
      { code: 'YAML_TOO_DEEP', line: 12, column: '    text: '.length + 30 },
    ])
  })
})

describe('size limits', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'postmortem-loader-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('rejects a 50 MB file at 1:1 without reading it', async () => {
    const file = join(dir, 'huge.yaml')
    await writeFile(file, Buffer.alloc(50 * 1024 * 1024, `${record}${event(0)}`))
    // Every FileHandle shares one prototype: spy on its read methods to prove the bytes are never read.
    const probe = await open(file, 'r')
    const handle = Object.getPrototypeOf(probe) as Record<'readFile' | 'read', () => unknown>
    await probe.close()
    const readFile = vi.spyOn(handle, 'readFile')
    const read = vi.spyOn(handle, 'read')

    const parsed = await readSource(file, 'huge.yaml')
    expect(parsed.diagnostics).toMatchObject([
      { code: 'FILE_TOO_LARGE', line: 1, column: 1, file: 'huge.yaml' },
    ])
    expect(parsed.diagnostics[0]!.message).toContain(String(50 * 1024 * 1024))
    expect(parsed.data).toBeUndefined()
    expect(readFile).not.toHaveBeenCalled()
    expect(read).not.toHaveBeenCalled()
  })

  it('reads a file of exactly the cap, and rejects one byte more', async () => {
    const fits = join(dir, 'fits.yaml')
    const text = `${record}${event(0)}`
    const padding = defaultLimits.maxFileBytes - utf8(text).length
    await writeFile(fits, `${text}#${'x'.repeat(padding - 2)}\n`)
    expect((await readSource(fits, 'fits.yaml')).diagnostics).toEqual([])
    const over = join(dir, 'over.yaml')
    await writeFile(over, `${text}#${'x'.repeat(padding - 1)}\n`)
    expect((await readSource(over, 'over.yaml')).diagnostics.map((d) => d.code)).toEqual(['FILE_TOO_LARGE'])
  })

  describe('a 100,000-event timeline', () => {
    const count = 100_000
    const text = `${record}${Array.from({ length: count }, (_, i) => event(i)).join('')}`
    const bytes = utf8(text)

    it('is over the default 1 MiB cap (documented limit)', () => {
      expect(bytes.length).toBeGreaterThan(defaultLimits.maxFileBytes)
      const parsed = parseSource(bytes, 'long.yaml')
      expect(parsed.diagnostics).toMatchObject([{ code: 'FILE_TOO_LARGE', line: 1, column: 1 }])
    })

    it(`parses under a 64 MiB cap and fails the ${limits.list}-item limit`, () => {
      const parsed = parseSource(bytes, 'long.yaml', raised)
      expect(parsed.diagnostics).toEqual([])
      const result = validateSource(parsed, options)
      expect(result.diagnostics).toMatchObject([
        { code: 'TOO_MANY_ITEMS', line: 10, column: 3, path: ['timeline'] },
      ])
      expect(result.diagnostics[0]!.message).toContain(String(limits.list))
      expect(result.incident).toBeUndefined()
    })
  })
})

describe('invalid UTF-8', () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)))

  it.each([
    ['a stray byte', bytes('ok: 1\nid: a', [0xff], 'b'), 2, 6],
    ['Latin-1 é after a BOM', bytes([0xef, 0xbb, 0xbf], 'id: caf', [0xe9], '\n'), 1, 8],
    ['after CRLF lines and a multi-byte character', bytes('a: 1\r\nb: 2\r\nc: né', [0xc3]), 3, 6],
    ['after an emoji (columns count UTF-16 units, like the parser)', bytes('x: 😀', [0x80]), 1, 6],
    ['an overlong encoding of `/`', bytes('x: ', [0xc0, 0xaf]), 1, 4],
    ['an encoded UTF-16 surrogate', bytes('\n\nx: ', [0xed, 0xa0, 0x80]), 3, 4],
    ['a code point past U+10FFFF', bytes('x: ', [0xf4, 0x90, 0x80, 0x80]), 1, 4],
    ['a sequence cut short by the end of the file', bytes('x: ab', [0xe2, 0x82]), 1, 6],
    ['a sequence cut short by a newline', bytes('x: ', [0xe2, 0x82], '\ny: 1'), 1, 4],
  ])('locates %s', (_name, input, line, column) => {
    expect(decodeText(input)).toEqual({ ok: false, line, column })
    expect(parseSource(input, 'bad.yaml').diagnostics).toMatchObject([{ code: 'INVALID_UTF8', line, column }])
  })

  it('agrees with the WHATWG decoder on what is valid, and finds the first bad byte', () => {
    const strict = new TextDecoder('utf-8', { fatal: true })
    const valid = (b: Uint8Array) => {
      try {
        strict.decode(b)
        return true
      } catch {
        return false
      }
    }
    // Valid text with a few arbitrary bytes spliced in.
    const input = fc
      .tuple(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })), { maxLength: 3 }),
      )
      .map(([text, splices]) => {
        let out = [...utf8(text)]
        for (const [at, b] of splices) {
          const i = at % (out.length + 1)
          out = [...out.slice(0, i), ...b, ...out.slice(i)]
        }
        return Uint8Array.from(out)
      })
    fc.assert(
      fc.property(input, (b) => {
        const result = decodeText(b)
        expect(result.ok).toBe(valid(b))
        if (result.ok) return
        // The first bad byte is where the longest valid prefix ends.
        let end = b.length
        while (!valid(b.subarray(0, end))) end--
        const before = b.subarray(0, end)
        const lineStart = before.lastIndexOf(0x0a) + 1
        const prefix = new TextDecoder().decode(before.subarray(lineStart))
        expect(result).toEqual({
          ok: false,
          line: before.filter((x) => x === 0x0a).length + 1,
          column: prefix.length + 1,
        })
      }),
      { numRuns: 500 },
    )
  })
})

describe('property: the loader never throws and every position exists', () => {
  const check = (bytes: Uint8Array) => {
    const parsed = parseSource(bytes, 'any.yaml')
    const result = validateSource(parsed, options)
    const text = shownText(bytes)
    expectInside(parsed.diagnostics, text)
    expectInside(result.diagnostics, text)
    // A record is returned only when nothing is wrong with it.
    if (result.incident) expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true)
  }

  it('for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => check(bytes)),
      { numRuns: 300 },
    )
  })

  const fragment = fc.constantFrom(
    ...[
      ...['id: ', 'title: ', 'status: draft', 'severity: SEV1', 'summary: ', 'timezone: ', 'timeline:'],
      ...['timestamps:', 'impact_started: ', 'detected: ', 'resolved: ', 'action_items:', 'at: ', 'kind: '],
      ...['2025-03-04T10:00:00Z', '2025-02-30T25:61:00+25:00', '2025-03-09T02:30:00', 'America/Los_Angeles'],
      ...[
        '\n',
        '\r\n',
        '\r',
        '  ',
        '\t',
        '- ',
        '? ',
        ': ',
        ':',
        ',',
        '[',
        ']',
        '{',
        '}',
        '#',
        '|',
        '>',
        '|2-',
      ],
      ...['"', "'", '\\', '&a ', '*a', '!!str ', '!include ', '!', '%YAML 1.1\n', '%TAG !e! tag:x,2000:\n'],
      ...[
        '---\n',
        '...\n',
        '\uFEFF',
        '__proto__: ',
        'constructor: ',
        '007',
        'yes',
        'no',
        '~',
        'null',
        '.nan',
      ],
      ...['1e400', '-0', '0x1F', '<<: ', 'human error', '@alice forgot', '😀', 'שלום', '\u0000', '\u2028'],
    ],
  )

  it('for a byte order mark followed by a second U+FEFF (found by the property below)', () => {
    check(utf8('\uFEFF\uFEFFid: '))
    check(utf8('\uFEFF\uFEFFid: x\ntitle:'))
  })

  it('for text mixed from YAML-ish fragments', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fragment, fc.string({ maxLength: 8 })), { maxLength: 80 }), (parts) =>
        check(utf8(parts.join(''))),
      ),
      { numRuns: 500 },
    )
  })

  it('for a valid record with fragments spliced in', () => {
    const base = `${record}${event(0)}`
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fragment), { minLength: 1, maxLength: 4 }), (splices) => {
        let text = base
        for (const [at, part] of splices) {
          const i = at % (text.length + 1)
          text = text.slice(0, i) + part + text.slice(i)
        }
        check(utf8(text))
      }),
      { numRuns: 500 },
    )
  })
})
