import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml'
import type { Document, Node as YamlNode, YAMLError } from 'yaml'
import type { DataPath, Diagnostic, DiagnosticCode } from '../diagnostics.js'
import { decodeText } from './decode-text.js'
import { LineIndex } from './line-index.js'
import type { EventRead, FoundNode, NodeFinder, SourceNode } from './yaml-events.js'
import { readByEvents } from './yaml-events.js'

/** Limits the loader enforces before and while parsing. */
export interface SourceLimits {
  /** Files above this many bytes are rejected before parsing (default 1 MiB). */
  maxFileBytes: number
  /** Collections nested deeper than this are rejected (default 32). */
  maxDepth: number
}

/** The limits used when none are given: 1 MiB per file, 32 levels of nesting. */
export const defaultLimits: SourceLimits = { maxFileBytes: 1024 * 1024, maxDepth: 32 }

/** A parsed YAML file: its plain data when it is sound, and the document to locate paths in. */
export interface ParsedSource {
  file: string
  /** The plain data of the top-level mapping; undefined when any error was found. */
  data: Record<string, unknown> | undefined
  /**
   * `yaml`'s document of the file; undefined when it could not be decoded. A plain file is read by a
   * faster parser: its document is parsed the first time this is read.
   */
  doc: Document.Parsed | undefined
  /** Where the value at a data path (or its deepest written ancestor) is in the text. */
  nodeAt: NodeFinder
  /** Line starts of the decoded text, to turn offsets into line:column. */
  lines: LineIndex
  /** The decoded text (BOM removed); empty when the file could not be decoded. */
  text: string
  diagnostics: Diagnostic[]
}

const yamlErrorCodes: Partial<Record<string, DiagnosticCode>> = {
  DUPLICATE_KEY: 'YAML_DUPLICATE_KEY',
  TAB_AS_INDENT: 'YAML_TAB_INDENT',
  MULTIPLE_DOCS: 'YAML_MULTIPLE_DOCUMENTS',
  RESOURCE_EXHAUSTION: 'YAML_TOO_DEEP',
  BAD_ALIAS: 'YAML_ALIAS',
  TAG_RESOLVE_FAILED: 'YAML_TAG',
  BAD_DIRECTIVE: 'YAML_DIRECTIVE',
}

const yamlHints: Partial<Record<DiagnosticCode, string>> = {
  YAML_DUPLICATE_KEY: 'Remove or rename one of the two keys.',
  YAML_TAB_INDENT: 'Indent with spaces; YAML does not allow tabs for indentation.',
  YAML_MULTIPLE_DOCUMENTS: 'Keep one incident per file: move the part after `---` into its own file.',
  YAML_TOO_DEEP: 'Incident records are shallow; flatten the nested collections.',
  YAML_ALIAS: 'Write the value out in full; anchors and aliases are not allowed in records.',
  YAML_TAG: 'Remove the tag; records use plain YAML values only (quote the value if it should be a string).',
  YAML_DIRECTIVE: 'Remove the directive; records are read as YAML 1.2.',
  YAML_SYNTAX: 'Check indentation, quotes and brackets around this position.',
}

/**
 * Decodes and parses one record file into plain data, reporting every problem as a diagnostic.
 * Never throws on any input: YAML 1.2 core schema only, no tags, anchors, aliases or directives,
 * one document, a mapping at the top, bounded nesting. Plain files are read by js-yaml's event parser
 * (`yaml-events.ts`), the rest by `yaml`; `reader: 'yaml'` reads every file with `yaml`, the reference
 * the fast reader is tested against.
 */
