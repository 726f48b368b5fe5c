/**
 * The one module that writes changes back into hand-edited record files (issue numbers after a sync,
 * imported timeline events), changing only the lines that hold the changed values.
 *
 * Approach: parse with `keepSourceTokens`, find each target node, and splice the source text at node
 * offsets (ranges, plus CST tokens for the `:` and `-` indicators and comments); new values are
 * written by yaml's stringifier in the file's indentation and line endings. `doc.toString()` is not
 * used because it reflows the whole file. Then the result is parsed again and its data compared with
 * the original data with exactly the edits applied; any difference refuses the edit.
 *
 * - A scalar is replaced in place in its old quoting style; a mapping is updated key by key (new keys
 *   after its last key); a sequence that only grows gets items appended. Anything else (a type change,
 *   keys removed) rewrites that one value; comments inside the old value go with it.
 * - Items inserted into the middle of a block sequence go on new lines just above the item they precede
 *   (above the comment lines that lead into that item, which stay with it).
 * - Flow collections stay flow: `{ id: AI-1, status: open }` gets `, issue: { number: 42, ... }`
 *   before its `}`. An empty `[]` or `{}` in block context becomes a block collection when filled.
 * - Multi-line strings become literal blocks (`|`), or double-quoted strings where a block cannot
 *   go (flow context, text that would need `|+` or an indentation indicator, indented comment lines
 *   right below).
 * - Refused (EditError): files with YAML errors, anchors, aliases, tags or directives; paths whose
 *   parent does not exist; values that are not plain data; `? key` entries without a value.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isDeepStrictEqual } from 'node:util'
import writeFileAtomic from 'write-file-atomic'
import { isMap, isScalar, isSeq, Pair, YAMLMap, YAMLSeq } from 'yaml'
import type { CST, Node as YamlNode, Scalar } from 'yaml'
import { formatPath } from '../diagnostics.js'
import type { DataPath } from '../diagnostics.js'
import { decodeText } from './decode-text.js'
import type { Collection, Plain, Slot, Splice } from './edit-text.js'
import {
  applySplices,
  commentsFollow,
  dashOffset,
  EditConflictError,
  EditError,
  findPair,
  flowText,
  indentLines,
  insertionPoint,
  insertLines,
  itemText,
  plainNode,
  render,
  Source,
  valueEnd,
  valueText,
  withEol,
} from './edit-text.js'
import { applyToData, isObject, normalizeEdit, verify } from './edit-verify.js'

export { EditConflictError, EditError } from './edit-text.js'

/**
 * One change to a record. `set` replaces the value at `path`, or adds the last key of `path` to an
 * existing mapping (after its last key); `append` adds items to the sequence at `path`, creating the key
 * when absent; `insert` adds items to an existing sequence before the item at `path` (its last part is
 * an index; the sequence's length appends). Edits apply in order: an index counts the items that earlier
 * edits inserted. Values are plain data: strings, finite numbers, booleans, null, arrays and plain objects.
 */
export type RecordEdit =
  | { op: 'set'; path: DataPath; value: unknown }
  | { op: 'append'; path: DataPath; items: readonly unknown[] }
  | { op: 'insert'; path: DataPath; items: readonly unknown[] }

/** The edited text, and whether it differs from the input. */
export interface EditResult {
  text: string
  changed: boolean
}

/**
 * Applies edits to the text of a record, changing only the lines that hold the edited values.
 * Pure. Splices the source at node offsets, then re-parses the result and checks that its data equals
 * the original data with exactly the edits applied. Throws EditError when that cannot be done safely.
 */
export function editRecordText(text: string, edits: readonly RecordEdit[]): EditResult {
  const original = new Source(text)
  const batched = planAll(original, edits, false)
  const planned = batched ?? planAll(original, edits, true)!
  const result = applySplices(planned.source.text, planned.splices)
  if (result === text) return { text, changed: false }
  verify(result, planned.expected, edits)
  return { text: result, changed: true }
}

/**
 * Plans all edits. Edits that touch separate places are planned against one parse (one parse for a
 * thousand issue numbers); an edit that meets an earlier one (one path inside the other, or a splice
 * at the same offset) is planned against the text with the earlier ones applied. Returns undefined
 * when splices of different edits still overlap, so that the caller plans one edit at a time.
 */
