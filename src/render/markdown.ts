/**
 * The prose pipeline: a record's Markdown fields (summary, trigger, root cause details, lessons, timeline
 * text, …) are parsed once, made safe to embed in a postmortem, and serialised for the context they land
 * in: a section body, one line of a list, or a table cell.
 */
import type { Definition, Nodes, Paragraph, PhrasingContent, Root, RootContent, TableCell, Text } from 'mdast'
import { gfmToMarkdown } from 'mdast-util-gfm'
import type { Handle, Options } from 'mdast-util-to-markdown'
import { defaultHandlers, toMarkdown } from 'mdast-util-to-markdown'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkStringify from 'remark-stringify'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { inertText, simpleBlocks, simplePhrasing } from './simple-markdown.js'
import { simpleProse } from './simple-prose.js'

// Escaping checks ~50 patterns on every text (~0.8 ms of a postmortem), yet most texts are words that
// no escape of mdast-util-to-markdown applies to (`inertText`). `fastText` writes those as they are;
// anything else goes to the default handler; a differential test compares the two in every context.
export const fastText: Handle = (node: Text, parent, state, info) =>
  inertText(node.value, info.before ?? '', info.after ?? '')
    ? node.value
    : defaultHandlers.text(node, parent, state, info)

// Note: `***` rather than `---` for rules, which can never turn a paragraph line above into a heading.
// `resourceLink`, because to-markdown writes a GFM email literal such as `0@.A` as `<0@.A>`, which
// CommonMark does not read back as a link.
const stringifyOptions = {
  bullet: '-',
  emphasis: '_',
  strong: '*',
  fences: true,
  rule: '*',
  listItemIndent: 'one',
  resourceLink: true,
  handlers: { text: fastText },
} satisfies Options

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkStringify, stringifyOptions).freeze()

// Note: without alignment padding the cell's content sits alone between `| ` and ` |`.
const cellOptions: Options = { ...stringifyOptions, extensions: [gfmToMarkdown({ tablePipeAlign: false })] }

const allowedUrl = /^(?:https?|mailto):/i
const mention = /@(?=[\p{L}\p{N}])/gu
const neutralisedMention = /@\u200B/g
const lineEnding = /[\t ]*(?:\r\n|\r|\n)[\t ]*/g
const flowParents = new Set<string>(['root', 'blockquote', 'listItem', 'footnoteDefinition'])

/**
 * Parse a prose field and make it safe to embed: headings become bold paragraphs, raw HTML (tags and
 * comments) becomes literal text, `@mentions` are neutralised with a zero-width space, links and images
 * whose URL is not `http:`/`https:`/`mailto:` keep only their text, and references are resolved inline so
 * no definition leaks into the rest of the page. Lists, tables, code, quotes and emphasis stay as written.
 */
export function parseProse(text: string): Root {
  return plainParagraph(text) ?? simpleProse(text) ?? remarkProse(text)
}

/** `parseProse` by remark alone: the reference its faster readers are tested against. */
export function remarkProse(text: string): Root {
  return madeSafe(processor.parse(text))
}

/** What `parseProse` does to a parsed tree (see there), in place. */
function madeSafe(tree: Root): Root {
  const definitions = new Map<string, Definition>()
  visit(tree, 'definition', (node) => {
    // The first definition of a label wins, as in CommonMark.
    if (!definitions.has(node.identifier)) definitions.set(node.identifier, node)
  })

  visit(tree, (node, index, parent) => {
    if (parent === undefined || index === undefined) return
    const replace = (...nodes: Nodes[]) => {
      parent.children.splice(index, 1, ...(nodes as typeof parent.children))
      // Visit the replacements too: they may hold text, links or more HTML.
      return index
    }
    switch (node.type) {
      case 'heading':
        return node.children.length === 0
          ? replace()
          : replace({ type: 'paragraph', children: [{ type: 'strong', children: node.children }] })
      case 'html': {
        const literal: Text = { type: 'text', value: node.value }
        return replace(flowParents.has(parent.type) ? { type: 'paragraph', children: [literal] } : literal)
      }
      case 'definition':
        return replace()
      case 'link':
        return allowedUrl.test(node.url) ? undefined : replace(...node.children)
      case 'image':
        return allowedUrl.test(node.url) ? undefined : replace(...altText(node.alt))
      case 'linkReference': {
        const definition = definitions.get(node.identifier)
        if (definition === undefined || !allowedUrl.test(definition.url)) return replace(...node.children)
        return replace({
          type: 'link',
          url: definition.url,
          title: definition.title,
          children: node.children,
        })
      }
      case 'imageReference': {
        const definition = definitions.get(node.identifier)
        if (definition === undefined || !allowedUrl.test(definition.url)) return replace(...altText(node.alt))
        return replace({ type: 'image', url: definition.url, title: definition.title, alt: node.alt })
      }
      default:
        return
    }
  })

  // Note: unwrapping links and HTML can leave `@` and a name in neighbouring text nodes, which serialise
  // as one word; merge neighbours before neutralising mentions.
  visit(tree, (node) => {
    if (node.type === 'text') node.value = node.value.replace(mention, '@\u200B')
    else if ('children' in node) mergeAdjacentText(node.children as Nodes[])
  })
  return tree
}

