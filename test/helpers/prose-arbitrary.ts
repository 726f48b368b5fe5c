// Prose for differential tests of the fast readers and writers: paragraphs, lists and tables of the
// pieces they take, and the near misses between them (odd emphasis, links they leave alone, escapes).
import fc from 'fast-check'
import { parseDocument } from 'yaml'
import { syntheticRecord } from '../../bench/generate.js'

/** Every prose-like string (two words or more) of the first `count` synthetic records of a seed. */
export function syntheticProse(count: number, seed: number): string[] {
  const texts: string[] = []
  for (let i = 0; i < count; i++) {
    const record = parseDocument(syntheticRecord(i, seed).text).toJS() as Record<string, unknown>
    JSON.stringify(record, (_, value: unknown) => {
      if (typeof value === 'string' && /[a-z] [a-z]/.test(value)) texts.push(value)
      return value
    })
  }
  return texts
}

// Pieces it writes, and the near misses between them: odd emphasis, links it does not write, escapes.
const wordPieces = ['Word', 'é', 'a', 'Z9', ' ', '.', ',', ':', ';', '!', '?', '(', ')', '-', "'", '"']
const takenMarks = ['**bold**', '**two words**', '*em*', '*two words*', '`code`', '[link](https://a.b/c)']
const markPieces = [
  '_under_',
  'a_b_c',
  'x*y*z',
  '*x**y**',
  '`code`',
  '`a b`',
  '` a`',
  '`a|b`',
  '`a\nb`',
  '`a\tb`',
  'a\tb',
  '``a`b``',
  '[link](https://a.b/c)',
  '[a b](http://x.y/z-1#q)',
  '[x](https://a.b/(c))',
  '[x](https://a.b/c "t")',
  '[https://a.b](https://a.b)',
  '[x](mailto:a@b.c)',
  '[ x ](https://a.b)',
  '<b>',
  '&amp;',
  '\\*',
  '|',
  '#',
  '@me',
  'www.x.y',
  'http://x.y',
  '~~s~~',
]
const lineBreaks = ['\n', '\nWord ', '\n- ', '\n1. ', '\n# ', '\n**b** ', '\n`c` ', ' \n', '\n ']
const piece = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...wordPieces) },
  { weight: 3, arbitrary: fc.constantFrom(...takenMarks) },
  { weight: 1, arbitrary: fc.constantFrom(...markPieces) },
  { weight: 1, arbitrary: fc.constantFrom(...lineBreaks) },
)
const line = fc
  .tuple(fc.constantFrom('Start ', 'A', '**Bold** ', '*Em* ', '`x` '), fc.array(piece, { maxLength: 8 }))
  .map(([start, rest]) => start + rest.join(''))
const listItems = fc
  .array(
    line.map((l) => `- ${l.replace(/\n/g, ' ')}`),
    { minLength: 1, maxLength: 4 },
  )
  .map((items) => items.join('\n'))
const cellText = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...wordPieces) },
      { weight: 2, arbitrary: fc.constantFrom(...takenMarks) },
      { weight: 1, arbitrary: fc.constantFrom(...markPieces) },
    ),
    { maxLength: 4 },
  )
  .map((p) => p.join('').replace(/\n/g, ' '))
const table = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }))
  .chain(([width, rows]) =>
    fc.tuple(
      fc.array(cellText, { minLength: width, maxLength: width }),
      fc.array(fc.constantFrom('---', ':--', '--:', ':-:'), { minLength: width, maxLength: width }),
      fc.array(fc.array(cellText, { minLength: width, maxLength: width }), { maxLength: rows }),
    ),
  )
  .map(([header, delimiters, body]) =>
    [header, delimiters, ...body].map((row) => `| ${row.join(' | ')} |`).join('\n'),
  )
export const prose = fc
  .array(fc.oneof({ weight: 3, arbitrary: line }, listItems, table), { minLength: 1, maxLength: 4 })
  .map((blocks) => blocks.join('\n\n'))