function planAll(original: Source, edits: readonly RecordEdit[], oneByOne: boolean) {
  let source = original
  const expected = structuredClone(original.data)
  let splices: Splice[] = []
  const paths = new Set<string>()
  const prefixes = new Set<string>()
  const starts = new Map<number, Splice>()
  /** Applies the planned splices and parses again; false when they overlap. */
  const flush = () => {
    const sorted = sortSplices(splices)
    if (!sorted) return false
    if (sorted.length > 0) source = new Source(applySplices(source.text, sorted))
    splices = []
    for (const set of [paths, prefixes, starts]) set.clear()
    return true
  }
  for (const [index, edit] of edits.entries()) {
    const plain = normalizeEdit(edit)
    // An insertion shifts the items after it: it claims the whole sequence, so that a later edit of
    // the sequence (or of an item in it) is planned against the text with the insertion applied.
    const target = edit.op === 'insert' ? edit.path.slice(0, -1) : edit.path
    const ancestors = target.map((_, i) => JSON.stringify(target.slice(0, i + 1)))
    const key = ancestors.at(-1) ?? '[]'
    if ((oneByOne || prefixes.has(key) || ancestors.some((p) => paths.has(p))) && !flush()) return undefined
    let planned: Splice[] | EditError
    try {
      planned = planEdit(source, plain)
    } catch (error) {
      if (!(error instanceof EditError)) throw error
      planned = error
    }
    // A path an earlier edit creates exists only once that edit is applied; two insertions at one
    // offset need the first applied to be placed right.
    if (planned instanceof EditError || planned.some((s) => !mayShareStart(s, starts.get(s.start)))) {
      if (splices.length === 0 && planned instanceof EditError) throw planned
      if (!flush()) return undefined
      planned = planEdit(source, plain)
    }
    for (const splice of planned) splices.push({ ...splice, edit: index })
    for (const splice of planned) starts.set(splice.start, splice)
    paths.add(key)
    for (const p of ancestors) prefixes.add(p)
    applyToData(expected, plain)
  }
  const sorted = sortSplices(splices)
  return sorted && { source, splices: sorted, expected }
}

/** Splices in text order; undefined when splices of two edits overlap or start at one offset. */
function sortSplices(splices: Splice[]): Splice[] | undefined {
  // Note: the sort is stable, so one edit's insertions at one offset keep their planned order.
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end)
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!]
    if (a.edit !== b.edit && (b.start < a.end || (b.start === a.start && !mayShareStart(a, b))))
      return undefined
  }
  return sorted
}

/** Two insertions into one collection at one offset go in edit order; anything else must not meet. */
function mayShareStart(a: Splice, b: Splice | undefined): boolean {
  return !b || (a.into !== undefined && a.into === b.into && a.start === a.end && b.start === b.end)
}

/**
 * Applies edits to a record file: checks that the file still holds `expected` (the bytes the caller
 * parsed, or their SHA-256 in hex), edits its text, verifies the result, keeps a BOM and the line
 * endings, and replaces the file atomically. Returns whether the file changed. Throws
 * EditConflictError, leaving the file untouched, when it changed since it was read.
 */
export async function writeRecordEdits(
  file: string,
  expected: Uint8Array | { sha256: string },
  edits: readonly RecordEdit[],
): Promise<boolean> {
  const holds = (bytes: Buffer) =>
    expected instanceof Uint8Array
      ? bytes.equals(expected)
      : createHash('sha256').update(bytes).digest('hex') === expected.sha256
  const checkUnchanged = async () => {
    let bytes: Buffer
    try {
      bytes = await readFile(file)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT')
        throw new EditConflictError(`${file} was removed since it was read; nothing was written`)
      throw new EditError(`cannot read ${file} to update it (${code})`, { cause: error })
    }
    if (!holds(bytes))
      throw new EditConflictError(
        `${file} changed since it was read; it was left as it is. Run the command again to use the new version.`,
      )
    return bytes
  }
  const bytes = await checkUnchanged()
  const decoded = decodeText(bytes)
  if (!decoded.ok)
    throw new EditError(`${file} is not valid UTF-8 (line ${decoded.line}); fix the encoding first`)
  const { text, changed } = editRecordText(decoded.text, edits)
  if (!changed) return false
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  const output = Buffer.from(bom ? `\uFEFF${text}` : text, 'utf8')
  // Note: an atomic rename cannot compare-and-swap; checking again right before it narrows the window.
  await checkUnchanged()
  await writeFileAtomic(file, output)
  return true
}

