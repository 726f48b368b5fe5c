import { createHash } from 'node:crypto'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isSeq, parse, parseDocument } from 'yaml'
import type { YAMLSeq } from 'yaml'
import { EditConflictError, EditError, editRecordText, writeRecordEdits } from '../src/load/edit-record.js'
import type { RecordEdit } from '../src/load/edit-record.js'
import { PostmortemError } from '../src/errors.js'
import { parseSource } from '../src/load/parse-source.js'

const fixtures = new URL('./fixtures/edit/', import.meta.url)
const fixture = (name: string) => readFile(new URL(name, fixtures), 'utf8')

const issue = (number: number, state = 'open') => ({
  number,
  url: `https://github.com/o/r/issues/${number}`,
  state,
  synced_at: '2026-12-04T10:00:00Z',
})

const set = (path: Array<string | number>, value: unknown): RecordEdit => ({ op: 'set', path, value })
const append = (path: Array<string | number>, items: unknown[]): RecordEdit => ({ op: 'append', path, items })

/** Edits text and checks the result against the original data with the edits applied. */
function edit(text: string, edits: RecordEdit[]): string {
  const result = editRecordText(text, edits)
  expect(result.changed).toBe(result.text !== text)
  return result.text
}

const base = `id: 2025-01-22-example
title: Example
action_items:
  - id: AI-1
    title: Raise the pool size
    owner: "@aokafor"
    status: done
  - id: AI-2
    title: 'Alert on pool utilisation'
    status: open # waiting for the new dashboards
  - { id: AI-3, title: Circuit breaker, status: open }
  - id: AI-4
    title: Chaos tests
    status: in_progress
    issue:
      number: 12
      url: https://github.com/o/r/issues/12
      state: open
      synced_at: "2026-11-01T08:00:00Z"
timeline:
  - at: 2025-01-22T12:03:00-08:00
    kind: detect
    text: Latency alert fired
`

describe('editRecordText: typical edits', () => {
  it('adds `issue` to a block-mapping item as a nested block mapping after its last key', () => {
    expect(edit(base, [set(['action_items', 1, 'issue'], issue(42))])).toBe(
      base.replace(
        '    status: open # waiting for the new dashboards\n',
        `    status: open # waiting for the new dashboards
    issue:
      number: 42
      url: https://github.com/o/r/issues/42
      state: open
      synced_at: 2026-12-04T10:00:00Z
`,
      ),
    )
  })

  it('adds `issue` to a flow-mapping item inside the same flow mapping', () => {
    expect(edit(base, [set(['action_items', 2, 'issue'], issue(43))])).toBe(
      base.replace(
        '  - { id: AI-3, title: Circuit breaker, status: open }\n',
        '  - { id: AI-3, title: Circuit breaker, status: open, issue: { number: 43, url: https://github.com/o/r/issues/43, state: open, synced_at: 2026-12-04T10:00:00Z } }\n',
      ),
    )
  })

  it('updates an existing `issue` scalar by scalar, keeping each one’s quoting', () => {
    expect(
      edit(base, [
        set(['action_items', 3, 'issue'], { ...issue(12, 'closed'), synced_at: '2026-12-04T10:00:00Z' }),
      ]),
    ).toBe(
      base
        .replace('      state: open\n', '      state: closed\n')
        .replace('"2026-11-01T08:00:00Z"', '"2026-12-04T10:00:00Z"'),
    )
  })

  it('replaces a scalar in place, keeping its quoting style and trailing comment', () => {
    const text = edit(base, [
      set(['action_items', 1, 'status'], 'done'),
      set(['action_items', 1, 'title'], "Alert on the pool's utilisation"),
      set(['action_items', 0, 'owner'], '@dkowalski'),
      set(['action_items', 2, 'status'], 'done'),
    ])
    expect(text).toBe(
      base
        .replace('status: open # waiting', 'status: done # waiting')
        .replace("title: 'Alert on pool utilisation'", "title: 'Alert on the pool''s utilisation'")
        .replace('owner: "@aokafor"', 'owner: "@dkowalski"')
        .replace('Circuit breaker, status: open }', 'Circuit breaker, status: done }'),
    )
  })

  it('appends timeline events as a block sequence, with multi-line text as a literal block', () => {
    const events = [
      { at: '2025-01-22T12:47:00-08:00', kind: 'communicate', text: 'Status page: investigating.' },
      {
        at: '2025-01-22T13:15:00-08:00',
        kind: 'diagnose',
        text: 'Pool at 99 %.\nRoot cause: pool exhaustion.\n',
        actor: '@mchen',
        source: { title: 'Slack', url: 'https://example.slack.com/archives/C1/p1' },
      },
    ]
    expect(edit(base, [append(['timeline'], events)])).toBe(`${base}  - at: 2025-01-22T12:47:00-08:00
    kind: communicate
    text: "Status page: investigating."
  - at: 2025-01-22T13:15:00-08:00
    kind: diagnose
    text: |
      Pool at 99 %.
      Root cause: pool exhaustion.
    actor: "@mchen"
    source:
      title: Slack
      url: https://example.slack.com/archives/C1/p1
`)
  })

  it('creates an absent list as a block sequence after the mapping’s last key', () => {
    const text = 'id: x\ntitle: Example # t\n'
    expect(edit(text, [append(['links'], [{ title: 'Doc', url: 'https://x.test/a' }])])).toBe(
      `${text}links:\n  - title: Doc\n    url: https://x.test/a\n`,
    )
  })

  it('edits many items in one pass', () => {
    const text = edit(base, [
      set(['action_items', 0, 'issue'], issue(1, 'closed')),
      set(['action_items', 1, 'issue'], issue(2)),
      set(['action_items', 2, 'issue'], issue(3)),
      set(['action_items', 3, 'issue'], issue(12)),
      set(['action_items', 1, 'status'], 'in_progress'),
    ])
    const data = parse(text) as { action_items: Array<{ issue: unknown; status: string }> }
    expect(data.action_items.map((a) => a.issue)).toEqual([issue(1, 'closed'), issue(2), issue(3), issue(12)])
    expect(data.action_items[1]!.status).toBe('in_progress')
  })
})

