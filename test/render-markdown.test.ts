import fc from 'fast-check'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import { describe, expect, it } from 'vitest'
import { expectContained, expectInert, hostileText, parse } from './helpers/markdown-checks.js'
import { cell } from '../src/render/escape.js'
import {
  blockMarkdown,
  cellMarkdown,
  inlineMarkdown,
  parseProse,
  plainText,
  plainValue,
  ProseBatch,
} from '../src/render/markdown.js'
import { proseHtml } from '../src/site/prose-html.js'

/**
 * The prose pipeline, checked by embedding its output in a surrounding document and parsing that back:
 * prose may hold lists, code and tables, but never a heading, raw HTML, an unsafe link or a live mention,
 * and never anything that escapes its section, line or cell.
 */

const fragments = [
  '|', '\n', '\r\n', '# ', '## ', '```', '~~~', '`', '{{x}}', '<script>alert(1)</script>', '<!-- c -->',
  '@everyone', '@octocat', '[x](javascript:alert(1))', '![i](data:x)', '- ', '1. ', '> ', '---', '***',
  '\\', '*', '_', '&amp;', '<b>', 'plain text', 'é', '🙂', '\n\n', '    ', '[r]', '[r]: javascript:x\n',
  '[^1]', '[^1]: note\n', '<div>\n', '| a |\n|---|\n', '~', '===', 'www.a.b', '@', '  \n',
] // prettier-ignore

const hostile = hostileText(fragments, 16)

function types(tree: Root): string[] {
  const seen: string[] = []
  visit(tree, (node) => void seen.push(node.type))
  return seen
}

describe('parseProse', () => {
  it('turns headings into bold paragraphs', () => {
    expect(blockMarkdown(parseProse('# Cause\n\nText\n\nSetext\n---'))).toBe(
      '**Cause**\n\nText\n\n**Setext**',
    )
  })

  it('shows raw HTML and comments as text', () => {
    const tree = parseProse('<script>alert(1)</script>\n\nA <b>bold</b> move <!-- c -->')
    expect(types(tree)).not.toContain('html')
    expect(blockMarkdown(tree)).toBe('\\<script>alert(1)\\</script>\n\nA \\<b>bold\\</b> move \\<!-- c -->')
  })

  it('neutralises mentions, also when a removed link leaves `@` next to a name', () => {
    expect(plainText(parseProse('cc @octocat'))).toBe('cc @octocat')
    expect(blockMarkdown(parseProse('cc @octocat'))).toBe('cc @\u200Boctocat')
    expect(blockMarkdown(parseProse('@[octocat](javascript:x)'))).toBe('@\u200Boctocat')
    expect(blockMarkdown(parseProse('`@octocat`'))).toBe('`@octocat`')
  })

  it('keeps only the text of links and images with an unsafe URL', () => {
    const tree = parseProse('[x](javascript:alert(1)) ![alt](data:x) <vbscript:y> [ok](https://ok.example)')
    expect(blockMarkdown(tree)).toBe('x alt vbscript:y [ok](https://ok.example)')
  })

  it('resolves references inline and drops definitions', () => {
    const source =
      '[ok][a] [bad][b] ![pic][a]\n\n[a]: https://ok.example "T"\n[b]: javascript:x\n[a]: https://not.used'
    expect(blockMarkdown(parseProse(source))).toBe(
      '[ok](https://ok.example "T") bad ![pic](https://ok.example "T")',
    )
  })

  it('keeps lists, code, quotes, tables and emphasis', () => {
    const source = '- _a_\n- **b**\n\n> quote\n\n```sh\nrm -rf /tmp/x\n```\n\n| a | b |\n| - | - |\n| 1 | 2 |'
    expect(blockMarkdown(parseProse(source))).toBe(source)
  })
})

describe('blockMarkdown', () => {
  it('closes every fence it opens', () => {
    expect(blockMarkdown(parseProse('```\n```` inner\n'))).toBe('`````\n```` inner\n`````')
  })

  it('stays inside its section (a, c)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const markdown = blockMarkdown(parseProse(text))
        expect(markdown).not.toMatch(/\n$/)
        expectInert(expectContained(markdown))
      }),
    )
  })

  it('serialises the text it parsed', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const tree = parseProse(text)
        expect(plainText(parseProse(blockMarkdown(tree)))).toBe(plainText(tree))
      }),
    )
  })
})

