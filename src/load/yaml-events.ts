/**
 * The fast way to read a record: events (from `lineEvents`, a line at a time, or else js-yaml's event
 * parser) made into data by the small constructor below — together about a fifth of `yaml`'s
 * `parseDocument` cost — for the files that use plain YAML only. Anything else (anchors, aliases,
 * tags, directives, tabs, keys that are not plain words or quoted strings, deep nesting, any error) is
 * left to `yaml`, whose document gives the diagnostics; both read the YAML 1.2 core schema, and a
 * differential test holds the two to the same data and the same positions.
 */
import type { Event, ScalarEvent } from 'js-yaml'
import { CORE_SCHEMA, EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents } from 'js-yaml'
import type { DataPath } from '../diagnostics.js'
import { lineEvents } from './yaml-lines.js'

/** Where a node of the record is written, as `yaml` reports it (offsets into the decoded text). */
export interface SourceNode {
  /** The first character: a quote or a block scalar's `|`/`>` header included. */
  start: number
  /** After the value as written (a closing quote included); collections: unknown. */
  end: number | undefined
  style: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | 'MAP' | 'SEQ'
  /** A scalar's text before the schema reads it (`007` for a value read as 7); collections: undefined. */
  source: string | undefined
}

/** The node at a path, or its deepest ancestor written in the file (`found: false`). */
export interface FoundNode {
  node: SourceNode
  keyNode?: SourceNode
  found: boolean
}

/** Finds the node written at a data path; undefined when the file holds no document. */
export type NodeFinder = (path: DataPath) => FoundNode | undefined

/** What the fast reader gives for a file it can read: the data, and a way to place paths. */
export interface EventRead {
  data: Record<string, unknown>
  /** Places a path from the events; `'ask-document'` where only `yaml`'s document can (empty values). */
  nodeAt: (path: DataPath) => FoundNode | 'ask-document'
}

// Left to `yaml`, found by the differential test or where YAML parsers are known to differ: tabs,
// CR line ends (`yaml` rejects some compact mappings only with CRLF), directives, and numbers with
// 3-digit exponents (`yaml` reads `1e400` as Infinity, js-yaml as text).
const unusualText = /[\t\r]|^%|\d[eE][+-]?\d{3}/m

// Plain keys the fast reader takes: words that the core schema reads as strings (not `null`, `true`…).
const plainKey = /^[A-Za-z][\w-]*$/
const notStringWords = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/

/**
 * Reads `text` when it is plain YAML (see the module comment), or returns undefined: then `yaml`
 * must read it, which reports whatever made it unusual.
 */
export function readByEvents(text: string, maxDepth: number): EventRead | undefined {
  if (unusualText.test(text)) return undefined
  let events: Event[]
  let data: unknown
  try {
    events = lineEvents(text) ?? parseEvents(text, { maxDepth: maxDepth + 1 })
    if (!plainEvents(events, text, maxDepth)) return undefined
    data = construct(events, text)
  } catch {
    // Syntax errors, duplicate keys, too deep: `yaml` says where and why.
    return undefined
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined
  return { data: data as Record<string, unknown>, nodeAt: (path) => find(events, text, path) }
}

/** One document holding a mapping; no anchors, tags or aliases; plain keys; nesting within bounds. */
function plainEvents(events: Event[], text: string, maxDepth: number): boolean {
  let documents = 0
  // Per open collection: whether it is a mapping, and whether its next child is a key.
  const open: Array<{ map: boolean; key: boolean }> = []
  for (const event of events) {
    const parent = open.at(-1)
    const isKey = parent?.map === true && parent.key
    if (parent?.map) parent.key = !parent.key
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents += 1
        if (documents > 1 || event.directives.length > 0) return false
        break
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        if (isKey || event.anchorStart !== -1 || event.tagStart !== -1) return false
        if (open.length === 0 && event.type !== EVENT_ID.MAPPING) return false
        if (open.length + 1 > maxDepth) return false
        open.push({ map: event.type === EVENT_ID.MAPPING, key: true })
        break
      case EVENT_ID.SCALAR:
        if (event.anchorStart !== -1 || event.tagStart !== -1 || open.length === 0) return false
        if (isKey && !stringKey(event, text)) return false
        break
      case EVENT_ID.ALIAS:
        return false
      case EVENT_ID.POP:
        // A document's end pops too, with no collection open.
        open.pop()
        break
    }
  }
  return documents === 1
}

/**
 * The data of events that `plainEvents` accepted, as js-yaml's `constructFromEvents` makes it with the
 * core schema: plain scalars resolved by the schema (null, booleans, numbers, else text), quoted and
 * block ones as text, mappings as plain objects. A key written twice is an error (thrown, so `yaml`
 * reports it).
 *
 * Note: js-yaml's constructor handles tags, anchors, merge keys and every collection type for each
 * event; none can occur here, and it was half of reading a record (0.31 ms of 0.59).
 */
function construct(events: readonly Event[], text: string): unknown {
  const open: Array<{ value: Record<string, unknown> | unknown[]; key: string | undefined }> = []
  let root: unknown
  const add = (value: unknown) => {
    const frame = open.at(-1)
    if (frame === undefined) root = value
    else if (Array.isArray(frame.value)) frame.value.push(value)
    else if (frame.key === undefined) frame.key = String(value)
    else {
      if (Object.hasOwn(frame.value, frame.key)) throw new Error('duplicated mapping key')
      frame.value[frame.key] = value
      frame.key = undefined
    }
  }
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const value = event.type === EVENT_ID.MAPPING ? {} : []
        add(value)
        open.push({ value, key: undefined })
        break
      }
      case EVENT_ID.SCALAR: {
        const source = getScalarValue(text, event)
        add(event.style === SCALAR_STYLE.PLAIN ? CORE_SCHEMA.resolveImplicitScalarTag(source).value : source)
        break
      }
      case EVENT_ID.POP:
        open.pop()
        break
    }
  }
  return root
}