describe('editRecordText: preserving the rest of the file', () => {
  it('leaves every comment, blank line and quoting style of a comment-heavy record alone', async () => {
    const text = edit(await fixture('commented.yaml'), [
      set(['action_items', 0, 'issue'], { ...issue(41), url: 'https://github.com/acme/shop/issues/41' }),
      set(['action_items', 1, 'issue'], { ...issue(42), url: 'https://github.com/acme/shop/issues/42' }),
      set(['action_items', 2, 'issue'], {
        ...issue(7, 'closed'),
        url: 'https://github.com/acme/shop/issues/7',
      }),
      set(['action_items', 3, 'status'], 'done'),
      append(
        ['timeline'],
        [
          {
            at: '2025-03-01T10:20:00Z',
            kind: 'communicate',
            text: 'Status page: investigating.\nNext update in 30 minutes.',
            actor: '@statuspage',
            source: { title: 'Status page', url: 'https://status.example.com/incidents/1' },
          },
        ],
      ),
    ])
    expect(text).toBe(await fixture('commented.expected.yaml'))
  })

  it('follows the file’s indentation: four spaces, unindented sequences, no final newline', () => {
    const text = 'id: x\nimpact:\n    summary: s\naction_items:\n-   id: AI-1\n    status: open'
    expect(edit(text, [set(['action_items', 0, 'issue'], issue(5))])).toBe(
      `${text}\n    issue:\n        number: 5\n        url: https://github.com/o/r/issues/5\n        state: open\n        synced_at: 2026-12-04T10:00:00Z`,
    )
  })

  it('keeps a note on the key’s line when a value changes shape', () => {
    expect(edit('id: x\nissue: # synced\n  number: 1\n  old: 2\n', [set(['issue'], 5)])).toBe(
      'id: x\nissue: 5 # synced\n',
    )
    expect(edit('id: x\nservices: [] # service ids\n', [append(['services'], ['api', 'web'])])).toBe(
      'id: x\nservices: # service ids\n  - api\n  - web\n',
    )
    expect(edit('id: x\nnote: short # why\n', [set(['note'], 'two\nlines')])).toBe(
      'id: x\nnote: |- # why\n  two\n  lines\n',
    )
    expect(edit('id: x\nacknowledged: # fill in\nnext: 1\n', [set(['acknowledged'], 'now')])).toBe(
      'id: x\nacknowledged: now # fill in\nnext: 1\n',
    )
  })

  it('fills an empty key and an empty flow mapping', () => {
    expect(edit('id: x\ntimeline:\n', [append(['timeline'], [{ at: 't', kind: 'note' }])])).toBe(
      'id: x\ntimeline:\n  - at: t\n    kind: note\n',
    )
    expect(edit('id: x\nissue: {}\n', [set(['issue', 'number'], 3)])).toBe('id: x\nissue: { number: 3 }\n')
  })

  it('rewrites only the edited value when keys go away or the type changes', () => {
    const text = 'id: x # i\nissue:\n  number: 1\n  extra: true\nafter: 1 # a\n'
    expect(edit(text, [set(['issue'], { number: 2 })])).toBe('id: x # i\nissue:\n  number: 2\nafter: 1 # a\n')
    expect(edit(text, [set(['after'], ['a', 'b'])])).toBe(
      'id: x # i\nissue:\n  number: 1\n  extra: true\nafter: # a\n  - a\n  - b\n',
    )
  })

  it('quotes generated strings that would otherwise read as another type', () => {
    const text = edit('id: x\n', [set(['v'], { a: 'true', b: '42', c: '@me', d: '', e: 'a: b', f: '#x' })])
    expect(text).toBe('id: x\nv:\n  a: "true"\n  b: "42"\n  c: "@me"\n  d: ""\n  e: "a: b"\n  f: "#x"\n')
  })

  it('writes text as double-quoted where a literal block would not read back the same', () => {
    // `|+` would take the blank line after it; an indented comment below would become block text;
    // yaml's indentation indicator (`|2`) is wrong for a four-space file.
    expect(edit('id: x\nmeta:\n  a: 1\n\nb: 2\n', [set(['meta', 'c'], 'x\n\n')])).toBe(
      'id: x\nmeta:\n  a: 1\n  c: "x\\n\\n"\n\nb: 2\n',
    )
    expect(edit('id: x\nlist:\n  - a\n    # note\n', [set(['list', 0], 'x\ny')])).toBe(
      'id: x\nlist:\n  - "x\\ny"\n    # note\n',
    )
    expect(edit('id: x\nm:\n    a: 1\n', [set(['m', 'b'], ' x\ny')])).toBe(
      'id: x\nm:\n    a: 1\n    b: " x\\ny"\n',
    )
    const odd = { a: '\u2028x', b: '\uFEFF', c: 'x\u2029\ny' }
    expect(parse(edit('id: x\nm:\n  - a\n', [set(['m', 0], odd)]))).toEqual({ id: 'x', m: [odd] })
  })

  it('adds several keys to one item, and nested keys that end where their parent ends', () => {
    const text = edit(base, [
      set(['action_items', 0, 'issue'], issue(1)),
      set(['action_items', 0, 'not_doing_reason'], 'Superseded'),
      set(['action_items', 3, 'issue', 'labels'], ['a']),
      set(['action_items', 3, 'note'], 'n'),
    ])
    expect(text).toBe(
      base
        .replace(
          '    status: done\n',
          '    status: done\n    issue:\n      number: 1\n      url: https://github.com/o/r/issues/1\n      state: open\n      synced_at: 2026-12-04T10:00:00Z\n    not_doing_reason: Superseded\n',
        )
        .replace(
          '      synced_at: "2026-11-01T08:00:00Z"\n',
          '      synced_at: "2026-11-01T08:00:00Z"\n      labels:\n        - a\n    note: n\n',
        ),
    )
  })

  it('is idempotent: the same edit twice changes nothing the second time', () => {
    const edits = [set(['action_items', 1, 'issue'], issue(42)), set(['action_items', 2, 'status'], 'done')]
    const once = editRecordText(base, edits)
    expect(once.changed).toBe(true)
    expect(editRecordText(once.text, edits)).toEqual({ text: once.text, changed: false })
    expect(editRecordText(base, [])).toEqual({ text: base, changed: false })
  })

  it('applies an edit inside a value an earlier edit created', () => {
    const text = edit(base, [
      set(['action_items', 0, 'issue'], issue(9)),
      set(['action_items', 0, 'issue', 'state'], 'closed'),
    ])
    expect((parse(text) as { action_items: Array<{ issue: unknown }> }).action_items[0]!.issue).toEqual(
      issue(9, 'closed'),
    )
  })
})

