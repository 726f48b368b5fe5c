/**
 * The Markdown mdast-util-to-markdown writes (with the options of `markdown.ts`) for the trees most
 * prose makes — paragraphs and tight `-` lists of words, `code`, **strong** and _emphasised_ words and
 * links, and tables of such cells — without its set-up per call (~40 µs, each table cell of a
 * postmortem is one) and its escape and attention checks over every piece. Anything it cannot prove
 * the same returns undefined and goes to mdast-util-to-markdown; a differential test holds the two
 * to each other.
 */
import { markdownTable } from 'markdown-table'
import type { PhrasingContent, Root, RootContent, Table } from 'mdast'
import { mapAll, tightItems } from './simple-tree.js'

// Text no escape of mdast-util-to-markdown applies to: no line break, tab or character that opens
// Markdown syntax inside a line; no GFM autolink-literal trigger (`www.`, `http:/`) with the character
// before; a letter first at the start of a line (`1.`, `- `, `#`), and no space next to a line break.
const syntaxCharacter = /[\t\r\n!&*_`~[\]<\\|#@]/
const autolinkTrigger = /[Ww]\.|[PSps]:|\]\(/
const atLineStart = /[\r\n][\t ]*$/
const letterFirst = /^\p{L}/u

/** True when mdast-util-to-markdown writes `value` as it is between `before` and `after`. */
export function inertText(value: string, before: string, after: string): boolean {
  return (
    !syntaxCharacter.test(value) &&
    !autolinkTrigger.test(before.slice(-1) + value) &&
    (!atLineStart.test(before) || letterFirst.test(value)) &&
    !(value.endsWith(' ') && /^[\r\n]/.test(after))
  )
}

// Code that needs one backtick on each side and no padding; a URL that needs no brackets or escapes;
// the letters and digits emphasis and strong may hold without their markers' flanking in question.
const plainCode = /^[^`\s|](?:[^`\t\r\n|]*[^`\s|])?$/
const plainUrl = /^https?:\/\/[\w\-.~/?#=+:@]+$/
const attentionText = /^[\p{L}\p{N}](?:[\p{L}\p{N} ]*[\p{L}\p{N}])?$/u
// Where an `_` may open and close: after a space or a line start, before a space, punctuation or the end.
const openAfter = /(?:^|[ \n])$/
const closeBefore = /^(?:$|[ \n.,;:!?)])/

/** Where phrasing stands: a paragraph at a line start, or a table cell (between pipes). */
type Place = 'line' | 'cell'

/** `children` as Markdown in a paragraph or a cell, or undefined when mdast-util-to-markdown must write them. */
export function simplePhrasing(children: readonly PhrasingContent[], place: Place): string | undefined {
  const edge = place === 'line' ? '\n' : '|'
  let out = ''
  for (const [i, child] of children.entries()) {
    const next = children[i + 1]
    const after = next ? opening(next) : edge
    const before = out === '' ? edge : out
    const piece = simpleNode(child, before, after)
    if (piece === undefined) return undefined
    out += piece
  }
  return out
}

/** The first character mdast-util-to-markdown writes for a node (its `after` for the node before). */
function opening(node: PhrasingContent): string {
  switch (node.type) {
    case 'text':
      return node.value.charAt(0)
    case 'inlineCode':
      return '`'
    case 'strong':
      return '*'
    case 'emphasis':
      return '_'
    case 'link':
      return '['
    default:
      return '\0' // not written here: the whole is left to mdast-util-to-markdown
  }
}

function simpleNode(node: PhrasingContent, before: string, after: string): string | undefined {
  switch (node.type) {
    case 'text':
      return inertLines(node.value, before, after) ? node.value : undefined
    case 'inlineCode':
      return plainCode.test(node.value) ? `\`${node.value}\`` : undefined
    case 'strong': {
      const text = onlyText(node.children)
      return text !== undefined && attentionText.test(text) ? `**${text}**` : undefined
    }
    case 'emphasis': {
      const text = onlyText(node.children)
      if (text === undefined || !attentionText.test(text)) return undefined
      return openAfter.test(before) && closeBefore.test(after) ? `_${text}_` : undefined
    }
    case 'link': {
      const text = onlyText(node.children)
      if (text === undefined || node.title || !plainUrl.test(node.url)) return undefined
      return inertText(text, '[', ']') && !/^ | $/.test(text) ? `[${text}](${node.url})` : undefined
    }
    default:
      return undefined
  }
}

/** Text over soft line breaks, each line inert where it stands (a new line starts with a letter). */
function inertLines(value: string, before: string, after: string): boolean {
  if (!value.includes('\n')) return inertText(value, before, after)
  const lines = value.split('\n')
  return lines.every((line, i) =>
    inertText(line, i === 0 ? before : '\n', i === lines.length - 1 ? after : '\n'),
  )
}

function onlyText(children: readonly PhrasingContent[]): string | undefined {
  const [only] = children
  return children.length === 1 && only?.type === 'text' ? only.value : undefined
}

/**
 * A prose tree as block Markdown without a trailing newline, as `remark-stringify` writes it with our
 * options; undefined when it holds anything else.
 */
export function simpleBlocks(tree: Root): string | undefined {
  // Note: a list after a list (even with a paragraph between) may get the other bullet.
  if (tree.children.filter((node) => node.type === 'list').length > 1) return undefined
  const blocks = mapAll(tree.children, simpleBlock)
  return blocks === undefined || blocks.length === 0 ? undefined : blocks.join('\n\n')
}

function simpleBlock(node: RootContent): string | undefined {
  switch (node.type) {
    case 'paragraph':
      return node.children.length === 0 ? undefined : simplePhrasing(node.children, 'line')
    case 'list': {
      // Note: an item of more than one line gets its other lines indented.
      const items = mapAll(tightItems(node) ?? [], (p) => simplePhrasing(p.children, 'line'))
      return items?.length && !items.some((item) => item.includes('\n'))
        ? items.map((item) => `- ${item}`).join('\n')
        : undefined
    }
    case 'table':
      return simpleTable(node)
    default:
      return undefined
  }
}

/** A table as mdast-util-gfm-table writes it: cells padded to their column's width (markdown-table). */
function simpleTable(node: Table): string | undefined {
  const width = node.children[0]?.children.length ?? 0
  if (width === 0 || node.align?.length !== width) return undefined
  const matrix: string[][] = []
  for (const row of node.children) {
    if (row.children.length !== width) return undefined
    const cells: string[] = []
    for (const cell of row.children) {
      const text = cell.children.length === 0 ? '' : simplePhrasing(cell.children, 'cell')
      if (text === undefined) return undefined
      cells.push(text)
    }
    matrix.push(cells)
  }
  return markdownTable(matrix, { align: node.align, fillRows: false })
}
