/**
 * A tiny, safe SVG/XML string builder: every attribute value and every text child is escaped, so
 * text from a record can never become markup. Only `raw()` passes a string through unchanged, and it
 * is meant for constants written in this code base (a `<style>` block), never for record text.
 */

// C0 controls except tab, LF and CR (XML 1.0 forbids them), DEL and C1 controls (XML discourages them),
// and the bidirectional embedding/override/isolate controls that can make text read differently
// from how it is stored (U+202A–U+202E, U+2066–U+2069).
const invisible =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g
// A UTF-16 surrogate without its partner is not a character, and XML has no way to write it.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
// Any character the three replacements below touch: most text has none and is returned as is.
const needsEscaping =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff&<>"']/
const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escapes text for XML content or a quoted attribute value: `& < > " '` become entities; control
 * characters and bidi overrides are removed (they have no visible form in a picture, and bidi
 * overrides can disguise text); lone surrogates become U+FFFD.
 */
export function escapeXml(text: string): string {
  if (plainAscii(text) || !needsEscaping.test(text)) return text
  return text
    .replace(invisible, '')
    .replace(loneSurrogate, '\ufffd')
    .replace(/[&<>"']/g, (c) => entities[c]!)
}

/**
 * True when `text` is printable ASCII without `& < > " '`: nothing to escape (otherwise the regular
 * expression decides). Note: a loop over the codes costs less than the expression for the short class
 * names, ids and numbers that make up most of a chart.
 */
function plainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27)
      return false
  }
  return true
}

/** Markup that is already safe: made by `el()` (escaped) or by `raw()` (trusted constants). */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

/** An attribute value; `undefined`, `null` and `false` leave the attribute out. */
export type AttrValue = string | number | false | null | undefined
/** Attributes by name; each value is escaped. */
export type Attrs = Readonly<Record<string, AttrValue>>
/** A child: markup, text (escaped), a number, nothing, or a list of these. */
export type Child = Markup | string | number | false | null | undefined | readonly Child[]

const namePattern = /^[A-Za-z_][\w.:-]*$/
/** Element and attribute names already checked (the same few hundred come back in every chart). */
const checkedNames = new Set<string>()
const checkedAttributes = new Set<string>()

/**
 * `<name attrs…>children…</name>`, or `<name attrs…/>` without children. Names are checked, and
 * event-handler attributes (`on…`) are refused: SVG made here never carries script.
 */
export function el(name: string, attrs: Attrs = {}, children?: Child): Markup {
  if (!checkedNames.has(name)) {
    if (!namePattern.test(name)) throw new Error(`not an element name: ${name}`)
    checkedNames.add(name)
  }
  // Note: a `for…in` over the literal and `+=` instead of `Object.entries` and a template per
  // attribute: a page's charts make some hundreds of elements, and the entries arrays showed in
  // their profile.
  let open = '<' + name
  for (const key in attrs) {
    if (!checkedAttributes.has(key)) {
      if (!namePattern.test(key) || /^on/i.test(key)) throw new Error(`attribute not allowed: ${key}`)
      checkedAttributes.add(key)
    }
    const value = attrs[key]
    if (value === undefined || value === null || value === false) continue
    open += ' ' + key + '="' + (typeof value === 'number' ? formatNumber(value) : escapeXml(value)) + '"'
  }
  const inner = renderChild(children)
  return new Markup(inner === '' ? open + '/>' : open + '>' + inner + '</' + name + '>')
}

/** Trusted markup, passed through unchanged: for constants of this code base only. */
export function raw(trusted: string): Markup {
  return new Markup(trusted)
}

function renderChild(child: Child): string {
  if (child === undefined || child === null || child === false) return ''
  if (child instanceof Markup) return child.value
  if (typeof child === 'number') return formatNumber(child)
  if (typeof child === 'string') return escapeXml(child)
  return child.map(renderChild).join('')
}

/** A coordinate with at most two decimals, so output is short and the same on every machine. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`)
  const hundredths = Math.round(n * 100)
  // Note: written from the whole hundredths, as `String(hundredths / 100)` would print them (a test
  // holds it to that): converting a fraction to its shortest decimal was most of this function's
  // time, and a page's charts format some thousands of coordinates. Far beyond any coordinate, the
  // digits are left to `String`.
  if (Math.abs(hundredths) >= 1e12) return String(hundredths / 100)
  const whole = Math.trunc(hundredths / 100)
  const cents = Math.abs(hundredths - whole * 100)
  const sign = hundredths < 0 && whole === 0 ? '-' : ''
  if (cents === 0) return String(whole)
  return `${sign}${whole}.${cents < 10 ? `0${cents}` : cents % 10 === 0 ? cents / 10 : cents}`
}

/**
 * The URL to link to, or `undefined` when it must not be linked: only absolute `http:`/`https:`
 * URLs pass (never `javascript:`, `data:` or relative ones). Returned normalised by the URL parser.
 */
export function safeHttpUrl(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- a URL with controls or spaces is refused, not cleaned
  if (!/^https?:\/\//i.test(url) || /[\u0000-\u0020\u007f-\u009f]/.test(url)) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}