describe('editRecordText: refusals', () => {
  const refuses = (text: string, edits: RecordEdit[], message: RegExp) => {
    let error: unknown
    try {
      editRecordText(text, edits)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(EditError)
    expect(error).toBeInstanceOf(PostmortemError)
    expect((error as Error).message).toMatch(message)
  }

  it('refuses paths that are not in the record', () => {
    refuses(
      base,
      [set(['action_items', 9, 'issue'], 1)],
      /`action_items\[9\]` is not in the record \(the list has 4/,
    )
    refuses(base, [set(['people', 'owner'], 'x')], /`people` is not in the record/)
    refuses(base, [set(['title', 'x'], 1)], /`title` is not a mapping or list/)
    refuses(base, [set(['action_items', 'x'], 1)], /`action_items` is not a mapping/)
    refuses(base, [append(['title'], [1])], /`title` is not a list/)
    refuses(base, [set([], 1)], /empty path/)
  })

  it('refuses anchors, aliases, tags, directives and invalid YAML', () => {
    refuses('id: x\na: &n 1\nb: *n\n', [set(['c'], 1)], /anchors, aliases or tags/)
    refuses('id: x\na: !!str 1\n', [set(['c'], 1)], /anchors, aliases or tags/)
    refuses('%YAML 1.1\n---\nid: x\n', [set(['c'], 1)], /directive/)
    refuses('id: x\nid: y\n', [set(['c'], 1)], /not valid YAML/)
    refuses('- a\n', [set(['c'], 1)], /top of the record must be a mapping/)
  })

  it('refuses values that are not plain data', () => {
    refuses(base, [set(['x'], new Date(0))], /use strings, finite numbers/)
    refuses(base, [set(['x'], Number.NaN)], /use strings, finite numbers/)
    refuses(base, [set(['x'], undefined)], /use strings, finite numbers/)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    refuses(base, [set(['x'], cycle)], /circular/)
  })

  it('refuses explicit keys it cannot splice safely', () => {
    refuses('id: x\n? a\n', [set(['a'], { b: 1 })], /explicit `\? key`/)
  })
})

describe('writeRecordEdits', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'postmortem-edit-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps a BOM and CRLF line endings byte for byte', async () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n')
    const file = join(dir, 'crlf.yaml')
    const before = Buffer.from(`\uFEFF${crlf(base)}`, 'utf8')
    await writeFile(file, before)
    const changed = await writeRecordEdits(file, before, [
      set(['action_items', 1, 'issue'], issue(42)),
      set(['action_items', 0, 'title'], 'Raise the pool size\nby 50 %'),
    ])
    expect(changed).toBe(true)
    const expected = base
      .replace(
        '    status: open # waiting for the new dashboards\n',
        '    status: open # waiting for the new dashboards\n    issue:\n      number: 42\n      url: https://github.com/o/r/issues/42\n      state: open\n      synced_at: 2026-12-04T10:00:00Z\n',
      )
      .replace('title: Raise the pool size\n', 'title: |-\n      Raise the pool size\n      by 50 %\n')
    const after = await readFile(file)
    expect(after).toEqual(Buffer.from(`\uFEFF${crlf(expected)}`, 'utf8'))
    expect(parseSource(after, 'crlf.yaml').diagnostics).toEqual([])
  })

  it('does not write when nothing changes, and keeps the file mode when it does', async () => {
    const file = join(dir, 'same.yaml')
    await writeFile(file, base)
    await chmod(file, 0o640)
    const bytes = await readFile(file)
    const { mtimeMs } = await stat(file)
    expect(await writeRecordEdits(file, bytes, [set(['action_items', 0, 'status'], 'done')])).toBe(false)
    expect((await stat(file)).mtimeMs).toBe(mtimeMs)
    expect(await writeRecordEdits(file, bytes, [set(['action_items', 0, 'status'], 'open')])).toBe(true)
    expect((await stat(file)).mode & 0o777).toBe(0o640)
  })

  it('refuses to write over a file that changed since it was read, leaving it untouched', async () => {
    const file = join(dir, 'conflict.yaml')
    await writeFile(file, base)
    const bytes = await readFile(file)
    const edited = base.replace('title: Example', 'title: Edited by hand')
    await writeFile(file, edited)
    await expect(
      writeRecordEdits(file, bytes, [set(['action_items', 1, 'issue'], issue(1))]),
    ).rejects.toThrow(EditConflictError)
    expect(await readFile(file, 'utf8')).toBe(edited)
    await rm(file)
    await expect(writeRecordEdits(file, bytes, [set(['title'], 'x')])).rejects.toThrow(/was removed/)
  })

  it('checks the file against the SHA-256 of the bytes read, when given that instead of them', async () => {
    const file = join(dir, 'hashed.yaml')
    await writeFile(file, base)
    const sha256 = createHash('sha256')
      .update(await readFile(file))
      .digest('hex')
    expect(await writeRecordEdits(file, { sha256 }, [set(['action_items', 0, 'status'], 'open')])).toBe(true)
    const now = await readFile(file)
    expect(now.toString('utf8')).not.toBe(base)
    // The file now holds other bytes than those hashed: refused, and left as it is.
    await expect(
      writeRecordEdits(file, { sha256 }, [set(['action_items', 0, 'status'], 'done')]),
    ).rejects.toThrow(EditConflictError)
    expect(await readFile(file)).toEqual(now)
  })

  it('leaves the file untouched when an edit is refused', async () => {
    const file = join(dir, 'refused.yaml')
    await writeFile(file, base)
    const bytes = await readFile(file)
    await expect(writeRecordEdits(file, bytes, [set(['nope', 'x'], 1)])).rejects.toThrow(EditError)
    expect(await readFile(file)).toEqual(bytes)
  })
})