describe('inlineMarkdown', () => {
  it('flattens blocks into one line', () => {
    const source =
      '# Title\n\n- one\n- two\n\n> said\n\n```\na\nb\n```\n\n---\n\n| x | y |\n|---|---|\n| 1 | 2 |'
    expect(inlineMarkdown(parseProse(source))).toBe('**Title** one two said `a b` x y 1 2')
  })

  it('keeps a leading block marker as text', () => {
    expect(inlineMarkdown(parseProse('\\# not a heading'))).toBe('\\# not a heading')
    expect(inlineMarkdown(parseProse('\\- not a list'))).toBe('\\- not a list')
    expect(inlineMarkdown(parseProse('1\\. not a list'))).toBe('1\\. not a list')
    expect(inlineMarkdown(parseProse('line  \nbreak'))).toBe('line break')
  })

  it('stays one paragraph in a list item and inside its section (a, c)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const markdown = inlineMarkdown(parseProse(text))
        expect(markdown).not.toMatch(/[\r\n]/)
        expectInert(expectContained(markdown))
        const list = parse(`- ${markdown}\n`)
        expect(list.children.map((node) => node.type)).toEqual(['list'])
        const [item] = list.children[0]?.type === 'list' ? list.children[0].children : []
        expect(item?.children.every((node) => node.type === 'paragraph')).toBe(true)
        expectInert(list)
      }),
    )
  })
})

describe('cellMarkdown', () => {
  it('escapes pipes, also in code', () => {
    expect(cellMarkdown(parseProse('a | b `c|d`'))).toBe('a \\| b `c\\|d`')
    expect(cellMarkdown(parseProse(''))).toBe('')
  })

  it('keeps the table shape (b, c)', () => {
    fc.assert(
      fc.property(hostile, hostile, (first, second) => {
        const markdown = cellMarkdown(parseProse(second))
        expect(markdown).not.toMatch(/[\r\n]/)
        const tree = parse(`| a | b |\n|---|---|\n| ${cell(first)} | ${markdown} |\n| z | w |\n`)
        expect(tree.children).toHaveLength(1)
        const [table] = tree.children
        expect(table?.type === 'table' && table.children.map((row) => row.children.length)).toEqual([2, 2, 2])
        expectInert(tree)
      }),
    )
  })
})

describe('plainText', () => {
  it('collapses whitespace across blocks', () => {
    expect(plainText(parseProse('# A\n\n- b\n- `c`\n\n```\nd\n```\n\n![e](https://x.example/e.png)'))).toBe(
      'A b c d e',
    )
  })
})

describe('the plain-paragraph fast path', () => {
  const raw = unified().use(remarkParse).use(remarkGfm)
  const strip = (node: unknown): unknown =>
    JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'position' ? undefined : value)))

  it('builds exactly the tree remark builds, and serialises it the same (property)', () => {
    const plainish = fc
      .array(
        fc.constantFrom(
          'a',
          'Z',
          ' ',
          '.',
          ',',
          '(',
          ')',
          '"',
          "'",
          '%',
          '-',
          '+',
          '=',
          '1',
          '9',
          '/',
          '?',
          ';',
          'é',
          '🙂',
          '$',
          '^',
          '{',
          '}',
          '\n',
        ),
        {
          minLength: 1,
          maxLength: 40,
        },
      )
      .map((p) => p.join(''))
    fc.assert(
      fc.property(plainish, (text) => {
        const fast = parseProse(text)
        const slow = raw.parse(text)
        if (plainValue(fast) === undefined) return
        expect(strip(fast)).toEqual(strip(slow))
        const copy = strip(slow) as Root
        expect(blockMarkdown(fast)).toBe(blockMarkdown(copy))
        expect(inlineMarkdown(fast)).toBe(inlineMarkdown(copy))
        expect(cellMarkdown(fast)).toBe(cellMarkdown(copy))
      }),
      { numRuns: 2000 },
    )
  })
})

describe('proseHtml', () => {
  it('leaves the tree it converts as it was, for the other outputs (property)', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const tree = parseProse(text)
        const before = structuredClone(tree)
        const html = proseHtml(tree)
        expect(tree).toEqual(before)
        // And converting the same tree again gives the same HTML.
        expect(proseHtml(tree)).toBe(html)
      }),
      { numRuns: 300 },
    )
  })
})

describe('ProseBatch', () => {
  const strip = (node: unknown): unknown =>
    JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'position' ? undefined : value)))

  it('gives every field the tree parseProse gives it, whatever the neighbouring fields hold (property)', () => {
    // One-line fields share one parse; anything that could reach across a blank line must not.
    const field = fc.oneof(
      hostile,
      fc.constantFrom('a `b` c', '**x** y', 'see [r] here', '[r]: https://a.b', '```'),
    )
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), (texts) => {
        const batch = new ProseBatch()
        const trees = texts.map((text) => batch.tree(text))
        batch.parse()
        for (const [i, text] of texts.entries()) {
          const alone = parseProse(text)
          expect(strip(trees[i]), JSON.stringify(text)).toEqual(strip(alone))
          expect(plainValue(trees[i]!)).toBe(plainValue(alone))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('hands out empty trees and fills them all on parse()', () => {
    const batch = new ProseBatch()
    const trees = ['Restarted `db-1`.', 'Paged **@oncall**.', 'Line one\nline two'].map((t) => batch.tree(t))
    expect(trees.every((t) => t.children.length === 0)).toBe(true)
    batch.parse()
    expect(trees.map((t) => blockMarkdown(t))).toEqual([
      'Restarted `db-1`.',
      'Paged **@\u200Boncall**.',
      'Line one\nline two',
    ])
  })
})