export function parseSource(
  bytes: Uint8Array,
  file: string,
  limits: SourceLimits = defaultLimits,
  reader: 'fastest' | 'yaml' = 'fastest',
): ParsedSource {
  const result: ParsedSource = {
    file,
    data: undefined,
    doc: undefined,
    nodeAt: (path) => (result.doc ? documentNodeAt(result.doc, path) : undefined),
    lines: new LineIndex(''),
    text: '',
    diagnostics: [],
  }
  const fail = (code: DiagnosticCode, message: string, line = 1, column = 1, hint = yamlHints[code]) => {
    result.diagnostics.push({ code, severity: 'error', message, file, line, column, ...(hint && { hint }) })
    return result
  }

  if (bytes.length > limits.maxFileBytes) return unreadable(file, fileTooLarge(file, bytes.length, limits))

  const decoded = decodeText(bytes)
  if (!decoded.ok)
    return fail(
      'INVALID_UTF8',
      'file is not valid UTF-8',
      decoded.line,
      decoded.column,
      'Save the file as UTF-8 (check the encoding setting of your editor or export tool).',
    )
  const text = decoded.text
  result.text = text
  const lines = new LineIndex(text)
  result.lines = lines

  const fast = reader === 'fastest' ? readByEvents(text, limits.maxDepth) : undefined
  if (fast) return new FastSource(file, fast, lines, text)

  let doc: Document.Parsed
  try {
    doc = yamlDocument(text)
  } catch (error) {
    // Note: yaml reports most resource problems itself; this is the safety net for the rest.
    if (error instanceof RangeError) return fail('YAML_TOO_DEEP', 'file nests too deeply to be read')
    throw error
  }
  result.doc = doc

  const at = (offset: number) => {
    const pos = lines.position(offset)
    return [pos.line, pos.column] as const
  }
  const reported = new Set<number>()
  const report = (error: YAMLError) => {
    const code = yamlErrorCodes[error.code] ?? 'YAML_SYNTAX'
    const [line, column] = at(error.pos[0])
    // One mistake often trips several parser errors on the same line; the first one says it best.
    if (reported.has(line)) return
    reported.add(line)
    fail(code, yamlMessage(error, text), line, column)
  }
  // Note: yaml only warns about unknown tags; every warning is an error here.
  const problems = [...doc.errors, ...doc.warnings]
  const tooDeep = problems.filter((e) => e.code === 'RESOURCE_EXHAUSTION')
  if (tooDeep.length > 0) {
    // The parser runs out of stack somewhere inside; one diagnostic at the earliest place is enough.
    const first = tooDeep.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a))
    return fail(
      'YAML_TOO_DEEP',
      `collections are nested too deeply to read (the limit is ${limits.maxDepth} levels)`,
      ...at(first.pos[0]),
    )
  }
  for (const error of problems) report(error)

  if (doc.directives.yaml.explicit && doc.directives.yaml.version !== '1.2')
    fail('YAML_DIRECTIVE', `\`%YAML ${doc.directives.yaml.version}\` directive: records are YAML 1.2`, 1, 1)
  for (const handle of Object.keys(doc.directives.tags))
    if (handle !== '!' && handle !== '!!')
      fail('YAML_DIRECTIVE', `\`%TAG ${handle}\` directive is not allowed`, 1, 1)
  if (result.diagnostics.length > 0) return result

  if (
    doc.contents === null ||
    (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '')
  )
    return fail('EMPTY_FILE', 'file holds no incident record', 1, 1, 'Start from `postmortem new <title>`.')
  checkNodes(text, doc.contents, limits.maxDepth, (code, message, offset) =>
    fail(code, message, ...at(offset)),
  )
  if (result.diagnostics.length > 0) return result

  if (!isMap(doc.contents))
    return fail(
      'NOT_A_MAPPING',
      `the top of the file must be a mapping of \`key: value\` lines, got a ${describeNode(doc.contents)}`,
      ...at(doc.contents.range[0]),
      'Write `key: value` lines at the top level (no leading `- `).',
    )
  result.data = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>
  return result
}

/**
 * A file the fast reader read (see `readByEvents`): `yaml`'s document is parsed only when asked.
 *
 * Note: a class, with the getter on its prototype. As an object literal with a getter (V8 makes such a
 * literal in its runtime, not from a boilerplate), every read record stayed reachable from the old
 * generation: its data, events and everything made from them survived each scavenge until a full
 * collection, and reading a record took 0.21 instead of 0.13 ms (and ~12 MB went to the old generation
 * every ~150 records).
 */
class FastSource implements ParsedSource {
  readonly diagnostics: Diagnostic[] = []
  readonly data: Record<string, unknown>
  #doc: Document.Parsed | undefined