describe('editRecordText: properties', () => {
  const bases = [
    base,
    base.replace(/\n/g, '\r\n'),
    `id: four
action_items:
-   id: AI-1   # first
    status: open

    # a note between items
-   { id: AI-2, status: 'open' }
-   id: AI-3
    description: |
        Multi-line
        text.
-   id: AI-4
    issue: { number: 1, state: open }
end: true`,
  ]
  const specials = fc.constantFrom(
    '@handle',
    'https://github.com/o/r/issues/1',
    '2026-12-04T10:00:00Z',
    'true',
    '42',
    '',
    ' lead',
    'trail ',
    'a: b',
    '# c',
    'x\ny',
    ' x\n  y\n',
    'x\n\n',
    '\n',
    '- a',
    '{a}',
    "it's",
    '"q"',
    'tab\there',
    'cr\r\nlf',
    '---',
    '...',
  )
  const scalar = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    specials,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  )
  const key = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('number', 'url', 'state', 'synced_at'))
  const value = fc.oneof(
    scalar,
    fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar)), {
      maxKeys: 5,
    }),
  )
  const target = fc.constantFrom('issue', 'status', 'id', 'new_key')

  it('changes only the lines of the edited item, and the result reads back as expected', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.nat(3), target, value, value, (text, index, name, v1, v2) => {
        const path = ['action_items', index, name]
        for (const v of [v1, v2]) {
          const { text: out } = editRecordText(text, [set(path, v)])
          const data = parse(text) as { action_items: Array<Record<string, unknown>> }
          data.action_items[index]![name] = v
          expect(parse(out)).toEqual(JSON.parse(JSON.stringify(data)))
          const [first, last] = itemLines(text, index)
          const [before, after] = [text.split('\n'), out.split('\n')]
          expect(after.slice(0, first)).toEqual(before.slice(0, first))
          expect(after.slice(after.length - (before.length - last))).toEqual(before.slice(last))
          text = out
        }
      }),
      { numRuns: 400 },
    )
  })
})

