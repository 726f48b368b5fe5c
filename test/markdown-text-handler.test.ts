import fc from 'fast-check'
import type { PhrasingContent, Root, RootContent } from 'mdast'
import { gfmToMarkdown } from 'mdast-util-gfm'
import type { Options } from 'mdast-util-to-markdown'
import { toMarkdown } from 'mdast-util-to-markdown'
import { describe, expect, it } from 'vitest'
import { fastText } from '../src/render/markdown.js'

// `fastText` returns a text as it is when no escape can apply: it must write exactly what
// mdast-util-to-markdown's own text handler writes, in every context a text can stand in.

const options: Options = { extensions: [gfmToMarkdown()], bullet: '-', emphasis: '_', strong: '*' }
const withFastText: Options = { ...options, handlers: { text: fastText } }

// Letters and words, and every character the default handler may escape in some context.
const pieces = [
  ...[
    'a',
    'W',
    'é',
    'x',
    'www',
    'http',
    's',
    'P',
    '1',
    '42',
    ' ',
    '  ',
    '.',
    ',',
    ':',
    '/',
    '@',
    '-',
    '+',
    '=',
  ],
  ...['#', '>', '<', '(', ')', '[', ']', '!', '&', '*', '_', '`', '~', '|', '\\', '"', "'", '\n', '\t', '\r'],
  ...['&amp;', '1.', '1)', 'www.', 'https://', 'a@b.c', '\u200B', '\u0007'],
]
const anyText = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }).map((p) => p.join(''))
// Mostly words: the texts the fast path takes, and the characters escaped only at a line start or next to
// others (`1.`, `- `, `www.`, `http:/`, a space before a line break).
const wordy = [
  'Word',
  'a',
  'w',
  'www',
  's',
  'P',
  'http',
  'é',
  ' ',
  '.',
  ',',
  ':',
  '/',
  '-',
  '(',
  ')',
  '1',
  "'",
  '"',
]
const wordyText = fc.array(fc.constantFrom(...wordy), { minLength: 1, maxLength: 12 }).map((p) => p.join(''))
const textValue = fc.oneof(anyText, wordyText)

const neighbour = fc.constantFrom<(() => PhrasingContent) | undefined>(
  undefined,
  () => ({ type: 'inlineCode', value: 'c' }),
  () => ({ type: 'strong', children: [{ type: 'text', value: 'b' }] }),
  () => ({ type: 'emphasis', children: [{ type: 'text', value: 'e' }] }),
  () => ({ type: 'link', url: 'https://example.com', children: [{ type: 'text', value: 'l' }] }),
  () => ({ type: 'break' }),
  () => ({ type: 'text', value: '\\' }),
  () => ({ type: 'text', value: 'w' }),
  () => ({ type: 'text', value: ']' }),
  () => ({ type: 'text', value: '/x' }),
  () => ({ type: 'text', value: ' ' }),
  () => ({ type: 'text', value: 'P' }),
  () => ({ type: 'text', value: '\n' }),
  () => ({ type: 'text', value: '\n  ' }),
)

type Wrap = (phrasing: PhrasingContent[]) => RootContent
const contexts: Record<string, Wrap> = {
  paragraph: (children) => ({ type: 'paragraph', children }),
  strong: (children) => ({ type: 'paragraph', children: [{ type: 'strong', children }] }),
  emphasis: (children) => ({ type: 'paragraph', children: [{ type: 'emphasis', children }] }),
  link: (children) => ({ type: 'paragraph', children: [{ type: 'link', url: 'https://e.x', children }] }),
  heading: (children) => ({ type: 'heading', depth: 2, children }),
  quote: (children) => ({ type: 'blockquote', children: [{ type: 'paragraph', children }] }),
  list: (children) => ({
    type: 'list',
    children: [{ type: 'listItem', children: [{ type: 'paragraph', children }] }],
  }),
  cell: (children) => ({
    type: 'table',
    children: [{ type: 'tableRow', children: [{ type: 'tableCell', children }] }],
  }),
}

describe('the text handler that skips needless escapes', () => {
  it('writes what the default text handler writes, in every context and next to any node', () => {
    fc.assert(
      fc.property(
        textValue,
        fc.constantFrom(...Object.keys(contexts)),
        neighbour,
        neighbour,
        (value, context, before, after) => {
          const children: PhrasingContent[] = [
            ...(before ? [before()] : []),
            { type: 'text', value },
            ...(after ? [after()] : []),
          ]
          const tree: Root = { type: 'root', children: [contexts[context]!(children)] }
          expect(toMarkdown(tree, withFastText)).toBe(toMarkdown(tree, options))
        },
      ),
      { numRuns: 3000, seed: 7 },
    )
  })

  it('takes the plain words of real prose, and leaves anything with syntax to the default', () => {
    let taken = 0
    const handler: typeof fastText = (node, parent, state, info) => {
      const written = fastText(node, parent, state, info)
      if (written === (node as { value: string }).value) taken += 1
      return written
    }
    const words = 'Failover of the primary took 12 minutes (longer than the runbook says).'
    toMarkdown(
      { type: 'paragraph', children: [{ type: 'text', value: words }] },
      { handlers: { text: handler } },
    )
    expect(taken).toBe(1)
    const escaped = toMarkdown(
      { type: 'paragraph', children: [{ type: 'text', value: 'a *b* www.x.y' }] },
      {
        ...withFastText,
      },
    )
    expect(escaped).toBe('a \\*b\\* www\\.x.y\n')
  })
})
