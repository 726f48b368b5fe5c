import fc from 'fast-check'
import { prose, syntheticProse } from './helpers/prose-arbitrary.js'
import type { Root } from 'mdast'
import { describe, expect, it } from 'vitest'
import {
  blockMarkdown,
  cellMarkdown,
  inlineMarkdown,
  oneLine,
  remarkBlockMarkdown,
  remarkCellMarkdown,
  remarkInlineMarkdown,
  remarkProse,
} from '../src/render/markdown.js'
import { simpleBlocks, simplePhrasing } from '../src/render/simple-markdown.js'

// The Markdown written without mdast-util-to-markdown must be exactly what it writes, for every tree
// remark reads from prose: block (a section), inline (a list item) and cell (a table cell) alike.

/** How often each writer took the fast path. */
interface Taken {
  block: number
  inline: number
  cell: number
}

function sameAsRemark(text: string, taken: Taken): void {
  // Note: each writer gets a tree of its own (the slow paths may not change it, but must not be trusted to).
  const parsed = remarkProse(text)
  const tree = () => structuredClone(parsed)
  const block = simpleBlocks(tree())
  if (block !== undefined) {
    expect(block, JSON.stringify(text)).toBe(remarkBlockMarkdown(tree()))
    taken.block += 1
  }
  expect(blockMarkdown(tree()), JSON.stringify(text)).toBe(remarkBlockMarkdown(tree()))
  const inline = inlineMarkdown(tree())
  expect(inline, JSON.stringify(text)).toBe(remarkInlineMarkdown(tree()))
  const cell = cellMarkdown(tree())
  expect(cell, JSON.stringify(text)).toBe(remarkCellMarkdown(tree()))
  if (simplePhrasing(oneLine(tree()), 'line') !== undefined) taken.inline += 1
  if (simplePhrasing(oneLine(tree()), 'cell') !== undefined) taken.cell += 1
}

describe('simple Markdown without mdast-util-to-markdown', () => {
  it('writes what mdast-util-to-markdown writes, as a section, a list item and a cell', () => {
    const taken: Taken = { block: 0, inline: 0, cell: 0 }
    fc.assert(
      fc.property(prose, (text) => sameAsRemark(text, taken)),
      { numRuns: 2000, seed: 7 },
    )
    // The fast paths were taken, many times each.
    expect(taken.block).toBeGreaterThan(200)
    expect(taken.inline).toBeGreaterThan(200)
    expect(taken.cell).toBeGreaterThan(200)
  })

  it('writes the prose of synthetic records as mdast-util-to-markdown does, most of it itself', () => {
    const texts = syntheticProse(20, 3)
    const taken: Taken = { block: 0, inline: 0, cell: 0 }
    for (const text of texts) sameAsRemark(text, taken)
    expect(taken.block).toBeGreaterThan(texts.length * 0.9)
  })

  it('writes tables padded to their columns, lists with `-`, emphasis with `_`', () => {
    const tree: Root = remarkProse(
      'A *b* **c** [d](https://e.f/g).\n\n- One\n- Two\n\n| A | Bee |\n|:-|-:|\n| `x` | y |\n',
    )
    const expected =
      'A _b_ **c** [d](https://e.f/g).\n\n- One\n- Two\n\n| A   | Bee |\n| :-- | --: |\n| `x` |   y |'
    expect(simpleBlocks(tree)).toBe(expected)
    expect(remarkBlockMarkdown(tree)).toBe(expected)
    // What it leaves to mdast-util-to-markdown.
    for (const text of [
      'a_b_c',
      '1. x',
      'x\\*',
      '- a\n\ntext\n\n- b',
      '- a\nb',
      '[x](https://a.b "t")',
      '`` a`b ``',
    ])
      expect(simpleBlocks(remarkProse(text)), text).toBeUndefined()
  })
})
