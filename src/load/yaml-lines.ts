/**
 * js-yaml's events for the YAML records are usually written in, found a line at a time: block mappings
 * with plain keys, block sequences (of scalars or of compact mappings), one-line plain and
 * double-quoted scalars, one-line flow sequences and mappings of those, literal and folded block
 * scalars, comments. Anything else — and anything in doubt — gives `undefined`, and js-yaml's
 * `parseEvents` reads the text (then `yaml`, when that fails too). js-yaml reads character by
 * character; records are mostly prose in block scalars, which this skips a line at a time: a synthetic
 * record's events in ~45 µs instead of ~480. A differential test holds it to `parseEvents`: equal
 * events, or none.
 */
import type { Event, ScalarEvent } from 'js-yaml'
import { EVENT_ID, SCALAR_STYLE } from 'js-yaml'

const [BLOCK, FLOW] = [1, 2] as const
const [CLIP, STRIP, KEEP] = [1, 2, 3] as const
const [SPACE, HASH, COLON, QUOTE, BACKSLASH, DASH] = [32, 35, 58, 34, 92, 45]

/** An open block collection: a mapping (whose next line is a key) or a sequence, and its indent. */
interface Frame {
  map: boolean
  indent: number
}

/** Thrown to give up: the text is left to js-yaml. */
const giveUp = Symbol('give up')

/** The events js-yaml's `parseEvents` gives for `text`, or `undefined` when it must read it itself. */
export function lineEvents(text: string): Event[] | undefined {
  try {
    return new LineReader(text).read()
  } catch (error) {
    if (error === giveUp) return undefined
    throw error
  }
}

function fail(): never {
  throw giveUp
}

function scalar(style: ScalarEvent['style'], start: number, end: number, fast: boolean): ScalarEvent {
  return {
    type: EVENT_ID.SCALAR,
    valueStart: start,
    valueEnd: end,
    anchorStart: -1,
    anchorEnd: -1,
    tagStart: -1,
    tagEnd: -1,
    style,
    chomping: CLIP,
    indent: -1,
    fast,
  }
}

function collection(
  type: typeof EVENT_ID.MAPPING | typeof EVENT_ID.SEQUENCE,
  start: number,
  style: 1 | 2,
): Event {
  return { type, start, anchorStart: -1, anchorEnd: -1, tagStart: -1, tagEnd: -1, style }
}

const pop: Event = { type: EVENT_ID.POP }

const isKeyStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
const isKeyChar = (c: number) => isKeyStart(c) || (c >= 48 && c <= 57) || c === 95 || c === DASH
/** Characters no scalar here may hold: controls, and those YAML 1.1 took for line breaks (or a BOM). */
const isOdd = (c: number) =>
  c < 32 || c === 0x7f || c === 0x85 || c === 0x2028 || c === 0x2029 || c === 0xfeff
/** What a plain scalar may start with here: letters, digits and marks that are never indicators. */
const isPlainStart = (c: number) =>
  (isKeyChar(c) && c !== DASH) ||
  c === 46 /* . */ ||
  c === 47 /* / */ ||
  c === 40 /* ( */ ||
  c === 36 /* $ */ ||
  (c >= 0xa0 && !isOdd(c))
const isFlowIndicator = (c: number) => c === 44 || c === 91 || c === 93 || c === 123 || c === 125 // , [ ] { }
/** Escapes of double-quoted YAML without hexadecimal digits. */
const simpleEscapes = new Set('0abtnvfre "/\\N_LP'.split('').map((c) => c.charCodeAt(0)))

class LineReader {
  private readonly events: Event[] = [
    { type: EVENT_ID.DOCUMENT, explicitStart: false, explicitEnd: false, directives: [] },
  ]
  private readonly open: Frame[] = []
  /** Start of the current line; its end (a newline's offset, or the text's length); its first non-space. */
  private line = 0
  private end = 0
  private content = 0

  constructor(private readonly text: string) {}