// Characters that may start Markdown syntax anywhere in a line, and at the start of a line.
const inlineSyntax = /[\\`*_[\]<>|~&!@:#\r\n\t]|www\./i
const lineStartSyntax = /^[\s\-+=>#0-9]/
const plainTrees = new WeakSet<Root>()

/**
 * Most timeline texts and titles are one line of words and punctuation without any Markdown syntax;
 * remark would parse them to one paragraph holding one text node. Build that tree directly (micromark
 * costs ~0.5 ms a field), and remember it so serialising it needs no work either.
 */
function plainParagraph(text: string): Root | undefined {
  const line = text.replace(/\n+$/, '')
  if (line === '' || inlineSyntax.test(line) || lineStartSyntax.test(line) || /\s$/.test(line))
    return undefined
  const tree: Root = {
    type: 'root',
    children: [{ type: 'paragraph', children: [{ type: 'text', value: line }] }],
  }
  plainTrees.add(tree)
  return tree
}

/** The text of a tree built by the plain-paragraph fast path, or undefined for any other tree. */
export function plainValue(tree: Root): string | undefined {
  if (!plainTrees.has(tree)) return undefined
  const paragraph = tree.children[0]
  const text = paragraph?.type === 'paragraph' ? paragraph.children[0] : undefined
  return text?.type === 'text' ? text.value : undefined
}

// A one-line field that starts like none of these is a paragraph wherever it stands: several of them,
// blank lines between, parse to one paragraph each (a block construct can only start a line).
const blockStart = /^[\s\-+*=>#0-9`~<[|_\\]/

/**
 * Prose fields parsed together, as `parseProse` would parse each: `tree(text)` hands out a tree at
 * once (empty until `parse()` fills it), so a view can be built first. One-line fields are parsed as
 * one document, a paragraph each: remark's set-up per call (~70 µs) costs more than such a field.
 */
export class ProseBatch {
  private readonly pending: Array<{ text: string; tree: Root }> = []

  tree(text: string): Root {
    const tree: Root = { type: 'root', children: [] }
    this.pending.push({ text, tree })
    return tree
  }

  /** Fills every tree handed out since the last call. */
  parse(): void {
    const lines: Array<{ line: string; tree: Root }> = []
    for (const { text, tree } of this.pending.splice(0)) {
      const plain = plainParagraph(text)
      const line = text.replace(/\n+$/, '')
      const simple = plain ? undefined : simpleProse(text)
      if (plain) {
        tree.children = plain.children
        plainTrees.add(tree)
      } else if (simple) tree.children = simple.children
      else if (line.trim() !== '' && !/[\r\n]/.test(line) && !blockStart.test(line))
        lines.push({ line, tree })
      // Note: neither the plain nor the simple reader took it.
      else tree.children = remarkProse(text).children
    }
    if (lines.length === 0) return
    const doc = processor.parse(lines.map((l) => l.line).join('\n\n'))
    const apart = doc.children.length === lines.length && doc.children.every((c) => c.type === 'paragraph')
    for (const [i, { line, tree }] of lines.entries())
      tree.children = apart
        ? madeSafe({ type: 'root', children: [doc.children[i]!] }).children
        : parseProse(line).children
  }
}

function mergeAdjacentText(children: Nodes[]): void {
  for (let i = children.length - 1; i > 0; i--) {
    const previous = children[i - 1]
    const current = children[i]
    if (previous?.type === 'text' && current?.type === 'text') {
      previous.value += current.value
      children.splice(i, 1)
    }
  }
}

function altText(alt: string | null | undefined): Text[] {
  return alt ? [{ type: 'text', value: alt }] : []
}

/** Serialise a prose tree as a section body (block Markdown), without a trailing newline. */
export function blockMarkdown(tree: Root): string {
  return plainValue(tree) ?? simpleBlocks(tree) ?? remarkBlockMarkdown(tree)
}

/** `blockMarkdown` by mdast-util-to-markdown alone: the reference `simpleBlocks` is tested against. */
export function remarkBlockMarkdown(tree: Root): string {
  return processor.stringify(tree).replace(/\n+$/, '')
}

/**
 * Flatten a prose tree to one line of inline Markdown, for a list item or a sentence: the phrasing of
 * every block joined by spaces (code blocks become code spans, rules vanish, line breaks become spaces).
 * A line that would start a block (`# `, `- `, `1. `, `>`) is escaped and stays text.
 */
export function inlineMarkdown(tree: Root): string {
  return phrasingOnOneLine(tree, 'line', remarkInline)
}

/** `inlineMarkdown` by mdast-util-to-markdown alone, for the tests. */
export function remarkInlineMarkdown(tree: Root): string {
  return plainValue(tree) ?? remarkInline(oneLine(tree))
}

function remarkInline(children: PhrasingContent[]): string {
  const paragraph: Paragraph = { type: 'paragraph', children }
  return processor.stringify({ type: 'root', children: [paragraph] }).replace(/\n+$/, '')
}

/**
 * Like `inlineMarkdown()`, for a GFM table cell: pipes are escaped, also inside code spans. Returns `''`
 * for an empty tree.
 */
export function cellMarkdown(tree: Root): string {
  return phrasingOnOneLine(tree, 'cell', remarkCell)
}

/** `cellMarkdown` by mdast-util-to-markdown alone, for the tests. */
export function remarkCellMarkdown(tree: Root): string {
  return plainValue(tree) ?? remarkCell(oneLine(tree))
}

function remarkCell(children: PhrasingContent[]): string {
  const tableCell: TableCell = { type: 'tableCell', children }
  const table: RootContent = { type: 'table', children: [{ type: 'tableRow', children: [tableCell] }] }
  const markdown = toMarkdown({ type: 'root', children: [table] }, cellOptions)
  // The first line is `| content |`, or `| |` when empty.
  const row = markdown.slice(0, markdown.indexOf('\n'))
  return row.length > 3 ? row.slice(2, -2) : ''
}

/** A tree's phrasing on one line in `place`: as it is, by `simplePhrasing`, else by `write`. */
function phrasingOnOneLine(
  tree: Root,
  place: 'line' | 'cell',
  write: (children: PhrasingContent[]) => string,
): string {
  const plain = plainValue(tree)
  if (plain !== undefined) return plain
  const children = oneLine(tree)
  return simplePhrasing(children, place) ?? write(children)
}

/** The text content, whitespace collapsed, mentions as written; not Markdown, escape it to embed it. */
export function plainText(tree: Root): string {
  return textOf(tree).replace(/\s+/g, ' ').trim().replace(neutralisedMention, '@')
}

const phrasingParents = new Set<string>([
  'paragraph',
  'heading',
  'tableCell',
  'emphasis',
  'strong',
  'delete',
  'link',
  'linkReference',
])

function textOf(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
    case 'html':
      return node.value
    case 'image':
    case 'imageReference':
      return node.alt ?? ''
    case 'break':
      return ' '
    default:
      return 'children' in node
        ? (node.children as Nodes[]).map(textOf).join(phrasingParents.has(node.type) ? '' : ' ')
        : ''
  }
}

