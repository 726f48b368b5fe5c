import fc from 'fast-check'
import type { Nodes, Root } from 'mdast'
import { describe, expect, it } from 'vitest'
import { syntheticRecord } from '../bench/generate.js'
import { parseDocument } from 'yaml'
import { remarkProse } from '../src/render/markdown.js'
import { simpleProse } from '../src/render/simple-prose.js'

// `simpleProse` must build exactly remark's tree (positions aside) for every text it takes.

function withoutPositions(node: Nodes): unknown {
  const { position: _, ...rest } = node as Nodes & { position?: unknown }
  return 'children' in rest ? { ...rest, children: (rest.children as Nodes[]).map(withoutPositions) } : rest
}

function sameAsRemark(text: string): boolean {
  const simple = simpleProse(text)
  if (simple !== undefined) expect(simple, JSON.stringify(text)).toEqual(withoutPositions(remarkProse(text)))
  return simple !== undefined
}

const pieces = [
  ...[
    'Word',
    'a',
    'é',
    'Z9',
    ' ',
    '  ',
    '.',
    ',',
    ';',
    ':',
    '/',
    '(',
    ')',
    '"',
    "'",
    '-',
    '+',
    '=',
    '#',
    '%',
    '$',
  ],
  ...['**bold**', '**two words**', '**x**', '`code`', '`a b`', '`x*y`', '`**`', '` a`', '`a `', '``', '`'],
  ...[
    '*',
    '**',
    '***x***',
    '** x**',
    '**x **',
    '**é**',
    '**1**',
    '_x_',
    '~',
    '~~x~~',
    '\\',
    '\\*',
    '<b>',
    '&amp;',
  ],
  ...[
    '[x](y)',
    '[x]',
    '!',
    '@a',
    'www.x.y',
    'http://x',
    'https://x',
    'mailto:a',
    '|',
    '\n',
    '\n\n',
    '\n\n\n',
  ],
  ...[
    '\n1. ',
    '\n- ',
    '\n# ',
    '\n> ',
    '\n  ',
    '\n===',
    '\n---',
    ' \n',
    '  \n',
    '\t',
    '\r\n',
    '\u00a0',
    '\u0301',
  ],
  ...['\u0000', '\u2028', '1.', '2)', '12'],
  ...[
    '|',
    '| a |',
    '|---|',
    '|:--|',
    '|--:|',
    '|:-:|',
    '| - |',
    '\n| A | B |\n|---|---|\n',
    '| `a|b` |',
    '\\|',
  ],
]

// Mostly the pieces it takes, and the near misses between them.
const simplePieces = [
  'Word',
  'é',
  ' ',
  '.',
  ',',
  ':',
  '-',
  '(',
  ')',
  '**bold**',
  '`code`',
  '`a*b`',
  '\n',
  '\n\n',
  '**',
  '`',
]
// Tables: a header, a delimiter row, body rows; cells of simple pieces or near misses.
const cellPieces = [
  ' ',
  '  ',
  'a',
  '12',
  '**b**',
  '`c`',
  '`a b`',
  '-',
  ':',
  '',
  '*',
  '\\|',
  '<',
  '\u00a0',
  '#',
  '1.',
]
const cell = fc.array(fc.constantFrom(...cellPieces), { maxLength: 4 }).map((p) => p.join(''))
const delimiterCell = fc.constantFrom('---', ':--', '--:', ':-:', ' --- ', '-', '', ':', '- -')
const table = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean())
  .chain(([width, rows, ragged]) =>
    fc.tuple(
      fc.array(cell, { minLength: width, maxLength: width }),
      fc.array(delimiterCell, { minLength: width, maxLength: width }),
      fc.array(fc.array(cell, { minLength: ragged ? 1 : width, maxLength: ragged ? 4 : width }), {
        maxLength: rows,
      }),
    ),
  )
  .map(([header, delimiters, body]) =>
    [header, delimiters, ...body].map((row) => `|${row.join('|')}|`).join('\n'),
  )
const prose = fc.oneof(
  fc
    .tuple(fc.array(fc.constantFrom(...simplePieces), { maxLength: 6 }), table)
    .map(([p, t]) => (p.length > 0 ? ['Start', ...p, '\n\n', t] : [t])),
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 14 }),
  fc.array(fc.constantFrom(...simplePieces), { minLength: 1, maxLength: 14 }).map((p) => ['Start', ...p]),
)

describe('simple prose without micromark', () => {
  it('builds what remark builds, or leaves the text to remark', () => {
    let taken = 0
    fc.assert(
      fc.property(prose, (parts) => {
        if (sameAsRemark(parts.join(''))) taken += 1
      }),
      { numRuns: 4000, seed: 11 },
    )
    expect(taken).toBeGreaterThan(500)
  })

  it('takes the prose of synthetic records, tables too, as remark reads it', () => {
    const texts: string[] = []
    for (let i = 0; i < 20; i++) {
      const record = parseDocument(syntheticRecord(i, 5).text).toJS() as Record<string, unknown>
      JSON.stringify(record, (_, value: unknown) => {
        if (typeof value === 'string' && /[a-z] [a-z]/.test(value)) texts.push(value)
        return value
      })
    }
    const taken = texts.filter((text) => sameAsRemark(text))
    expect(taken.length).toBeGreaterThan(texts.length / 2)
    const tables = texts.filter((t) => t.includes('\n|'))
    expect(tables.length).toBeGreaterThan(10)
    expect(tables.filter((t) => simpleProse(t) !== undefined).length).toBe(tables.length)
  })

  it('reads paragraphs, soft line breaks, code and strong words', () => {
    const tree: Root | undefined = simpleProse('First **line** of `text`\nwrapped.\n\nSecond.\n')
    expect(tree).toEqual({
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'First ' },
            { type: 'strong', children: [{ type: 'text', value: 'line' }] },
            { type: 'text', value: ' of ' },
            { type: 'inlineCode', value: 'text' },
            { type: 'text', value: '\nwrapped.' },
          ],
        },
        { type: 'paragraph', children: [{ type: 'text', value: 'Second.' }] },
      ],
    })
    for (const other of ['- item', '1. item', 'a *em*', '`a``b`', '**a****b**', 'a  \nb', 'see www.x.org'])
      expect(simpleProse(other), other).toBeUndefined()
  })
})