/** The splices that make one edit, planned against `source`. */
function planEdit(source: Source, edit: RecordEdit): Splice[] {
  const { path } = edit
  const key = path.at(-1)
  if (key === undefined) throw new EditError('an edit needs a path inside the record, got an empty path')
  const parent = resolveCollection(source, path.slice(0, -1), path)
  if (edit.op !== 'set' && edit.items.length === 0) return []
  if (edit.op === 'insert') return insertInto(source, parent, edit)
  if (isSeq(parent)) {
    if (typeof key !== 'number') throw notA('a mapping', path, path.length - 1)
    if (!Number.isInteger(key) || key < 0 || key >= parent.items.length)
      throw missing(path, path.length - 1, `the list has ${parent.items.length} items`)
    const slot = { parent, index: key, node: parent.items[key] as YamlNode | null }
    return edit.op === 'set' ? replaceValue(source, slot, edit.value as Plain) : appendTo(source, slot, edit)
  }
  if (typeof key !== 'string') throw notA('a mapping', path, path.length - 1)
  const pair = findPair(parent as YAMLMap, key)
  if (!pair)
    return insertPairs(source, parent as YAMLMap, [
      [key, edit.op === 'set' ? (edit.value as Plain) : (edit.items as Plain[])],
    ])
  const slot = { parent, pair, node: pair.value as YamlNode | null }
  return edit.op === 'set' ? replaceValue(source, slot, edit.value as Plain) : appendTo(source, slot, edit)
}

/** Inserts items into a sequence before the item at the last index of the edit's path. */
function insertInto(source: Source, parent: Collection, edit: RecordEdit & { op: 'insert' }): Splice[] {
  const { path } = edit
  const index = path.at(-1)
  if (!isSeq(parent)) throw notA('a list', path, path.length - 1)
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > parent.items.length)
    throw missing(path, path.length - 1, `the list has ${parent.items.length} items`)
  const items = edit.items as Plain[]
  if (index === parent.items.length) {
    // At the end: the same as appending (an empty `[]` in block context becomes a block sequence).
    const holder = resolveCollection(source, path.slice(0, -2), path)
    if (parent.items.length === 0 && !holder.flow) {
      const key = path.at(-2)!
      const slot = isMap(holder)
        ? { parent: holder, pair: findPair(holder, String(key))!, node: parent as YamlNode }
        : { parent: holder, index: key as number, node: parent as YamlNode }
      return rewriteValue(source, slot, items)
    }
    return appendItems(source, parent, items)
  }
  const wrapper = new YAMLSeq()
  if (parent.flow) {
    wrapper.flow = true
    items.forEach((item) => wrapper.items.push(plainNode(item, true)))
    const padding = source.text[parent.range![0] + 1] === ' '
    const at = (parent.items[index] as YamlNode).range![0]
    return [{ start: at, end: at, text: `${flowText(source, wrapper, padding)}, `, into: parent }]
  }
  const dash = dashOffset(parent, index)
  const column = source.column(dash)
  // Comment lines that lead into the item stay with it: the new items go above them.
  const start = (parent.srcToken as CST.BlockSequence).items[index]!.start
  const lead = start.find((t) => t.type === 'comment' && source.column(t.offset) === column)
  const at = source.lineStart(lead && lead.offset < dash ? lead.offset : dash)
  items.forEach((item) => wrapper.items.push(plainNode(item, commentsFollow(source, at, column))))
  return [{ ...insertLines(source, at, indentLines(render(source, wrapper), column)), into: parent }]
}

function appendTo(source: Source, slot: Slot, edit: RecordEdit & { op: 'append' }): Splice[] {
  const { node } = slot
  const items = edit.items as Plain[]
  if (isScalar(node) && node.value === null) return rewriteValue(source, slot, items)
  if (!isSeq(node)) throw notA('a list', edit.path, edit.path.length)
  if (items.length === 0) return []
  // An empty `[]` in block context becomes a block sequence when it gets its first items.
  if (node.items.length === 0 && !slot.parent.flow) return rewriteValue(source, slot, items)
  return appendItems(source, node, items)
}

function resolveCollection(source: Source, path: DataPath, full: DataPath): Collection {
  let node = source.doc.contents as YamlNode
  for (const [i, part] of path.entries()) {
    let next: unknown
    if (isMap(node) && typeof part === 'string') {
      next = findPair(node, part)?.value
      if (next === undefined) throw missing(full, i)
    } else if (isSeq(node) && typeof part === 'number') {
      next = node.items[part]
      if (next === undefined) throw missing(full, i, `the list has ${node.items.length} items`)
    } else throw notA(typeof part === 'number' ? 'a list' : 'a mapping', full, i)
    node = next as YamlNode
  }
  if (!isMap(node) && !isSeq(node)) throw notA('a mapping or list', full, path.length)
  return node
}

