import fc from 'fast-check'
import { visit } from 'unist-util-visit'
import { describe, expect, it } from 'vitest'
import {
  expectContained,
  expectInert,
  expectTableShape,
  hostileText,
  parse,
  visible,
} from './helpers/markdown-checks.js'
import { cell, cellCode, code, escapeInline, inline, link, url } from '../src/render/escape.js'

/**
 * The plain-text escapes, checked the way the output is used: embedded in a surrounding document and
 * parsed back with remark, so "safe" means what the parser sees, not what the escaped string looks like.
 */

const fragments = [
  '|', '\n', '\r\n', '# ', '## ', '```', '~~~', '`', '{{x}}', '<script>alert(1)</script>', '<!-- c -->',
  '@everyone', '@octocat', '[x](javascript:alert(1))', '![i](data:x)', '- ', '1. ', '> ', '---', '***',
  '\\', '*', '_', '&amp;', '<b>', 'plain text', 'é', '🙂', ' ', '#', 'https://a.example/x_y', 'www.a.b',
] // prettier-ignore

const hostile = hostileText(fragments, 12)

/** Whitespace collapsed as `inline()` does; the zero-width space and parser's NUL replacement aside. */
function normalise(text: string): string {
  return text
    .replace(/[\t\n\r ]+/g, ' ')
    .replace(/^ | $/g, '')
    .replace(/\0/g, '\uFFFD')
    .replace(/\u200B/g, '')
}

describe('inline', () => {
  it.each([
    ['# Title', '\\# Title'],
    ['1. first', '1\\. first'],
    ['12) twelve', '12\\) twelve'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['===', '\\==='],
    ['> quote', '\\> quote'],
    ['a\nb\r\n\tc', 'a b c'],
    ['  padded  ', 'padded'],
    ['Fix #', 'Fix \\#'],
    ['ask @octocat', 'ask @\u200Boctocat'],
    ['a | b', 'a \\| b'],
    ['&amp; <b>', '\\&amp; \\<b\\>'],
    ['![i](x)', '\\!\\[i\\](x)'],
    ['snake_case *x* ~y~ `z`', 'snake\\_case \\*x\\* \\~y\\~ \\`z\\`'],
    ['see https://a.example/x_y', 'see https\\://a.example/x\\_y'],
    ['{{x}}', '{{x}}'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(inline(input)).toBe(expected)
  })

  it('keeps a list item line a plain list item', () => {
    const tree = parse(`- ${inline('# heading\n- nested\n> quote')}\n`)
    const [list] = tree.children
    expect(list?.type === 'list' && list.children.length).toBe(1)
    expect(visible(tree)).toBe('# heading - nested > quote')
  })

  it('contains hostile text (a, c, d)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const escaped = inline(text)
        expect(escaped).not.toMatch(/[\r\n]/)
        const tree = expectContained(escaped)
        expectInert(tree)
        const paragraph = tree.children.find((node) => node.type === 'paragraph')
        expect(normalise(paragraph ? visible(paragraph) : '')).toBe(normalise(text))
      }),
    )
  })

  it('returns text that needs no escape as it is, exactly as the full escape would', () => {
    // Characters each rewrite looks at, and the plain ones around them.
    const chars = [...'aZ09 .,:;!?()/-+=#>@_*`~|&<>[]\\\t\n\rhtpsw', 'http:', 'https:', 'www.', 'é', '\u200B']
    const text = fc.oneof(
      fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((parts) => parts.join('')),
      hostile,
      fc.string(),
    )
    fc.assert(
      fc.property(text, (t) => inline(t) === escapeInline(t)),
      { numRuns: 20_000 },
    )
    for (const plain of ['Checkout latency', 'db-7 failover (us-east-1)', 'p99: 2.5 s', 'Ünïcödé 🙂'])
      expect(inline(plain)).toBe(plain)
  })

  it('stays one heading in a heading and one item in a list item', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const heading = parse(`# ${inline(text)}\n`)
        expect(heading.children.map((node) => node.type)).toEqual(['heading'])
        const list = parse(`- ${inline(text)}\n`)
        expect(list.children.map((node) => node.type)).toEqual(['list'])
        const [item] = list.children[0]?.type === 'list' ? list.children[0].children : []
        expect(item?.children.every((node) => node.type === 'paragraph')).toBe(true)
        expectInert(list)
      }),
    )
  })
})

