/**
 * The YAML text side of record editing (edit-record.ts): one parse of the text with its layout (indent
 * step, sequence style, line endings), the splices that change it, and the generated YAML for new
 * values in the file's own style.
 */
import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  Pair,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml'
import type { CST, Node as YamlNode } from 'yaml'
import { PostmortemError } from '../errors.js'

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain }

export type Collection = YAMLMap<unknown, unknown> | YAMLSeq<unknown>

export interface Splice {
  start: number
  end: number
  text: string
  /** Index of the edit the splice belongs to. */
  edit?: number
  /** The collection an insertion adds to. */
  into?: YamlNode
}

/** Where a value sits: its collection, and its pair (in a mapping) or index (in a sequence). */
export interface Slot {
  parent: Collection
  pair?: Pair<unknown, unknown>
  index?: number
  node: YamlNode | null
}

/** A record that cannot be edited safely; the message says why and how to fix it. */
export class EditError extends PostmortemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EditError'
  }
}

/** The file on disk is not the one the caller read: someone else edited it in between. */
export class EditConflictError extends EditError {
  constructor(message: string) {
    super(message)
    this.name = 'EditConflictError'
  }
}

/** One parse of the text being edited, with the layout facts that generated YAML should follow. */
export class Source {
  readonly doc: Document.Parsed
  readonly data: Record<string, Plain>
  readonly eol: string
  private layoutCache: { indent: number; indentSeq: boolean } | undefined

  constructor(readonly text: string) {
    const doc = parseDocument(text, {
      version: '1.2',
      schema: 'core',
      uniqueKeys: true,
      merge: false,
      keepSourceTokens: true,
      prettyErrors: false,
    })
    const problem = doc.errors[0] ?? doc.warnings[0]
    if (problem)
      throw new EditError(
        `the record is not valid YAML (${problem.message.split('\n')[0]}); run \`postmortem validate\` and fix it first`,
      )
    if (doc.directives.yaml.explicit || Object.keys(doc.directives.tags).some((h) => h !== '!' && h !== '!!'))
      throw new EditError('the record has a %YAML or %TAG directive; remove it and try again')
    if (!isMap(doc.contents))
      throw new EditError('the top of the record must be a mapping of `key: value` lines')
    rejectAnchorsAndTags(doc.contents)
    this.doc = doc
    this.data = doc.toJS({ maxAliasCount: 0 }) as Record<string, Plain>
    const newline = text.indexOf('\n')
    this.eol = newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n'
  }

  /** 0-based column of an offset. */
  column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1)
  }

  /** The offset where the line holding `offset` starts. */
  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1
  }

  /** The offset just past the line break that ends the line holding `offset`. */
  lineEnd(offset: number): number {
    const i = this.text.indexOf('\n', offset)
    return i === -1 ? this.text.length : i + 1
  }

  /** The indentation step and sequence style of the file's first nested block collections. */
  get layout(): { indent: number; indentSeq: boolean } {
    if (this.layoutCache) return this.layoutCache
    let indent: number | undefined
    let seqOffset: number | undefined
    const stack: YamlNode[] = [this.doc.contents as YamlNode]
    while (stack.length > 0 && (indent === undefined || seqOffset === undefined)) {
      const node = stack.pop()!
      if (!isCollection(node) || node.flow) continue
      for (const item of [...node.items].reverse()) {
        if (!isPair(item)) {
          stack.push(item as YamlNode)
          continue
        }
        const [key, value] = [item.key as YamlNode, item.value as YamlNode | null]
        if (!value || !isCollection(value) || value.flow || value.items.length === 0) continue
        const keyColumn = this.column(key.range![0])
        if (isMap(value)) indent ??= this.column((value.items[0]!.key as YamlNode).range![0]) - keyColumn
        else seqOffset ??= this.column(dashOffset(value as YAMLSeq, 0)) - keyColumn
        stack.push(value)
      }
    }
    const step = indent !== undefined && indent >= 1 && indent <= 8 ? indent : 2
    // Note: yaml writes `indentSeq: false` as sequences indented two less than the step.
    this.layoutCache = { indent: step, indentSeq: seqOffset === undefined || seqOffset >= step }
    return this.layoutCache
  }
}

export function rejectAnchorsAndTags(root: YamlNode): void {
  visit(root, (_, node) => {
    if (isAlias(node) || ((isScalar(node) || isCollection(node)) && (node.anchor || node.tag)))
      throw new EditError(
        'the record uses anchors, aliases or tags, which records do not allow; run `postmortem validate` and write those values out in full',
      )
  })
}

/**
 * Whether comment lines indented deeper than `column` follow from line start `at` (up to the next
 * content line). A block scalar written just before them would swallow them as its text.
 */
