/**
 * The prose most records hold — paragraphs of words with `code` spans and **strong** words, and pipe
 * tables of such cells — read without micromark, which costs ~25 µs per line of such text, ~0.5 ms
 * per small table, plus ~70 µs per document. Anything else (lists, links, emphasis, escapes, HTML, a
 * line starting with a digit or a symbol, a trailing space, rows of other widths) returns undefined
 * and goes to remark. A differential test holds the trees this builds to remark's.
 */
import type { AlignType, Paragraph, PhrasingContent, Root, RootContent, Table, TableCell } from 'mdast'

// A line starts with a letter, **strong** or a `code` span: never a block (`1.`, `- `, `#`, `>`, indent).
const lineStart = /^(?:\p{L}|\*\*[\p{L}\p{N}]|`[^`\s])/u
// Words, `code` of words and spaces that starts and ends with no space (nothing to trim), or **strong**
// letters, digits and spaces: delimiter runs that can only open and close each other.
const token =
  /([^`*\\_~<>[\]!&|@\t\r]+)|`([^`\s]+(?: +[^`\s]+)*)`|\*\*([\p{L}\p{N}](?:[\p{L}\p{N} ]*[\p{L}\p{N}])?)\*\*/uy
// GFM autolink literals in words.
const autolink = /www\.|https?:\/\//i

/** The tree remark would build for `text`, when the text is simple prose; else undefined. */
export function simpleProse(text: string): Root | undefined {
  const body = text.replace(/\n+$/, '')
  // Note: micromark reads NUL as U+FFFD.
  if (body === '' || body.includes('\0')) return undefined
  const children: RootContent[] = []
  for (const block of body.split('\n\n')) {
    const node = block.startsWith('|') ? simpleTable(block) : simpleParagraph(block)
    if (node === undefined) return undefined
    children.push(node)
  }
  return { type: 'root', children }
}

function simpleParagraph(block: string): Paragraph | undefined {
  for (const line of block.split('\n')) if (!lineStart.test(line) || / $/.test(line)) return undefined
  const children = phrasing(block)
  return children && { type: 'paragraph', children }
}

// A delimiter row's cell: dashes, a colon on the side it aligns to.
const delimiter = /^ *(:?)-+(:?) *$/

/** A table whose lines all start and end with a pipe, every row as wide as the header. */
function simpleTable(block: string): Table | undefined {
  const lines = block.split('\n')
  if (
    lines.length < 2 ||
    lines.some((line) => line.length < 2 || !line.endsWith('|') || !line.startsWith('|'))
  )
    return undefined
  const rows = lines.map((line) => line.slice(1, -1).split('|'))
  const width = rows[0]!.length
  if (rows.some((row) => row.length !== width)) return undefined
  const align: AlignType[] = []
  for (const cell of rows[1]!) {
    const match = delimiter.exec(cell)
    if (match === null) return undefined
    align.push(match[1] ? (match[2] ? 'center' : 'left') : match[2] ? 'right' : null)
  }
  const children: Table['children'] = []
  for (const row of [rows[0]!, ...rows.slice(2)]) {
    const cells: TableCell[] = []
    for (const cell of row) {
      const content = phrasing(cell.replace(/^ +| +$/g, ''))
      if (content === undefined) return undefined
      cells.push({ type: 'tableCell', children: content })
    }
    children.push({ type: 'tableRow', children: cells })
  }
  return { type: 'table', align, children }
}

/** Words, code spans and strong words, as remark reads them; undefined for anything else. */
function phrasing(text: string): PhrasingContent[] | undefined {
  const children: PhrasingContent[] = []
  token.lastIndex = 0
  while (token.lastIndex < text.length) {
    const match = token.exec(text)
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
  return children
}
