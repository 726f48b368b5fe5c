/**
 * The HTML remark-rehype → rehype-sanitize → rehype-stringify makes of the trees most prose makes —
 * paragraphs and tight lists of words, `code`, strong and emphasised words and http(s) links, and
 * tables of such cells — written directly: the pipeline builds a hast tree, walks it against GitHub's
 * sanitising schema and serialises it (~0.5 ms a record). Only what needs neither escaping nor
 * sanitising is written here (no `&`, `<`, `>` or quotes in text, plain http(s) URLs); anything else
 * returns undefined and goes through the pipeline. A differential test holds the two to each other.
 */
import type { AlignType, PhrasingContent, Root, RootContent, Table } from 'mdast'
import { mapAll, tightItems } from '../render/simple-tree.js'

// Text that HTML serialisation writes as it is, and URLs the sanitiser keeps and the serialiser does not escape.
const plainText = /^[^&<>"'\r\0]*$/
const plainUrl = /^https?:\/\/[\w\-.~/?#=+:@]+$/

/** The sanitised HTML of a simple prose tree, or undefined. */
export function simpleHtml(tree: Root): string | undefined {
  const blocks = mapAll(tree.children, simpleBlock)
  return blocks === undefined || blocks.length === 0 ? undefined : blocks.join('\n')
}

function simpleBlock(node: RootContent): string | undefined {
  switch (node.type) {
    case 'paragraph': {
      const inner = phrasing(node.children)
      return inner === undefined ? undefined : `<p>${inner}</p>`
    }
    case 'list': {
      const items = mapAll(tightItems(node) ?? [], (paragraph) => phrasing(paragraph.children))
      return items?.length ? `<ul>\n${items.map((item) => `<li>${item}</li>`).join('\n')}\n</ul>` : undefined
    }
    case 'table':
      return simpleTable(node)
    default:
      return undefined
  }
}

function simpleTable(node: Table): string | undefined {
  const [head, ...body] = node.children
  const width = head?.children.length ?? 0
  if (width === 0 || node.align?.length !== width) return undefined
  const row = (cells: Table['children'][number], tag: 'th' | 'td'): string | undefined => {
    if (cells.children.length !== width) return undefined
    const out: string[] = []
    for (const [i, cell] of cells.children.entries()) {
      const inner = phrasing(cell.children)
      if (inner === undefined) return undefined
      out.push(`<${tag}${alignment(node.align![i])}>${inner}</${tag}>`)
    }
    return `<tr>\n${out.join('\n')}\n</tr>`
  }
  const header = row(head!, 'th')
  if (header === undefined) return undefined
  const rows: string[] = []
  for (const cells of body) {
    const html = row(cells, 'td')
    if (html === undefined) return undefined
    rows.push(html)
  }
  const tbody = rows.length === 0 ? '' : `\n<tbody>\n${rows.join('\n')}\n</tbody>`
  return `<table>\n<thead>\n${header}\n</thead>${tbody}\n</table>`
}

function alignment(align: AlignType | undefined): string {
  return align ? ` align="${align}"` : ''
}

function phrasing(children: readonly PhrasingContent[]): string | undefined {
  let out = ''
  for (const child of children) {
    switch (child.type) {
      case 'text':
        // Note: mdast-util-to-hast trims spaces and tabs around line endings.
        if (!plainText.test(child.value) || /[ \t]\n|\n[ \t]/.test(child.value)) return undefined
        out += child.value
        break
      case 'inlineCode':
        // Note: mdast-util-to-hast turns a line ending in code into a space.
        if (!plainText.test(child.value) || child.value.includes('\n')) return undefined
        out += `<code>${child.value}</code>`
        break
      case 'strong':
      case 'emphasis': {
        const inner = phrasing(child.children)
        if (inner === undefined) return undefined
        const tag = child.type === 'strong' ? 'strong' : 'em'
        out += `<${tag}>${inner}</${tag}>`
        break
      }
      case 'link': {
        if (child.title || !plainUrl.test(child.url)) return undefined
        const inner = phrasing(child.children)
        if (inner === undefined) return undefined
        out += `<a href="${child.url}">${inner}</a>`
        break
      }
      default:
        return undefined
    }
  }
  return out
}