  read(): Event[] {
    // A key waiting for its value on the lines below: the indent of its mapping.
    let awaiting: number | undefined
    for (this.line = 0; this.line < this.text.length; this.line = this.end + 1) {
      this.measure()
      if (this.content === this.end || this.at(this.content) === HASH) continue // blank or comment
      const indent = this.content - this.line
      if (awaiting !== undefined) {
        if (indent > awaiting) {
          awaiting = this.openCollection(indent)
          continue
        }
        this.events.push(scalar(SCALAR_STYLE.PLAIN, -1, -1, false)) // an empty value
      }
      while (this.open.length > 0 && this.open.at(-1)!.indent > indent) {
        this.open.pop()
        this.events.push(pop)
      }
      const frame = this.open.at(-1)
      if (frame === undefined) {
        // The document's mapping, at the left margin, on its first line.
        if (this.events.length > 1 || indent !== 0 || this.at(this.content) === DASH) fail()
        awaiting = this.openCollection(0)
        continue
      }
      if (frame.indent !== indent) fail()
      awaiting = frame.map ? this.entry(indent) : this.item(indent)
    }
    if (this.events.length === 1) fail() // no mapping
    if (awaiting !== undefined) this.events.push(scalar(SCALAR_STYLE.PLAIN, -1, -1, false))
    for (let i = this.open.length; i > 0; i--) this.events.push(pop)
    this.events.push(pop) // the document
    return this.events
  }

  private at(offset: number): number {
    return this.text.charCodeAt(offset)
  }

  /** Sets `end` and `content` for the line starting at `line`. */
  private measure(): void {
    const newline = this.text.indexOf('\n', this.line)
    this.end = newline < 0 ? this.text.length : newline
    let c = this.line
    while (c < this.end && this.at(c) === SPACE) c++
    this.content = c
  }

  /**
   * A block mapping or sequence starting on this line, at `indent`, and its first entry or item; returns
   * the indent of a mapping whose key waits for its value on the lines below.
   */
  private openCollection(indent: number): number | undefined {
    const sequence = this.at(this.content) === DASH
    this.events.push(collection(sequence ? EVENT_ID.SEQUENCE : EVENT_ID.MAPPING, this.content, BLOCK))
    this.open.push({ map: !sequence, indent })
    return sequence ? this.item(indent) : this.entry(indent)
  }

  /**
   * `key: value` at `content`, in a mapping at `indent`; returns `indent` when the value is on the lines
   * below, else undefined.
   */
  private entry(indent: number): number | undefined {
    const start = this.content
    if (!isKeyStart(this.at(start))) fail()
    let c = start + 1
    while (c < this.end && isKeyChar(this.at(c))) c++
    if (this.at(c) !== COLON || (c + 1 < this.end && this.at(c + 1) !== SPACE)) fail()
    this.events.push(scalar(SCALAR_STYLE.PLAIN, start, c, true))
    c += 1
    while (c < this.end && this.at(c) === SPACE) c++
    if (c === this.end || this.at(c) === HASH) return indent
    this.value(c, indent)
    return undefined
  }

  /** `- value` or `- key: value` at `content`, in a sequence at `indent`. */
  private item(indent: number): number | undefined {
    const dash = this.content
    if (this.at(dash) !== DASH || this.at(dash + 1) !== SPACE) fail()
    let c = dash + 2
    while (c < this.end && this.at(c) === SPACE) c++
    if (c === this.end || this.at(c) === HASH) fail() // the item's value on the lines below
    if (this.isEntry(c)) {
      // A compact mapping: its keys line up with this first one.
      this.events.push(collection(EVENT_ID.MAPPING, c, BLOCK))
      this.open.push({ map: true, indent: c - this.line })
      this.content = c
      return this.entry(c - this.line)
    }
    this.value(c, indent)
    return undefined
  }

  /** True when a plain key and `:` (then a space or the line's end) start at `c`. */
  private isEntry(c: number): boolean {
    if (!isKeyStart(this.at(c))) return false
    let k = c + 1
    while (k < this.end && isKeyChar(this.at(k))) k++
    return this.at(k) === COLON && (k + 1 === this.end || this.at(k + 1) === SPACE)
  }

  /** A value starting at `c` on this line, of an entry or item whose collection is at `indent`. */
  private value(c: number, indent: number): void {
    const first = this.at(c)
    if (first === QUOTE) this.lineEnds(this.quoted(c) + 1)
    else if (first === 91 /* [ */ || first === 123 /* { */) this.lineEnds(this.flow(c))
    else if (first === 124 /* | */ || first === 62 /* > */) this.blockScalar(c, indent)
    else if (isPlainStart(first)) this.events.push(this.plain(c, false))
    else fail()
  }

  /** A double-quoted scalar on one line, opening at `c`; returns the closing quote's offset. */
  private quoted(c: number): number {
    let fast = true
    let k = c + 1
    for (; k < this.end; k++) {
      const ch = this.at(k)
      if (ch === QUOTE) break
      if (ch === BACKSLASH) {
        fast = false
        k += 1
        if (!simpleEscapes.has(this.at(k)) || k >= this.end) fail()
      } else if (isOdd(ch)) fail()
    }
    if (k >= this.end) fail() // runs on to the next line
    this.events.push(scalar(SCALAR_STYLE.DOUBLE_QUOTED, c + 1, k, fast))
    return k
  }