function missing(path: DataPath, at: number, detail?: string): EditError {
  return new EditError(
    `cannot edit \`${formatPath(path)}\`: \`${formatPath(path.slice(0, at + 1))}\` is not in the record` +
      `${detail ? ` (${detail})` : ''}; check the path, or add the missing part to the record by hand`,
  )
}

function notA(kind: string, path: DataPath, at: number): EditError {
  const where = at === 0 ? 'the top of the record' : `\`${formatPath(path.slice(0, at))}\``
  return new EditError(
    `cannot edit \`${formatPath(path)}\`: ${where} is not ${kind}; fix the record's shape (\`postmortem validate\`)`,
  )
}

/** Replaces a value, changing as little text as possible: scalars in place, mappings key by key. */
function replaceValue(source: Source, slot: Slot, value: Plain): Splice[] {
  const { node } = slot
  if (node && isDeepStrictEqual(node.toJS(source.doc), value)) return []
  if (isScalar(node) && !isObject(value) && !Array.isArray(value)) {
    const splice = replaceScalar(source, node, value, slot.parent.flow === true)
    if (splice) return [splice]
  }
  if (isMap(node) && isObject(value) && node.items.length > 0) {
    const keys = new Set(Object.keys(value))
    // Note: removing keys is rare (an `issue` always has the same ones); rewrite the value then.
    if (node.items.every((p) => isScalar(p.key) && keys.has(String(p.key.value)))) {
      const splices: Splice[] = []
      const added: Array<[string, Plain]> = []
      for (const [key, v] of Object.entries(value)) {
        const pair = findPair(node, key)
        if (pair)
          splices.push(...replaceValue(source, { parent: node, pair, node: pair.value as YamlNode }, v))
        else added.push([key, v])
      }
      return added.length > 0 ? [...splices, ...insertPairs(source, node, added)] : splices
    }
  }
  if (isSeq(node) && Array.isArray(value) && node.items.length > 0) {
    const old = node.toJS(source.doc) as Plain[]
    if (value.length > old.length && isDeepStrictEqual(value.slice(0, old.length), old))
      return appendItems(source, node, value.slice(old.length))
    if (value.length === old.length)
      return value.flatMap((v, index) =>
        replaceValue(source, { parent: node, index, node: node.items[index] as YamlNode }, v),
      )
  }
  return rewriteValue(source, slot, value)
}

/** A one-line scalar replaced by a one-line scalar in the same quoting style, or undefined. */
function replaceScalar(source: Source, node: Scalar, value: Plain, inFlow: boolean): Splice | undefined {
  const [start, end] = node.range!
  const flowStyle = node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE'
  if (!flowStyle || start === end || source.text.slice(start, end).includes('\n')) return undefined
  // Multi-line text reads best as a literal block, which a general rewrite produces.
  if (!inFlow && typeof value === 'string' && value.includes('\n')) return undefined
  const text = inFlow
    ? flowText(source, value, true, node.type)
    : valueText(source, value, 0, false, node.type).slice(1)
  return text.includes('\n') ? undefined : { start, end, text }
}