describe('cell', () => {
  it('escapes pipes and keeps an empty cell empty', () => {
    expect(cell('a|b')).toBe('a\\|b')
    expect(cell('\n')).toBe('')
  })

  it('keeps the table shape (b, c)', () => {
    fc.assert(
      fc.property(hostile, hostile, (first, second) => {
        expectInert(expectTableShape(cell(first), cell(second)))
      }),
    )
  })
})

describe('code', () => {
  it.each([
    ['x', '`x`'],
    ['a`b', '``a`b``'],
    ['`a``', '``` `a`` ```'],
    [' a ', '`  a  `'],
    ['   ', '`   `'],
    ['a\nb', '`a b`'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(code(input)).toBe(expected)
  })

  it('shows the text literally and contains it (a, c)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const tree = expectContained(`Text: ${code(text)}`)
        expectInert(tree)
        const value = text.replace(/\r\n|[\r\n]/g, ' ').replace(/\0/g, '\uFFFD')
        const paragraph = tree.children[1]
        if (value === '') return
        expect(paragraph?.type === 'paragraph' && paragraph.children[1]).toEqual(
          expect.objectContaining({ type: 'inlineCode', value }),
        )
      }),
    )
  })

  it('cellCode keeps the table shape, and the text unless a backslash precedes a pipe (b)', () => {
    expect(cellCode('a|b')).toBe('`a\\|b`')
    fc.assert(
      fc.property(hostile, (text) => {
        const tree = expectTableShape(cellCode(text), 'x')
        const value = text.replace(/\r\n|[\r\n]/g, ' ').replace(/\0/g, '\uFFFD')
        if (value === '' || /\\\|/.test(value)) return
        const codes: string[] = []
        visit(tree, 'inlineCode', (node) => void codes.push(node.value))
        expect(codes).toEqual([value])
      }),
    )
  })
})

describe('url and link', () => {
  it('allows only http, https and mailto', () => {
    expect(url('javascript:alert(1)')).toBeNull()
    expect(url(' JaVaScRiPt:alert(1)')).toBeNull()
    expect(url('data:text/html,x')).toBeNull()
    expect(url('vbscript:x')).toBeNull()
    expect(url('/relative')).toBeNull()
    expect(url('mailto:a@b.example')).toBe('<mailto:a@b.example>')
    expect(link('x', 'javascript:alert(1)')).toBe('x')
  })

  it('round-trips a destination with spaces and a closing parenthesis', () => {
    const tree = parse(`[t](${url('HTTPS://x.y/a b)')})`)
    const links: string[] = []
    visit(tree, 'link', (node) => void links.push(node.url))
    expect(links).toEqual(['HTTPS://x.y/a%20b)'])
  })

  it('keeps the URL exact, apart from percent-encoded spaces and brackets, in a paragraph and a cell', () => {
    const href = fc
      .array(fc.oneof(fc.constantFrom('\\', '|', '&amp;', ')', '(', '>', '<', ' ', '"', "'"), fc.string()))
      .map((parts) => `https://h.example/${parts.join('')}`)
    fc.assert(
      fc.property(href, hostile, (target, text) => {
        const expected = target.trim().replace(
          // eslint-disable-next-line no-control-regex
          /[\x00-\x20\x7f<>]/g,
          (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
        )
        for (const tree of [parse(link(text, target)), expectTableShape(link(text, target), 'x')]) {
          const links: string[] = []
          visit(tree, 'link', (node) => void links.push(node.url))
          expect(links).toEqual([expected])
          expectInert(tree)
        }
      }),
    )
  })
})