/** The phrasing of every block, as copies on one line, joined by spaces and trimmed (see `inlineMarkdown`). */
export function oneLine(tree: Root): PhrasingContent[] {
  const pieces: PhrasingContent[][] = []
  collectPhrasing(tree, pieces)
  const children = pieces
    .filter((piece) => piece.length > 0)
    .flatMap((piece, i) => (i === 0 ? piece : [{ type: 'text', value: ' ' } as Text, ...piece]))
  const first = children[0]
  if (first?.type === 'text') first.value = first.value.replace(/^[\t ]+/, '')
  const last = children.at(-1)
  if (last?.type === 'text') last.value = last.value.replace(/[\t ]+$/, '')
  return children
}

function collectPhrasing(node: Nodes, pieces: PhrasingContent[][]): void {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
    case 'tableCell':
      pieces.push(node.children.map(copyOnOneLine))
      return
    case 'code':
      pieces.push([{ type: 'inlineCode', value: node.value.replace(lineEnding, ' ') }])
      return
    case 'html':
      pieces.push([{ type: 'text', value: node.value.replace(lineEnding, ' ') }])
      return
    case 'thematicBreak':
    case 'definition':
      return
    default:
      // Containers: root, blockquote, list, list item, table, row, footnote definition.
      if ('children' in node) for (const child of node.children as Nodes[]) collectPhrasing(child, pieces)
  }
}

function copyOnOneLine(node: PhrasingContent): PhrasingContent {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return { ...node, value: node.value.replace(lineEnding, ' ') }
    case 'html':
      return { type: 'text', value: node.value.replace(lineEnding, ' ') }
    case 'break':
      return { type: 'text', value: ' ' }
    case 'image':
      return { ...node, alt: onOneLine(node.alt), title: onOneLine(node.title) }
    case 'imageReference':
      return { ...node, alt: onOneLine(node.alt) }
    case 'link':
      return { ...node, title: onOneLine(node.title), children: node.children.map(copyOnOneLine) }
    default:
      return 'children' in node
        ? ({ ...node, children: (node.children as PhrasingContent[]).map(copyOnOneLine) } as PhrasingContent)
        : { ...node }
  }
}

function onOneLine(value: string | null | undefined): string | null {
  return value?.replace(lineEnding, ' ') ?? null
}