/** Replaces a whole value with newly generated YAML, keeping the comments around it. */
function rewriteValue(source: Source, slot: Slot, value: Plain): Splice[] {
  const { node, parent } = slot
  const old = isScalar(node) ? node : undefined
  const hint =
    old && typeof value === 'string'
      ? value.includes('\n') && old.type !== 'BLOCK_FOLDED'
        ? 'BLOCK_LITERAL'
        : old.type
      : undefined
  // The old value when it has text (`key:` alone holds an empty null scalar).
  const written = node && node.range![0] < node.range![1] ? node : undefined
  if (parent.flow) {
    const padding = source.text[parent.range![0] + 1] === ' '
    const text = flowText(source, value, padding, hint)
    if (written) return [{ start: written.range![0], end: written.range![1], text }]
    const at = node ? node.range![0] : (slot.pair!.key as YamlNode).range![1]
    return [{ start: at, end: at, text: node ? ` ${text}` : `: ${text}` }]
  }
  // Block context: replace from just after `key:` (or `-`) to the end of the old value.
  const tokens = isMap(parent)
    ? (slot.pair!.srcToken?.sep ?? [])
    : ((parent.srcToken as CST.BlockSequence).items[slot.index!]?.start ?? [])
  const indicator = tokens.find((t) => t.type === (isMap(parent) ? 'map-value-ind' : 'seq-item-ind'))
  if (!indicator)
    throw new EditError(
      `cannot edit a value written with an explicit \`? key\`; write it as \`key: value\` and try again`,
    )
  const column = source.column(isMap(parent) ? (slot.pair!.key as YamlNode).range![0] : indicator.offset)
  let start = indicator.offset + 1
  let end = written ? valueEnd(source, written) : start
  const noBlocks = commentsFollow(source, source.lineEnd(end), column)
  let text = (isMap(parent) ? valueText : itemText)(source, value, column, noBlocks, hint)
  const after = tokens.slice(tokens.indexOf(indicator) + 1)
  const comment = after.filter((t) => t.type === 'comment').at(-1)
  const ownLine = comment && after.some((t) => t.type === 'newline' && t.offset < comment.offset)
  let note: string | undefined
  if (comment && ownLine) {
    // Notes on their own lines between `key:` and the value stay; the value starts below them.
    start = comment.offset + comment.source.length
    const childColumn = column + (isMap(parent) ? source.layout.indent : 2)
    if (!text.startsWith('\n')) text = `\n${' '.repeat(childColumn)}${text.slice(1)}`
  } else if (comment) {
    // `key: # note`: the note stays on the key's line, after the new value's first line.
    note = comment.source
    end = Math.max(end, comment.offset + comment.source.length)
  }
  const trailing = /^([ \t]+)(#[^\r\n]*)/.exec(source.text.slice(end, source.lineEnd(end)))
  if (trailing && (ownLine ? text.slice(1) : text).includes('\n')) {
    // `key: value # note` with a new value that spans lines: the note must not end up inside a
    // block scalar's last line, so it moves to the key's line, or else to a line of its own.
    if (note === undefined && !ownLine) {
      note = trailing[2]
      end += trailing[0].length
    } else {
      end += trailing[1]!.length
      text += `\n${' '.repeat(column)}`
    }
  }
  if (note) {
    const firstBreak = text.includes('\n') ? text.indexOf('\n') : text.length
    text = `${text.slice(0, firstBreak)} ${note}${text.slice(firstBreak)}`
  }
  return [{ start, end, text: withEol(source, text) }]
}

/** Adds pairs after the last key of a mapping, indented like its keys. */
function insertPairs(source: Source, map: YAMLMap, pairs: Array<[string, Plain]>): Splice[] {
  if (map.flow) {
    const padding = map.items.length === 0 || source.text[map.range![0] + 1] === ' '
    const wrapper = new YAMLMap()
    wrapper.flow = true
    for (const [key, value] of pairs)
      wrapper.items.push(new Pair(plainNode(key, true), plainNode(value, true)))
    const text = flowText(source, wrapper, padding)
    const last = map.items.at(-1)
    if (!last)
      return [{ start: map.range![0], end: map.range![1], text: padding ? `{ ${text} }` : `{${text}}` }]
    const at = valueEnd(source, (last.value ?? last.key) as YamlNode)
    return [{ start: at, end: at, text: `, ${text}`, into: map }]
  }
  const column = source.column((map.items[0]!.key as YamlNode).range![0])
  const at = insertionPoint(source, map)
  const noBlocks = commentsFollow(source, at, column)
  const wrapper = new YAMLMap()
  for (const [key, value] of pairs)
    wrapper.items.push(new Pair(plainNode(key, true), plainNode(value, noBlocks)))
  return [{ ...insertLines(source, at, indentLines(render(source, wrapper), column)), into: map }]
}

/** Adds items after the last item of a sequence. */
function appendItems(source: Source, seq: YAMLSeq, items: Plain[]): Splice[] {
  if (items.length === 0) return []
  const wrapper = new YAMLSeq()
  const add = (noBlocks: boolean) => items.forEach((item) => wrapper.items.push(plainNode(item, noBlocks)))
  if (seq.flow) {
    wrapper.flow = true
    add(true)
    const padding = seq.items.length === 0 || source.text[seq.range![0] + 1] === ' '
    const text = flowText(source, wrapper, padding)
    const last = seq.items.at(-1) as YamlNode | undefined
    if (!last)
      return [{ start: seq.range![0], end: seq.range![1], text: padding ? `[ ${text} ]` : `[${text}]` }]
    const at = valueEnd(source, last)
    return [{ start: at, end: at, text: `, ${text}`, into: seq }]
  }
  const column = source.column(dashOffset(seq, 0))
  const at = insertionPoint(source, seq)
  add(commentsFollow(source, at, column))
  return [{ ...insertLines(source, at, indentLines(render(source, wrapper), column)), into: seq }]
}