export function commentsFollow(source: Source, at: number, column: number): boolean {
  while (at < source.text.length) {
    const next = source.lineEnd(at)
    const line = /^([ \t]*)(#|\r?\n?$)/.exec(source.text.slice(at, next))
    if (!line) return false
    if (line[2] === '#' && line[1]!.length > column) return true
    at = next
  }
  return false
}

/** An insertion of whole lines at a line start; at the end of a file without a final newline, too. */
export function insertLines(source: Source, at: number, lines: string): Splice {
  let text = withEol(source, lines)
  if (at === source.text.length && at > 0 && !source.text.endsWith('\n'))
    text = source.eol + text.slice(0, -source.eol.length)
  return { start: at, end: at, text }
}

/** The last scalar or flow collection inside a node: where its text ends. */
function lastLeaf(node: YamlNode): YamlNode {
  let leaf = node
  while (isCollection(leaf) && !leaf.flow && leaf.items.length > 0) {
    const last = leaf.items.at(-1)
    leaf = (isPair(last) ? (last.value ?? last.key) : last) as YamlNode
  }
  return leaf
}

const isBlockScalar = (node: YamlNode) =>
  isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')

/** The offset where a value's own text ends (before trailing comments and the final line break). */
export function valueEnd(source: Source, node: YamlNode): number {
  const leaf = lastLeaf(node)
  let end = leaf.range![1]
  if (isBlockScalar(leaf)) while (end > leaf.range![0] && /[\r\n]/.test(source.text[end - 1]!)) end--
  return end
}

/** The start of the line after a block collection's last line: where new keys or items go. */
export function insertionPoint(source: Source, collection: Collection): number {
  const leaf = lastLeaf(collection)
  // A block scalar's range already ends past its line break (and its kept trailing lines).
  return isBlockScalar(leaf) ? leaf.range![1] : source.lineEnd(leaf.range![1])
}

export function dashOffset(seq: YAMLSeq, index: number): number {
  const token = (seq.srcToken as CST.BlockSequence | undefined)?.items[index]?.start.find(
    (t) => t.type === 'seq-item-ind',
  )
  if (!token) throw new EditError('cannot find the `-` of a list item; is the record valid YAML?')
  return token.offset
}

export function findPair(map: YAMLMap, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key)
}

/** A node for plain data, with the string styles of `stringStyle`. */
export function plainNode(value: Plain | YamlNode, noBlocks: boolean, hint?: Scalar.Type): YamlNode {
  const node = new Document(null).createNode(value) as YamlNode
  visit(node, {
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string')
        scalar.type = stringStyle(scalar.value, noBlocks, scalar === node ? hint : undefined)
    },
  })
  return node
}

/**
 * How a string is written: multi-line text as a literal block, or double-quoted where blocks cannot
 * go (flow context; before indented comment lines); otherwise as the hint (the old value's style) says.
 * Note: never a keep-chomping block (`|+`): the blank lines after it in the file would become part of it.
 */
function stringStyle(value: string, noBlocks: boolean, hint?: Scalar.Type): Scalar.Type | undefined {
  // Note: yaml writes a U+FEFF at the start of a plain key as is, and then reads it as a byte order
  // mark; and its block scalars get a wrong indentation indicator (`|2`) unless the indent step is 2.
  if (value.includes('\uFEFF') || /^[ \n]* /.test(value)) return 'QUOTE_DOUBLE'
  const block = hint === 'BLOCK_LITERAL' || hint === 'BLOCK_FOLDED'
  const multiline = value.includes('\n')
  if (noBlocks) return multiline ? 'QUOTE_DOUBLE' : block ? undefined : hint
  if (!multiline && !block) return hint
  const trailing = /[\n\t ]*$/.exec(value)![0]
  const keep = trailing === value || trailing.indexOf('\n') < trailing.length - 1
  return keep && trailing.includes('\n') ? 'QUOTE_DOUBLE' : block ? hint : 'BLOCK_LITERAL'
}

export function render(source: Source, node: YamlNode, padding = true): string {
  const doc = new Document(null)
  doc.contents = node
  return doc.toString({ ...source.layout, lineWidth: 0, flowCollectionPadding: padding })
}

/** Flow-context text of a value (or of a flow wrapper's items), on one line. */
export function flowText(
  source: Source,
  value: Plain | YamlNode,
  padding: boolean,
  hint?: Scalar.Type,
): string {
  let node = value as YamlNode
  if (!isCollection(value) || !value.flow) {
    node = new YAMLSeq()
    ;(node as YAMLSeq).flow = true
    ;(node as YAMLSeq).items.push(plainNode(value as Plain, true, hint))
  }
  // Note: only ASCII spaces are padding; String#trim would also take U+2028 or U+FEFF from a value.
  return render(source, node, padding)
    .slice(1, -2)
    .replace(/^ +| +$/g, '')
}

/** The text after `key:` for a value whose key is at `column`, without the final line break. */
export function valueText(
  source: Source,
  value: Plain,
  column: number,
  noBlocks: boolean,
  hint?: Scalar.Type,
) {
  const map = new YAMLMap()
  map.items.push(new Pair(new Scalar('k'), plainNode(value, noBlocks, hint)))
  return indentLines(render(source, map), column).slice(column + 2, -1)
}

/** The text after `-` for a sequence item whose dash is at `column`, without the final line break. */
export function itemText(
  source: Source,
  value: Plain,
  column: number,
  noBlocks: boolean,
  hint?: Scalar.Type,
) {
  const seq = new YAMLSeq()
  seq.items.push(plainNode(value, noBlocks, hint))
  return indentLines(render(source, seq), column).slice(column + 1, -1)
}

export function indentLines(text: string, column: number): string {
  // Note: not a /^/m regex, which would also match after U+2028 and U+2029 inside strings.
  const pad = ' '.repeat(column)
  return column === 0
    ? text
    : text
        .split('\n')
        .map((line) => (line ? pad + line : line))
        .join('\n')
}

export function withEol(source: Source, text: string): string {
  return source.eol === '\n' ? text : text.replace(/\n/g, source.eol)
}

/** Applies splices sorted by offset that do not overlap. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  if (splices.length === 0) return text
  const parts: string[] = []
  let at = 0
  for (const splice of splices) {
    if (splice.start < at) throw new Error('bug: overlapping record edits')
    parts.push(text.slice(at, splice.start), splice.text)
    at = splice.end
  }
  parts.push(text.slice(at))
  return parts.join('')
}
