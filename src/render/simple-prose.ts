/**
 * The prose most records hold — paragraphs of words with `code` spans, **strong** and *emphasised*
 * words and [links](https://example.com/x), tight `-` lists of such lines, and pipe tables of such
 * cells — read without micromark, which costs ~25 µs per line of such text, ~0.5 ms per small table,
 * plus ~70 µs per document. Anything else (other lists, images, escapes, HTML, a line starting with a
 * digit or a symbol, a trailing space, rows of other widths, links of other shapes) returns undefined
 * and goes to remark. A differential test holds the trees this builds to remark's.
 */
import type {
  AlignType,
  List,
  ListItem,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableCell,
} from 'mdast'

// A line starts with a letter, **strong**, *emphasis* or a `code` span: never a block (`1.`, `- `, `#`,
// `>`, indent).
const lineStart = /^(?:\p{L}|\*\*?[\p{L}\p{N}]|`[^`\s])/u
// Words; `code` of words and spaces that starts and ends with no space (nothing to trim); **strong** or
// *emphasised* letters, digits and spaces (delimiter runs that can only open and close each other); a
// link of letters, digits and spaces to an http(s) URL of characters that need no encoding.
const token =
  /([^`*\\_~<>[\]!&|@\t\r]+)|`([^`\s]+(?: +[^`\s]+)*)`|\*\*([\p{L}\p{N}](?:[\p{L}\p{N} ]*[\p{L}\p{N}])?)\*\*|\*([\p{L}\p{N}](?:[\p{L}\p{N} ]*[\p{L}\p{N}])?)\*|\[([\p{L}\p{N}](?:[\p{L}\p{N} #.-]*[\p{L}\p{N}])?)\]\((https?:\/\/[\w\-.~/?#=+:@]+)\)/uy
// GFM autolink literals in words.
const autolink = /www\.|https?:\/\//i

/** The tree remark would build for `text`, when the text is simple prose; else undefined. */
export function simpleProse(text: string): Root | undefined {
  const body = text.replace(/\n+$/, '')
  // Note: micromark reads NUL as U+FFFD.
  if (body === '' || body.includes('\0')) return undefined
  const children: RootContent[] = []
  for (const block of body.split('\n\n')) {
    const node = block.startsWith('|')
      ? simpleTable(block)
      : block.startsWith('- ')
        ? simpleList(block)
        : simpleParagraph(block)
    // Note: lists apart only by a blank line are one loose list.
    if (node === undefined || (node.type === 'list' && children.at(-1)?.type === 'list')) return undefined
    children.push(node)
  }
  return { type: 'root', children }
}

/** A tight list: every line an item (`- ` and a line as a paragraph would start it), no blank lines. */
function simpleList(block: string): List | undefined {
  const children: ListItem[] = []
  for (const line of block.split('\n')) {
    const content = line.slice(2)
    if (!line.startsWith('- ') || !lineStart.test(content) || / $/.test(content)) return undefined
    const phrases = phrasing(content)
    if (phrases === undefined) return undefined
    children.push({
      type: 'listItem',
      spread: false,
      checked: null,
      children: [{ type: 'paragraph', children: phrases }],
    })
  }
  return { type: 'list', ordered: false, start: null, spread: false, children }
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

/** Words, code spans, strong and emphasised words and links, as remark reads them; undefined for anything else. */
function phrasing(text: string): PhrasingContent[] | undefined {
  const children: PhrasingContent[] = []
  token.lastIndex = 0
  while (token.lastIndex < text.length) {
    const match = token.exec(text)
    if (match === null) return undefined
    const [, words, code, strong, emphasis, label, url] = match
    // Two code spans side by side, or any two of strong and emphasis, are one longer delimiter run to CommonMark.
    const previous = children.at(-1)?.type
    if (words !== undefined) {
      if (autolink.test(words)) return undefined
      children.push({ type: 'text', value: words })
    } else if (code !== undefined) {
      if (previous === 'inlineCode') return undefined
      children.push({ type: 'inlineCode', value: code })
    } else if (label !== undefined) {
      children.push({ type: 'link', title: null, url: url!, children: [{ type: 'text', value: label }] })
    } else {
      if (previous === 'strong' || previous === 'emphasis') return undefined
      const value = strong ?? emphasis!
      children.push({ type: strong ? 'strong' : 'emphasis', children: [{ type: 'text', value }] })
    }
  }
  return children
}