function stringKey(event: ScalarEvent, text: string): boolean {
  if (event.style === SCALAR_STYLE.PLAIN) {
    const key = text.slice(event.valueStart, event.valueEnd)
    return plainKey.test(key) && !notStringWords.test(key)
  }
  if (event.style !== SCALAR_STYLE.SINGLE_QUOTED && event.style !== SCALAR_STYLE.DOUBLE_QUOTED) return false
  return getScalarValue(text, event) !== '__proto__'
}

/** The scalar as `yaml` places it; undefined for an empty value (`key:`), which has no offsets here. */
function scalarNode(event: ScalarEvent, text: string): SourceNode | undefined {
  const { valueStart: start, valueEnd: end } = event
  if (start < 0) return undefined
  const source = getScalarValue(text, event)
  switch (event.style) {
    case SCALAR_STYLE.PLAIN:
      return { start, end, style: 'PLAIN', source }
    case SCALAR_STYLE.SINGLE_QUOTED:
      return { start: start - 1, end: end + 1, style: 'QUOTE_SINGLE', source }
    case SCALAR_STYLE.DOUBLE_QUOTED:
      return { start: start - 1, end: end + 1, style: 'QUOTE_DOUBLE', source }
    default: {
      const header = blockHeader(text, start)
      if (header === undefined) return undefined
      const style = event.style === SCALAR_STYLE.LITERAL_BLOCK ? 'BLOCK_LITERAL' : 'BLOCK_FOLDED'
      return { start: header, end, style, source }
    }
  }
}

// The `|` or `>` that opens a block scalar, with its indicators and an optional comment, ending a line.
const headerAtEnd = /(?:^|[ :-])([|>][0-9+-]*)(?: +#[^\n]*)? *\r?$/

/** The offset of a block scalar's header: on the line before its content. */
function blockHeader(text: string, contentStart: number): number | undefined {
  const lineEnd = text.lastIndexOf('\n', contentStart - 1)
  if (lineEnd < 0) return undefined
  const lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1
  const line = text.slice(lineStart, lineEnd)
  const match = headerAtEnd.exec(line)
  return match ? lineStart + match.index + match[0].indexOf(match[1]!) : undefined
}

/**
 * The node at `path`, found by walking the events: in a mapping, past each key that is not the one
 * asked for and its whole value; in a sequence, past the items before the one asked for.
 *
 * Note: most records have a lint warning, so most records are asked for a path or two. A tree of the
 * record made for that (maps of keys, lists of items) allocated more than validating it; a walk over
 * the events allocates nothing but the node it returns.
 */
function find(events: readonly Event[], text: string, path: DataPath): FoundNode | 'ask-document' {
  let at = events.findIndex((e) => e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE)
  if (at < 0) return 'ask-document'
  let key: ScalarEvent | undefined
  for (const part of path) {
    const collection = events[at]!
    let next = -1
    if (collection.type === EVENT_ID.MAPPING) {
      const name = String(part)
      // Keys are plain words or quoted strings (see `plainEvents`), written once each.
      for (let i = at + 1; events[i]!.type !== EVENT_ID.POP; i = after(events, i + 1)) {
        const candidate = events[i] as ScalarEvent
        if ((candidate.valueStart < 0 ? '' : getScalarValue(text, candidate)) === name) {
          next = i + 1
          key = candidate
          break
        }
      }
    } else if (collection.type === EVENT_ID.SEQUENCE && typeof part === 'number') {
      for (let i = at + 1, n = 0; events[i]!.type !== EVENT_ID.POP; i = after(events, i), n++)
        if (n === part) {
          next = i
          key = undefined
          break
        }
    }
    if (next < 0) {
      const node = nodeAt(events[at]!, text)
      return node ? { node, found: false } : 'ask-document'
    }
    at = next
  }
  const node = nodeAt(events[at]!, text)
  const keyNode = key && scalarNode(key, text)
  return node ? { node, ...(keyNode && { keyNode }), found: true } : 'ask-document'
}

/** The index of the event after the node that starts at `i` (a collection: after its end). */
function after(events: readonly Event[], i: number): number {
  const first = events[i]!.type
  if (first !== EVENT_ID.MAPPING && first !== EVENT_ID.SEQUENCE) return i + 1
  let depth = 0
  do {
    const type = events[i]!.type
    if (type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE) depth += 1
    else if (type === EVENT_ID.POP) depth -= 1
    i += 1
  } while (depth > 0)
  return i
}

/** Where the node of an event is written. */
function nodeAt(event: Event, text: string): SourceNode | undefined {
  if (event.type === EVENT_ID.SCALAR) return scalarNode(event, text)
  if (event.type !== EVENT_ID.MAPPING && event.type !== EVENT_ID.SEQUENCE) return undefined
  const map = event.type === EVENT_ID.MAPPING
  return { start: event.start, end: undefined, style: map ? 'MAP' : 'SEQ', source: undefined }
}
