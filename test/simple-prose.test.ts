import fc from 'fast-check'
import type { Nodes, Root } from 'mdast'
import { describe, expect, it } from 'vitest'
import { syntheticProse } from './helpers/prose-arbitrary.js'
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
  ...['*em*', '*two words*', '*x', 'x*', '*é*', '* x*', '*x *', '_x_'],
  ...[
    '[link](https://a.b/c)',
    '[two words](http://x.y/z?q=1#f)',
    '[x](https://a.b/(c))',
    '[x](https://a.b/c "t")',
    '[x](<https://a.b>)',
    '[x](https://a.b/%20)',
    '[x](https://a.b/é)',
    '[x][y]',
    '[x]: https://a.b',
    '](',
    '(https://a.b)',
  ],
  ...['- ', '\n- ', '- a\n- b', '\n\n- a', '+ ', '* ', '-  ', '- [ ] '],
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

// Mostly the pieces it takes (twice, so they are picked more often), and the near misses between them.
const takenPieces = [
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
  '*em*',
  '*two words*',
  '[link](https://a.b/c)',
  '[a b](http://x.y/z-1#q)',
  '\n',
]
const simplePieces = [
  ...takenPieces,
  ...takenPieces,
  '\n\n',
  '**',
  '`',
  '*',
  '[',
  ']',
  '(https://x.y)',
  'www',
  '\n- ',
  '- ',
  '\n\n- ',
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
// Lists: lines of `- ` and simple pieces (or near misses), with blank lines and paragraphs between.
const listLine = fc
  .tuple(
    fc.constantFrom('- ', '- ', '- ', '- ', '- ', '-  ', '* ', '', '1. '),
    fc.constantFrom('Word', 'é', '**bold**', '`code`', '*em*', 'A ', '.', '[x](https://a.b)'),
    fc.array(fc.constantFrom(...takenPieces.filter((p) => p !== '\n'), '*', '[', ' \n', '\n  ', '\nText'), {
      maxLength: 4,
    }),
  )
  .map(([marker, start, p]) => marker + start + p.join(''))
const list = fc
  .array(fc.tuple(listLine, fc.constantFrom('\n', '\n', '\n', '\n', '\n', '\n\n', '\n\nText.\n\n')), {
    minLength: 1,
    maxLength: 5,
  })
  .map((lines) => lines.flat().slice(0, -1))
const prose = fc.oneof(
  list,
  fc.array(listLine, { minLength: 2, maxLength: 4 }).map((lines) => [lines.join('\n')]),
  fc
    .tuple(fc.array(fc.constantFrom(...simplePieces), { maxLength: 6 }), list)
    .map(([p, l]) => ['Start', ...p, '\n\n', ...l]),
  fc
    .tuple(fc.array(fc.constantFrom(...simplePieces), { maxLength: 6 }), table)
    .map(([p, t]) => (p.length > 0 ? ['Start', ...p, '\n\n', t] : [t])),
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 14 }),
  fc.array(fc.constantFrom(...simplePieces), { minLength: 1, maxLength: 14 }).map((p) => ['Start', ...p]),
)

describe('simple prose without micromark', () => {
  it('builds what remark builds, or leaves the text to remark', () => {
    let taken = 0
    const kinds = new Map<string, number>()
    fc.assert(
      fc.property(prose, (parts) => {
        const text = parts.join('')
        if (!sameAsRemark(text)) return
        taken += 1
        JSON.stringify(simpleProse(text), (key, value: unknown) => {
          if (key === 'type') kinds.set(value as string, (kinds.get(value as string) ?? 0) + 1)
          return value
        })
      }),
      { numRuns: 6000, seed: 11 },
    )
    expect(taken).toBeGreaterThan(500)
    // Every kind of node it builds was compared, many times.
    for (const kind of ['strong', 'emphasis', 'inlineCode', 'link', 'list', 'listItem', 'table'])
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(50)
  })

  it('takes the prose of synthetic records, tables too, as remark reads it', () => {
    const texts = syntheticProse(20, 5)
    const taken = texts.filter((text) => sameAsRemark(text))
    expect(taken.length).toBeGreaterThan(texts.length / 2)
    // Tables, links and lists as the generator writes them are all taken.
    for (const shape of ['\n|', '](', '\n- ']) {
      const shaped = texts.filter((t) => t.includes(shape))
      expect(shaped.length).toBeGreaterThan(10)
      expect(shaped.filter((t) => simpleProse(t) !== undefined)).toEqual(shaped)
    }
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
    for (const other of [
      '* item',
      '1. item',
      '- [ ] task',
      '- a\n\n- b',
      'a _em_',
      '*a***b**',
      '[x](y)',
      '![x](https://a.b)',
      '`a``b`',
      '**a****b**',
      'a  \nb',
      'see www.x.org',
    ])
      expect(simpleProse(other), other).toBeUndefined()
  })

  it('reads *emphasis*, links and tight lists', () => {
    expect(simpleProse('A *b* [c d](https://e.f/g#h).\n\n- One\n- `two`\n')).toEqual({
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'A ' },
            { type: 'emphasis', children: [{ type: 'text', value: 'b' }] },
            { type: 'text', value: ' ' },
            { type: 'link', title: null, url: 'https://e.f/g#h', children: [{ type: 'text', value: 'c d' }] },
            { type: 'text', value: '.' },
          ],
        },
        {
          type: 'list',
          ordered: false,
          start: null,
          spread: false,
          children: [
            { type: 'text', value: 'One' },
            { type: 'inlineCode', value: 'two' },
          ].map((child) => ({
            type: 'listItem',
            spread: false,
            checked: null,
            children: [{ type: 'paragraph', children: [child] }],
          })),
        },
      ],
    })
  })
})
