import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { remarkProse } from '../src/render/markdown.js'
import { proseHtml, remarkProseHtml } from '../src/site/prose-html.js'
import { simpleHtml } from '../src/site/simple-html.js'
import { prose, syntheticProse } from './helpers/prose-arbitrary.js'

// The HTML written without the unified pipeline must be exactly the sanitised HTML it makes.

/** Compares both ways of writing `text`'s tree; true when the fast way took it. */
function sameAsPipeline(text: string): boolean {
  const parsed = remarkProse(text)
  const simple = simpleHtml(structuredClone(parsed))
  const expected = remarkProseHtml(structuredClone(parsed))
  if (simple !== undefined) expect(simple, JSON.stringify(text)).toBe(expected)
  expect(proseHtml(structuredClone(parsed)), JSON.stringify(text)).toBe(expected)
  return simple !== undefined
}

describe('simple HTML without the unified pipeline', () => {
  it('writes what remark-rehype, rehype-sanitize and rehype-stringify write, or leaves the tree to them', () => {
    let taken = 0
    fc.assert(
      fc.property(prose, (text) => {
        if (sameAsPipeline(text)) taken += 1
      }),
      { numRuns: 2000, seed: 5 },
    )
    expect(taken).toBeGreaterThan(200)
  })

  it('writes the prose of synthetic records as the pipeline does, nearly all of it itself', () => {
    const texts = syntheticProse(20, 4)
    const taken = texts.filter((text) => sameAsPipeline(text))
    expect(taken.length).toBeGreaterThan(texts.length * 0.9)
  })

  it('writes paragraphs, lists and aligned tables; leaves what needs escaping or sanitising', () => {
    const tree = remarkProse(
      'A *b* **c** [d](https://e.f/g) `h`.\n\n- One\n- Two\n\n| A | B |\n|:-|-:|\n| x | |\n',
    )
    const html = simpleHtml(tree)
    expect(html).toBe(
      '<p>A <em>b</em> <strong>c</strong> <a href="https://e.f/g">d</a> <code>h</code>.</p>\n' +
        '<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n' +
        '<table>\n<thead>\n<tr>\n<th align="left">A</th>\n<th align="right">B</th>\n</tr>\n</thead>\n' +
        '<tbody>\n<tr>\n<td align="left">x</td>\n<td align="right"></td>\n</tr>\n</tbody>\n</table>',
    )
    expect(html).toBe(
      remarkProseHtml(
        remarkProse('A *b* **c** [d](https://e.f/g) `h`.\n\n- One\n- Two\n\n| A | B |\n|:-|-:|\n| x | |\n'),
      ),
    )
    for (const text of [
      'a & b',
      'a < b',
      '"q"',
      '[x](mailto:a@b.c)',
      '[x](https://a.b "t")',
      '1. x',
      '<b>x</b>',
    ])
      expect(simpleHtml(remarkProse(text)), text).toBeUndefined()
  })
})
