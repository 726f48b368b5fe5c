/**
 * The prose most records hold — paragraphs of words with `code` spans and **strong** words — read
 * without micromark, which costs ~25 µs per line of such text plus ~70 µs per document. Anything
 * else (lists, tables, links, emphasis, escapes, HTML, a line starting with a digit or a symbol, a
 * trailing space) returns undefined and goes to remark. A differential test holds the trees this
 * builds to remark's.
 */
import type { Paragraph, PhrasingContent, Root } from 'mdast'

// A line starts with a letter, **strong** or a `code` span: never a block (`1.`, `- `, `#`, `>`, indent).
const lineStart = /^(?:\p{L}|\*\*[\p{L}\p{N}]|`[^`\s])/u
// Words, `code` whose content starts and ends with no space (nothing to trim), or **strong** letters,
// digits and spaces: delimiter runs that can only open and close each other.
const token =
  /([^`*\\_~<>[\]!&|@\t\r\0]+)|`([^`\s](?:[^`\n\r\0]*[^`\s])?)`|\*\*([\p{L}\p{N}](?:[\p{L}\p{N} ]*[\p{L}\p{N}])?)\*\*/uy
// GFM autolink literals in words.
const autolink = /www\.|https?:\/\//i

/** The tree remark would build for `text`, when the text is simple prose; else undefined. */
export function simpleProse(text: string): Root | undefined {
  const body = text.replace(/\n+$/, '')
  if (body === '') return undefined
  const children: Paragraph[] = []
  for (const block of body.split('\n\n')) {
    const paragraph = simpleParagraph(block)
    if (paragraph === undefined) return undefined
    children.push(paragraph)
  }
  return { type: 'root', children }
}

function simpleParagraph(block: string): Paragraph | undefined {
  for (const line of block.split('\n')) if (!lineStart.test(line) || / $/.test(line)) return undefined
  const children: PhrasingContent[] = []
  token.lastIndex = 0
  while (token.lastIndex < block.length) {
    const match = token.exec(block)
    if (match === null) return undefined
    const [, words, code, strong] = match
    // Two code spans or two strongs side by side are one longer delimiter run to CommonMark.
    const previous = children.at(-1)?.type
    if (words !== undefined) {
      if (autolink.test(words)) return undefined
      children.push({ type: 'text', value: words })
    } else if (code !== undefined) {
      if (previous === 'inlineCode') return undefined
      children.push({ type: 'inlineCode', value: code })
    } else {
      if (previous === 'strong') return undefined
      children.push({ type: 'strong', children: [{ type: 'text', value: strong! }] })
    }
  }
  return { type: 'paragraph', children }
}