  constructor(
    readonly file: string,
    private readonly fast: EventRead,
    readonly lines: LineIndex,
    readonly text: string,
  ) {
    this.data = fast.data
  }

  get doc(): Document.Parsed {
    return (this.#doc ??= yamlDocument(this.text))
  }

  /** An own property, as it was in the object this class replaced: callers may take it on its own. */
  readonly nodeAt = (path: DataPath): FoundNode | undefined => {
    const found = this.fast.nodeAt(path)
    return found === 'ask-document' ? documentNodeAt(this.doc, path) : found
  }
}

/** The document as `yaml` reads it, by the rules `parseSource` accepts (its checks come after). */
function yamlDocument(text: string): Document.Parsed {
  return parseDocument(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    merge: false,
    prettyErrors: false,
  })
}

/**
 * Walks the document without recursion, rejecting aliases, anchors, explicit tags, non-scalar keys
 * and nesting past `maxDepth`, so that later recursive code only ever sees shallow, plain data.
 */
function checkNodes(
  text: string,
  root: YamlNode,
  maxDepth: number,
  report: (code: DiagnosticCode, message: string, offset: number) => void,
): void {
  const stack: Array<[YamlNode, number]> = [[root, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    const offset = node.range?.[0] ?? 0
    if (isAlias(node)) {
      report('YAML_ALIAS', `alias \`*${node.source}\` is not allowed`, offset)
      continue
    }
    // Node ranges leave out the `&name` and `!tag` properties written before the value.
    if (node.anchor)
      report(
        'YAML_ALIAS',
        `anchor \`&${node.anchor}\` is not allowed`,
        propertyOffset(text, `&${node.anchor}`, offset),
      )
    // Note: for parsed documents yaml sets `tag` only when the source wrote one explicitly.
    if (node.tag)
      report('YAML_TAG', `tag \`${shortTag(node.tag)}\` is not allowed`, propertyOffset(text, '!', offset))
    if (!isCollection(node)) continue
    if (depth > maxDepth) {
      report('YAML_TOO_DEEP', `collections are nested more than ${maxDepth} levels deep`, offset)
      return
    }
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        const key = item.key as YamlNode | null
        if (key && !isScalar(key)) {
          report('YAML_SYNTAX', 'keys must be plain strings', key.range?.[0] ?? offset)
          continue
        }
        if (key) stack.push([key, depth + 1])
        if (item.value) stack.push([item.value as YamlNode, depth + 1])
      } else if (item) stack.push([item as YamlNode, depth + 1])
    }
  }
}

/** The diagnostic for a file over the size cap. */
export function fileTooLarge(file: string, size: number, limits: SourceLimits): Diagnostic {
  return {
    code: 'FILE_TOO_LARGE',
    severity: 'error',
    message: `file is ${size} bytes, more than the limit of ${limits.maxFileBytes}`,
    hint: 'Split the record or move bulky data (long metric series) out of it; the cap is `max_file_bytes` in postmortem.config.yaml.',
    file,
    line: 1,
    column: 1,
  }
}

/** A source that could not be parsed at all. */
export function unreadable(file: string, diagnostic: Diagnostic): ParsedSource {
  return {
    file,
    data: undefined,
    doc: undefined,
    nodeAt: () => undefined,
    lines: new LineIndex(''),
    text: '',
    diagnostics: [diagnostic],
  }
}

/** The node at `path` in `yaml`'s document (or the deepest existing ancestor), and whether all was found. */
function documentNodeAt(doc: Document.Parsed, path: DataPath): FoundNode | undefined {
  if (!doc.contents) return undefined
  let node = doc.contents as YamlNode
  let keyNode: YamlNode | undefined
  for (const part of path) {
    let next: YamlNode | undefined
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value ?? '') === String(part))
      if (pair) {
        keyNode = pair.key as YamlNode
        next = (pair.value as YamlNode | null) ?? keyNode
      }
    } else if (isSeq(node) && typeof part === 'number') {
      next = node.items[part] as YamlNode | undefined
      keyNode = undefined
    }
    if (!next) return { node: sourceNode(node), found: false }
    node = next
  }
  return { node: sourceNode(node), ...(keyNode && { keyNode: sourceNode(keyNode) }), found: true }
}