  /** After a value ending before `c`: only spaces, then the line's end or a comment. */
  private lineEnds(c: number): void {
    let k = c
    while (k < this.end && this.at(k) === SPACE) k++
    if (k < this.end && (this.at(k) !== HASH || k === c)) fail()
  }

  /**
   * A plain scalar from `c` to the line's end or a comment (in a flow collection: or an indicator),
   * without a `:` that would make it a key.
   */
  private plain(c: number, flow: boolean): ScalarEvent {
    let k = c
    let last = c // after the last non-space
    for (; k < this.end; k++) {
      const ch = this.at(k)
      if (ch === SPACE) {
        if (this.at(k + 1) === HASH) break
        continue
      }
      if (flow && isFlowIndicator(ch)) break
      if (ch === COLON) {
        const next = k + 1 === this.end ? SPACE : this.at(k + 1)
        if (next === SPACE || (flow && isFlowIndicator(next))) fail()
      }
      if (isOdd(ch)) fail()
      last = k + 1
    }
    return scalar(SCALAR_STYLE.PLAIN, c, last, true)
  }

  /** The first offset from `k` on that is not a space. */
  private skip(k: number): number {
    while (k < this.end && this.at(k) === SPACE) k++
    return k
  }

  /**
   * `[a, "b", {c: d}]` or `{a: b, c: "d"}` on one line, opening at `c`; returns the offset after its
   * closing bracket.
   */
  private flow(c: number): number {
    const map = this.at(c) === 123 /* { */
    const close = map ? 125 /* } */ : 93 /* ] */
    this.events.push(collection(map ? EVENT_ID.MAPPING : EVENT_ID.SEQUENCE, c, FLOW))
    let k = this.skip(c + 1)
    if (this.at(k) !== close)
      for (;;) {
        if (map) {
          if (!isKeyStart(this.at(k))) fail()
          let e = k + 1
          while (e < this.end && isKeyChar(this.at(e))) e++
          if (this.at(e) !== COLON || this.at(e + 1) !== SPACE) fail()
          this.events.push(scalar(SCALAR_STYLE.PLAIN, k, e, true))
          k = this.skip(e + 1)
        }
        const first = this.at(k)
        if (first === QUOTE) k = this.quoted(k) + 1
        else if (first === 91 || first === 123) k = this.flow(k)
        else if (isPlainStart(first)) {
          const event = this.plain(k, true)
          this.events.push(event)
          k = event.valueEnd
        } else fail()
        k = this.skip(k)
        if (this.at(k) === close) break
        if (this.at(k) !== 44 /* , */) fail()
        k = this.skip(k + 1)
      }
    this.events.push(pop)
    return k + 1
  }

  /** `|` or `>` (with `-` or `+`) at `c`, then the block's lines below; the key's mapping is at `indent`. */
  private blockScalar(c: number, indent: number): void {
    const style = this.at(c) === 124 ? SCALAR_STYLE.LITERAL_BLOCK : SCALAR_STYLE.FOLDED_BLOCK
    let k = c + 1
    const indicator = this.at(k)
    const chomping = indicator === DASH ? STRIP : indicator === 43 /* + */ ? KEEP : CLIP
    if (chomping !== CLIP) k += 1
    if (k !== this.end) fail() // indentation indicators and comments are left to js-yaml
    // The block's first line sets its indent; it must be content.
    this.line = this.end + 1
    if (this.line >= this.text.length) fail()
    this.measure()
    const blockIndent = this.content - this.line
    if (this.content === this.end || blockIndent <= indent) fail()
    const start = this.line
    let valueEnd = this.text.length
    for (; this.line < this.text.length; this.line = this.end + 1) {
      this.measure()
      if (this.line === this.end) continue // an empty line belongs to the block
      if (this.content === this.end) fail() // a line of spaces only
      if (this.content - this.line < blockIndent) {
        valueEnd = this.line
        break
      }
    }
    // Note: the reader goes on from the line that ended the block (read again by the caller's loop).
    this.end = valueEnd === this.text.length ? this.text.length : valueEnd - 1
    this.events.push({ ...scalar(style, start, valueEnd, false), chomping, indent: blockIndent })
  }
}
