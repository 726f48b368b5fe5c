import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { EditError, editRecordText } from '../src/load/edit-record.js'
import type { RecordEdit } from '../src/load/edit-record.js'

const insert = (path: Array<string | number>, items: unknown[]): RecordEdit => ({ op: 'insert', path, items })
const event = (at: string, text: string) => ({ at, kind: 'note', text })

const base = `id: x
timeline:
  # Times are UTC.
  - at: 2025-03-01T10:00:00Z
    kind: trigger
    text: Config push   # from the deploy log

  # The page.
  - at: 2025-03-01T10:04:00Z
    kind: detect
    text: Alert fired.
end: true # last
`

describe('editRecordText: inserting sequence items', () => {
  it('inserts before an item, above the comment lines that lead into it', () => {
    const { text } = editRecordText(base, [insert(['timeline', 1], [event('2025-03-01T10:02:00Z', 'A')])])
    expect(text).toBe(
      base.replace(
        '  # The page.\n',
        '  - at: 2025-03-01T10:02:00Z\n    kind: note\n    text: A\n  # The page.\n',
      ),
    )
  })

  it('inserts at the start (below a comment on the list) and at the end', () => {
    const { text } = editRecordText(base, [
      insert(['timeline', 0], [event('2025-03-01T09:00:00Z', 'first')]),
      insert(
        ['timeline', 3],
        [event('2025-03-01T11:00:00Z', 'last'), event('2025-03-01T11:00:00Z', 'last 2')],
      ),
    ])
    expect(text).toBe(
      base
        .replace(
          '  # Times are UTC.\n',
          '  # Times are UTC.\n  - at: 2025-03-01T09:00:00Z\n    kind: note\n    text: first\n',
        )
        .replace(
          '    text: Alert fired.\n',
          '    text: Alert fired.\n  - at: 2025-03-01T11:00:00Z\n    kind: note\n    text: last\n  - at: 2025-03-01T11:00:00Z\n    kind: note\n    text: last 2\n',
        ),
    )
  })

  it('applies several insertions in order: each index counts the items inserted before it', () => {
    const edits = [
      insert(['timeline', 1], [event('2025-03-01T10:01:00Z', 'one')]),
      insert(['timeline', 2], [event('2025-03-01T10:02:00Z', 'two')]),
      insert(['timeline', 4], [event('2025-03-01T10:05:00Z', 'three')]),
    ]
    const { text } = editRecordText(base, edits)
    const data = parse(text) as { timeline: Array<{ text: string }> }
    expect(data.timeline.map((e) => e.text)).toEqual(['Config push', 'one', 'two', 'Alert fired.', 'three'])
    // Every original line is still there, in order.
    const lines = text.split('\n')
    let i = 0
    for (const line of base.split('\n')) i = lines.indexOf(line, i) + 1
    expect(i).toBeGreaterThan(0)
  })

  it('keeps CRLF line endings and works in flow sequences and empty lists', () => {
    const crlf = base.replace(/\n/g, '\r\n')
    const out = editRecordText(crlf, [insert(['timeline', 1], [event('2025-03-01T10:02:00Z', 'A')])]).text
    expect(out).toBe(
      crlf.replace(
        '  # The page.\r\n',
        '  - at: 2025-03-01T10:02:00Z\r\n    kind: note\r\n    text: A\r\n  # The page.\r\n',
      ),
    )
    expect(editRecordText('id: x\ntags: [a, c]\n', [insert(['tags', 1], ['b'])]).text).toBe(
      'id: x\ntags: [a, b, c]\n',
    )
    expect(editRecordText('id: x\ntimeline: []\n', [insert(['timeline', 0], [event('t', 'A')])]).text).toBe(
      'id: x\ntimeline:\n  - at: t\n    kind: note\n    text: A\n',
    )
  })

  it('inserts into the example record without changing any other byte', async () => {
    const text = await readFile(
      new URL('../incidents/2025-01-22-connection-pool-exhaustion.yaml', import.meta.url),
      'utf8',
    )
    const item = { at: '2025-01-22T12:10:00-08:00', kind: 'note', text: 'Imported.' }
    const out = editRecordText(text, [insert(['timeline', 3], [item])]).text
    const at = text.indexOf('  - at: 2025-01-22T12:15:00-08:00\n')
    expect(out.slice(0, at)).toBe(text.slice(0, at))
    expect(out.slice(at)).toBe(
      `  - at: 2025-01-22T12:10:00-08:00\n    kind: note\n    text: Imported.\n${text.slice(at)}`,
    )
  })

  it('refuses indexes past the end and paths that are not lists', () => {
    expect(() => editRecordText(base, [insert(['timeline', 3], [1])])).toThrow(/the list has 2 items/)
    expect(() => editRecordText(base, [insert(['end', 0], [1])])).toThrow(EditError)
    expect(() => editRecordText(base, [insert(['id', 0], [1])])).toThrow(/not a mapping or list/)
  })
})
