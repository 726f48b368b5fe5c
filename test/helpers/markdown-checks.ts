import fc from 'fast-check'
import type { Nodes, Root } from 'mdast'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { expect } from 'vitest'

// Checks shared by the escaping and prose tests: output is embedded in a surrounding document and
// parsed back with remark, so "safe" means what the parser sees.

const parser = unified().use(remarkParse).use(remarkGfm)
/** Parses Markdown as GitHub does (GFM). */
export const parse = (markdown: string): Root => parser.parse(markdown)

/** Hostile text: fragments that try to break out of their place, mixed with arbitrary strings. */
export function hostileText(fragments: readonly string[], maxLength: number): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fc.constantFrom(...fragments), fc.string(), fc.string({ unit: 'binary' })), { maxLength })
    .map((parts) => parts.join(''))
}

/** What a reader sees: text and code values, concatenated. */
export function visible(node: Nodes): string {
  if ('value' in node) return node.value
  if (node.type === 'image') return node.alt ?? ''
  return 'children' in node ? (node.children as Nodes[]).map(visible).join('') : ''
}

/** Property (c): nothing executable, no unsafe link, no live mention. */
export function expectInert(tree: Root): void {
  visit(tree, (node) => {
    expect(node.type).not.toBe('html')
    if (node.type === 'link' || node.type === 'image') expect(node.url).toMatch(/^(?:https?|mailto):/i)
    if (node.type === 'text') expect(node.value).not.toMatch(/@[\p{L}\p{N}]/u)
  })
}

/** Property (a): the one title stays the only `#` heading and `## Next` is still a heading. */
export function expectContained(embedded: string): Root {
  const tree = parse(`# Title\n\n${embedded}\n\n## Next\n`)
  const headings = tree.children.filter((node) => node.type === 'heading')
  expect(headings.filter((node) => node.depth === 1)).toHaveLength(1)
  const last = tree.children.at(-1)
  expect(last?.type === 'heading' && last.depth === 2 && visible(last)).toBe('Next')
  return tree
}

/** Property (b): a 3-row, 2-column table stays one. */
export function expectTableShape(first: string, second: string): Root {
  const tree = parse(`| a | b |\n|---|---|\n| ${first} | ${second} |\n| z | w |\n`)
  expect(tree.children).toHaveLength(1)
  const [table] = tree.children
  expect(table?.type).toBe('table')
  if (table?.type !== 'table') return tree
  expect(table.children).toHaveLength(3)
  for (const row of table.children) expect(row.children).toHaveLength(2)
  return tree
}