function sourceNode(node: YamlNode): SourceNode {
  const [start = 0, end] = node.range ?? []
  if (!isScalar(node)) return { start, end: undefined, style: isMap(node) ? 'MAP' : 'SEQ', source: undefined }
  const style = (node.type ?? 'PLAIN') as SourceNode['style']
  return { start, end, style, source: typeof node.source === 'string' ? node.source : undefined }
}

/** 1-based line and column of the value (or key) at `path`; the nearest ancestor when absent. */
export function locate(
  source: Pick<ParsedSource, 'nodeAt' | 'lines'>,
  path: DataPath,
  target: 'value' | 'key' = 'value',
): { line: number; column: number } {
  const at = source.nodeAt(path)
  if (!at) return { line: 1, column: 1 }
  const anchor = at.found && target === 'key' && at.keyNode ? at.keyNode : at.node
  return source.lines.position(anchor.start)
}

/**
 * Where character `index` of the string at `path` sits in the file: exact for one-line plain or
 * quoted scalars and for literal blocks (`|`), else the start of the value.
 */
export function locateText(
  source: Pick<ParsedSource, 'nodeAt' | 'lines' | 'text' | 'data'>,
  path: DataPath,
  index: number,
): { line: number; column: number } {
  const at = source.nodeAt(path)
  if (!at) return { line: 1, column: 1 }
  const start = source.lines.position(at.node.start)
  const { node, found } = at
  if (!found || node.end === undefined || node.source === undefined) return start
  if (
    typeof path.reduce<unknown>((v, part) => (v as Record<string, unknown>)?.[part], source.data) !== 'string'
  )
    return start
  const raw = source.text.slice(node.start, node.end)
  const before = node.source.slice(0, index)
  switch (node.style) {
    case 'PLAIN':
      return raw.includes('\n') ? start : { line: start.line, column: start.column + index }
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      // Escapes change widths; only a plain run of characters maps one to one.
      return raw.includes('\n') || /\\|''/.test(raw)
        ? start
        : { line: start.line, column: start.column + 1 + index }
    case 'BLOCK_LITERAL': {
      const lines = raw.split('\n')
      // An explicit indentation indicator (`|2`) sets the indent relative to the parent: not worth guessing.
      if (/\d/.test(lines[0] ?? '')) return start
      const indent =
        lines
          .slice(1)
          .find((l) => l.trim() !== '')
          ?.match(/^ */)?.[0].length ?? 0
      const row = before.split('\n').length - 1
      const col = before.length - before.lastIndexOf('\n') - 1
      return { line: start.line + 1 + row, column: indent + col + 1 }
    }
    default:
      return start
  }
}

/** The source text of the scalar at `path` as written (`007` for a value YAML read as 7). */
export function sourceAt(source: Pick<ParsedSource, 'nodeAt'>, path: DataPath): string | undefined {
  const at = source.nodeAt(path)
  return at?.found ? at.node.source : undefined
}

/** The offset of a node property (`&a`, `!tag`) written shortly before the node's value. */
function propertyOffset(text: string, marker: string, valueOffset: number): number {
  const found = text.lastIndexOf(marker, valueOffset)
  return found >= 0 && valueOffset - found < 1024 ? found : valueOffset
}

/** `tag:yaml.org,2002:str` as users write it: `!!str`. */
function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag
}

/** A parser error in our words where yaml's are library advice or name no key. */
function yamlMessage(error: YAMLError, text: string): string {
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second `---`)'
    case 'DUPLICATE_KEY':
      return `key \`${text.slice(error.pos[0], error.pos[1]).trim()}\` appears twice in this mapping`
    case 'TAG_RESOLVE_FAILED': {
      const tag = /tag: (\S+)/i.exec(error.message)?.[1]
      return tag ? `tag \`${shortTag(tag)}\` is not allowed` : 'tags are not allowed'
    }
    default:
      return lowerFirst(error.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, ''))
  }
}

function describeNode(node: YamlNode): string {
  if (isSeq(node)) return 'list'
  if (isScalar(node)) return node.value === null ? 'null value' : `${typeof node.value} value`
  return 'value'
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1)
}