/** The 0-based line range [first, end) of `action_items[index]`, up to the next item (or list end). */
function itemLines(text: string, index: number): [number, number] {
  const doc = parseDocument(text)
  const items = doc.get('action_items', true) as YAMLSeq
  expect(isSeq(items)).toBe(true)
  const line = (offset: number) => text.slice(0, offset).split('\n').length - 1
  const start = line((items.items[index] as { range: number[] }).range[0]!)
  const next = items.items[index + 1] as { range: number[] } | undefined
  return [start, next ? line(next.range[0]!) : line(items.range![1]) + 1]
}

describe('editRecordText: large records', () => {
  it('edits a record with 1,000 action items in one pass', () => {
    const items = Array.from(
      { length: 1000 },
      (_, i) => `  - id: AI-${i + 1}\n    title: Item ${i + 1}\n    status: open # s\n`,
    )
    const text = `id: big\naction_items:\n${items.join('')}`
    const edits = items.map((_, i) => set(['action_items', i, 'issue'], issue(i + 1)))
    const out = editRecordText(text, [...edits, set(['action_items', 999, 'status'], 'done')]).text
    const data = parse(out) as { action_items: Array<{ issue: unknown; status: string }> }
    expect(data.action_items.map((a) => a.issue)).toEqual(items.map((_, i) => issue(i + 1)))
    expect(data.action_items[999]!.status).toBe('done')
    expect(out.split('\n')).toHaveLength(text.split('\n').length + 5000)
  })
})
