/**
 * The site's machine-readable files: Atom, RSS 2.0 and JSON Feed 1.1 feeds, the sitemap, `incidents.json`
 * and the client-side search index. Pure functions of their input: no clock, no I/O, same bytes for the
 * same entries.
 *
 * Note: all three feeds are built here rather than with the `feed` package. Its XML writer (xml-js)
 * escapes only the first `]]>` of a CDATA section, escapes only `"` in attributes, turns `&amp;` in text
 * back into `&`, keeps control characters XML forbids, types Atom titles as HTML, and falls back to the
 * current time for `updated`; its JSON output is JSON Feed 1.0. Each of those would need a workaround,
 * and the formats are small enough to write directly with one escaping function.
 */

import { byCodeUnits } from '../model/code-units.js'

/** One incident as the site's feeds, sitemap, search and incidents.json see it. */
export interface SiteEntry {
  /** Incident id (slug). */
  id: string
  title: string
  /** Site-relative path of its page, e.g. `incidents/2025-01-22-x/` (no leading slash). */
  path: string
  /** Plain text, one paragraph. */
  summary: string
  /** Sanitised HTML of the postmortem summary: trusted, embedded as it is. */
  content_html: string
  severity: string
  status: string
  type: string
  services: string[]
  tags: string[]
  /** `impact_started`, epoch ms. */
  started: number
  resolved: number | null
  /** When the postmortem was first published (epoch ms); stable across builds. */
  published: number
  /** When it last changed (epoch ms); moves when the record changes. */
  updated: number
  /** Durations in ms, `null` when an input is missing. */
  figures: {
    time_to_detect: number | null
    time_to_acknowledge: number | null
    time_to_mitigate: number | null
    time_to_resolve: number | null
    impact_duration: number | null
  }
}

/** The site as a whole, as its feeds describe it. */
export interface SiteInfo {
  title: string
  description?: string
  /** Absolute URL the site is served from, ending with `/`. */
  baseUrl: string
  /** BCP 47 language tag (`en`, `fr-CA`). */
  language?: string
  /** `postmortem 0.1.0`. */
  generator: string
  /** The feeds' `updated` when there are no entries (epoch ms); default 0, so output stays deterministic. */
  updated?: number
}

/** At most this many entries, the most recently updated, go into each feed. */
export const feedEntryLimit = 50

/** Where the feeds live, relative to the base URL; their self links point here. */
export const feedFiles = { atom: 'feed.xml', rss: 'rss.xml', json: 'feed.json' } as const

/**
 * Summaries in the search index are cut to about this many characters: a result snippet. (With
 * example-sized ids and titles, 1,000 incidents make about 390 KB at 150 characters, 545 KB at 300.)
 */
export const searchSummaryLength = 150

// ── XML ─────────────────────────────────────────────────────────────────────────────────────────────

/** An element: attributes (`undefined` leaves one out) and children (elements or text). */
interface XmlElement {
  name: string
  attrs?: Readonly<Record<string, string | undefined>>
  children?: readonly (XmlElement | string)[]
}

/** Character references for one document: RSS uses hexadecimal ones, see `rssFeed`. */
type References = Readonly<Record<string, string>>

const namedReferences: References = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const hexReferences: References = { '&': '&#x26;', '<': '&#x3C;', '>': '&#x3E;', '"': '&#x22;' }

// Everything outside XML 1.0's `Char` production (§2.2): C0 controls but tab, LF and CR, lone surrogates
// (the `u` flag sees them as code points outside every range), U+FFFE and U+FFFF. Not even a character
// reference can write these, so they are dropped.
const notXmlChar = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu

function escapeXml(value: string, refs: References, inAttribute: boolean): string {
  // Note: a parser turns CR (and CRLF) into LF in text, and tab/LF/CR into spaces in attributes;
  // references keep them as written.
  const special = inAttribute ? /[&<>"\t\n\r]/g : /[&<>\r]/g
  return value
    .replace(notXmlChar, '')
    .replace(special, (c) => refs[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`)
}

function el(name: string, attrs?: XmlElement['attrs'], ...children: (XmlElement | string)[]): XmlElement {
  return { name, ...(attrs && { attrs }), children }
}

function serialize(node: XmlElement, refs: References, indent = ''): string {
  let open = `<${node.name}`
  for (const [key, value] of Object.entries(node.attrs ?? {}))
    if (value !== undefined) open += ` ${key}="${escapeXml(value, refs, true)}"`
  const children = node.children ?? []
  if (children.length === 0) return `${indent}${open}/>`
  // Text-only elements stay on one line; elements holding elements are indented (no mixed content here).
  if (children.every((c) => typeof c === 'string'))
    return `${indent}${open}>${escapeXml(children.join(''), refs, false)}</${node.name}>`
  const inner = children.map((c) =>
    typeof c === 'string' ? escapeXml(c, refs, false) : serialize(c, refs, `${indent}  `),
  )
  return `${indent}${open}>\n${inner.join('\n')}\n${indent}</${node.name}>`
}

function xmlDocument(root: XmlElement, refs: References = namedReferences): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${serialize(root, refs)}\n`
}

// ── Shared pieces ───────────────────────────────────────────────────────────────────────────────────

const iso = (ms: number) => new Date(ms).toISOString()

/** The absolute URL of a site path (`incidents/<id>/`), resolved against the site's base URL. */
export function siteUrl(site: SiteInfo, path: string): string {
  // Note: a path of plain segments under a base ending in `/` (no query, no fragment) resolves to the
  // two joined: the URL parser, ~5 µs, is left to the rest. incidents.json and the sitemap each make
  // one per incident.
  if (plainPath.test(path) && site.baseUrl.endsWith('/') && !/[?#]/.test(site.baseUrl))
    return `${site.baseUrl}${path}`
  // Note: a leading slash would resolve against the host and drop the base URL's own path.
  return new URL(path.replace(/^\/+/, ''), site.baseUrl).href
}

/** Segments of letters, digits, `_`, `~` and `-` (nothing to encode, no dot segments), the last one may end in `/` or a `.ext`. */
const plainPath = /^(?:[\w~-]+\/)*(?:[\w~-]+(?:\.[a-z]+)?)?$/

/**
 * The entry's permanent id, a tag URI (RFC 4151): `tag:status.example.com,2025-01-22:incident/<id>`.
 * It depends on the host, the publication date and the id only, so moving the site to another path
 * or reshaping page URLs does not make readers see every incident again.
 */
function entryId(site: SiteInfo, entry: SiteEntry): string {
  return `tag:${new URL(site.baseUrl).hostname},${iso(entry.published).slice(0, 10)}:incident/${encodeURIComponent(entry.id)}`
}

/** Newest change first (ties: newest publication, then id). */
const newestFirst = (a: SiteEntry, b: SiteEntry) =>
  b.updated - a.updated || b.published - a.published || byCodeUnits(a.id, b.id)

/**
 * The first `limit` entries in `newestFirst` order, as a stable sort would give them: kept in order
 * as they come instead of sorting every entry (three feeds at 10,000 incidents, ~5 ms each under `serve`).
 */
export function feedEntries(entries: readonly SiteEntry[], limit = feedEntryLimit): SiteEntry[] {
  const top: SiteEntry[] = []
  for (const entry of entries) {
    if (top.length === limit && (limit === 0 || newestFirst(entry, top[limit - 1]!) >= 0)) continue
    // After every entry it does not come before (records arrive oldest first: most go to the front).
    let [low, high] = [0, top.length]
    while (low < high) {
      const mid = (low + high) >>> 1
      if (newestFirst(entry, top[mid]!) < 0) high = mid
      else low = mid + 1
    }
    top.splice(low, 0, entry)
    if (top.length > limit) top.pop()
  }
  return top
}

/** The latest entry change, else the site's fallback: a feed's own `updated`. */
function feedUpdated(site: SiteInfo, entries: readonly SiteEntry[]): number {
  return entries.reduce(
    (max, e) => Math.max(max, e.updated),
    entries.length > 0 ? -Infinity : (site.updated ?? 0),
  )
}

/** `severity:SEV1`, `service:api`, `tag:database`: one flat list of categories that says what each is. */
function categories(entry: SiteEntry): string[] {
  return [
    `severity:${entry.severity}`,
    `type:${entry.type}`,
    ...entry.services.map((s) => `service:${s}`),
    ...entry.tags.map((t) => `tag:${t}`),
  ]
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

// ── Feeds ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * Atom 1.0 (RFC 4287), for `feed.xml`. Titles and summaries are `type="text"`, so record text is never
 * read as markup; `content` is the sanitised summary HTML, escaped as `type="html"` requires. The site
 * is the feed's author (Atom needs one, and public builds carry no people).
 */
export function atomFeed(site: SiteInfo, entries: readonly SiteEntry[]): string {
  const text = (name: string, value: string) => el(name, { type: 'text' }, value)
  const feed = el(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': site.language },
    el('id', {}, site.baseUrl),
    text('title', site.title),
    ...(site.description ? [text('subtitle', site.description)] : []),
    el('updated', {}, iso(feedUpdated(site, entries))),
    el('link', { rel: 'alternate', type: 'text/html', href: site.baseUrl }),
    el('link', { rel: 'self', type: 'application/atom+xml', href: siteUrl(site, feedFiles.atom) }),
    el('author', {}, el('name', {}, site.title), el('uri', {}, site.baseUrl)),
    el('generator', {}, site.generator),
    ...feedEntries(entries).map((entry) =>
      el(
        'entry',
        {},
        el('id', {}, entryId(site, entry)),
        text('title', entry.title),
        el('link', { rel: 'alternate', type: 'text/html', href: siteUrl(site, entry.path) }),
        el('published', {}, iso(entry.published)),
        el('updated', {}, iso(entry.updated)),
        ...categories(entry).map((term) => el('category', { term })),
        text('summary', entry.summary),
        ...(entry.content_html ? [el('content', { type: 'html' }, entry.content_html)] : []),
      ),
    ),
  )
  return xmlDocument(feed)
}

/**
 * RSS 2.0, for `rss.xml`. `guid` is the tag URI (`isPermaLink="false"`), `pubDate` the publication date
 * (RSS has no "updated"; the channel's `lastBuildDate` is the latest change), `description` the plain
 * summary as HTML, `content:encoded` the sanitised summary HTML.
 *
 * Note: RSS never said whether titles may hold HTML, and readers differ. Following the RSS Advisory
 * Board's profile, `&`, `<` and `>` are written as the hexadecimal references `&#x26;` `&#x3C;` `&#x3E;`,
 * which the most readers show as the characters themselves.
 */
export function rssFeed(site: SiteInfo, entries: readonly SiteEntry[]): string {
  const rfc822 = (ms: number) => new Date(ms).toUTCString()
  const text = (name: string, value: string) => el(name, {}, value)
  const rss = el(
    'rss',
    {
      version: '2.0',
      'xmlns:atom': 'http://www.w3.org/2005/Atom',
      'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
    },
    el(
      'channel',
      {},
      text('title', site.title),
      text('link', site.baseUrl),
      // RSS requires a description.
      text('description', site.description ?? site.title),
      ...(site.language ? [text('language', site.language)] : []),
      text('generator', site.generator),
      text('lastBuildDate', rfc822(feedUpdated(site, entries))),
      el('atom:link', { href: siteUrl(site, feedFiles.rss), rel: 'self', type: 'application/rss+xml' }),
      ...feedEntries(entries).map((entry) =>
        el(
          'item',
          {},
          text('title', entry.title),
          text('link', siteUrl(site, entry.path)),
          el('guid', { isPermaLink: 'false' }, entryId(site, entry)),
          text('pubDate', rfc822(entry.published)),
          ...categories(entry).map((c) => text('category', c)),
          text('description', `<p>${escapeHtml(entry.summary)}</p>`),
          ...(entry.content_html ? [text('content:encoded', entry.content_html)] : []),
        ),
      ),
    ),
  )
  return xmlDocument(rss, hexReferences)
}

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), for `feed.json`. Built as an object here rather
 * than by transforming the `feed` package's 1.0 output: that would mean rewriting `version`, `author` and
 * `language` anyway, and this way the shape is typed. Authors are the feed's (the site), as in Atom.
 */
export function jsonFeed(site: SiteInfo, entries: readonly SiteEntry[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: site.title,
    home_page_url: site.baseUrl,
    feed_url: siteUrl(site, feedFiles.json),
    ...(site.description && { description: site.description }),
    ...(site.language && { language: site.language }),
    authors: [{ name: site.title, url: site.baseUrl }],
    items: feedEntries(entries).map((entry) => ({
      id: entryId(site, entry),
      url: siteUrl(site, entry.path),
      title: entry.title,
      // JSON Feed needs content_html or content_text; the plain summary stands in for a missing one.
      ...(entry.content_html ? { content_html: entry.content_html } : { content_text: entry.summary }),
      summary: entry.summary,
      date_published: iso(entry.published),
      date_modified: iso(entry.updated),
      tags: categories(entry),
    })),
  }
  return `${JSON.stringify(feed, null, 2)}\n`
}

// ── Other machine-readable files ────────────────────────────────────────────────────────────────────

/**
 * A file of items between a head and a tail: `head + items.join(separator) + tail`. Each item has the
 * key that decides its text, when it has one (see `PageRows.joined`, which keeps them between builds).
 */
export interface JoinedFile {
  head: string
  items: Array<{ key: string | undefined; text: () => string }>
  separator: string
  tail: string
}

/** A `JoinedFile`'s text. */
export function joinedText(file: JoinedFile): string {
  return `${file.head}${file.items.map((item) => item.text()).join(file.separator)}${file.tail}`
}

/** What decides an entry's part of a file over all incidents (its record's hash), if anything does. */
export type EntryKey = (entry: SiteEntry) => string | undefined

const sitemapNamespace = 'http://www.sitemaps.org/schemas/sitemap/0.9'

/**
 * `sitemap.xml` (https://www.sitemaps.org/protocol.html): each path as an absolute URL, in the order
 * given, with `lastmod` as a W3C datetime when known. (The protocol's 50,000-URL limit is far beyond an
 * incident history.)
 */
export function sitemapXml(site: SiteInfo, paths: readonly { path: string; lastmod?: number }[]): string {
  return joinedText(sitemapParts(site, paths))
}

/** `sitemapXml` as a `JoinedFile`: a `<url>` per path; a path's `key` decides its text with its `lastmod`. */
export function sitemapParts(
  site: SiteInfo,
  paths: readonly { path: string; lastmod?: number; key?: string }[],
): JoinedFile {
  const url = ({ path, lastmod }: { path: string; lastmod?: number }) =>
    el(
      'url',
      {},
      el('loc', {}, siteUrl(site, path)),
      ...(lastmod === undefined ? [] : [el('lastmod', {}, iso(lastmod))]),
    )
  if (paths.length === 0) {
    const text = xmlDocument(el('urlset', { xmlns: sitemapNamespace }))
    return { head: text, items: [], separator: '', tail: '' }
  }
  return {
    head: `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="${escapeXml(sitemapNamespace, namedReferences, true)}">\n`,
    items: paths.map((p) => ({
      key: p.key === undefined ? undefined : `${p.key}.${p.lastmod ?? ''}`,
      text: () => serialize(url(p), namedReferences, '  '),
    })),
    separator: '\n',
    tail: '\n</urlset>\n',
  }
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000))

/**
 * `incidents.json`: every incident on the site, newest first by start, for scripts and dashboards.
 * Times are ISO 8601 in UTC; durations are whole seconds (as in `stats --format json`), `null` when an
 * input is missing.
 */
export function incidentsJson(site: SiteInfo, entries: readonly SiteEntry[]): string {
  return joinedText(incidentsJsonParts(site, entries))
}

/** `incidentsJson` as a `JoinedFile`: an item per incident, decided by `keyOf` (its record). */
export function incidentsJsonParts(
  site: SiteInfo,
  entries: readonly SiteEntry[],
  keyOf?: EntryKey,
): JoinedFile {
  const sorted = [...entries].sort((a, b) => b.started - a.started || byCodeUnits(a.id, b.id))
  const doc = (incidents: unknown[]) =>
    `${JSON.stringify({ version: 1, title: site.title, home_page_url: site.baseUrl, incidents }, null, 2)}\n`
  if (sorted.length === 0) return { head: doc([]), items: [], separator: '', tail: '' }
  // Note: the document as JSON.stringify(…, null, 2) writes it: each incident an object indented by
  // four spaces (JSON escapes every line break inside strings, so each \n is one of its own lines).
  const empty = doc([])
  const marker = '"incidents": []\n}\n'
  return {
    head: `${empty.slice(0, -marker.length)}"incidents": [\n    `,
    items: sorted.map((entry) => ({
      key: keyOf?.(entry),
      text: () => JSON.stringify(incidentJson(site, entry), null, 2).replace(/\n/g, '\n    '),
    })),
    separator: ',\n    ',
    tail: '\n  ]\n}\n',
  }
}

function incidentJson(site: SiteInfo, entry: SiteEntry) {
  return {
    id: entry.id,
    title: entry.title,
    url: siteUrl(site, entry.path),
    severity: entry.severity,
    status: entry.status,
    type: entry.type,
    services: entry.services,
    tags: entry.tags,
    started: iso(entry.started),
    resolved: entry.resolved === null ? null : iso(entry.resolved),
    time_to_detect: seconds(entry.figures.time_to_detect),
    time_to_acknowledge: seconds(entry.figures.time_to_acknowledge),
    time_to_mitigate: seconds(entry.figures.time_to_mitigate),
    time_to_resolve: seconds(entry.figures.time_to_resolve),
    impact_duration: seconds(entry.figures.impact_duration),
  }
}

/** The search index's columns, in the order each row holds them. */
export const searchFields = [
  'id',
  'title',
  'path',
  'summary',
  'services',
  'tags',
  'severity',
  'status',
  'year',
] as const

/**
 * The client-side search index (`search.json`): `{"fields": [...searchFields], "items": [[...], ...]}`,
 * one row per incident, newest first by start. Rows are arrays, not objects, so a thousand incidents
 * stay small (the keys would repeat in every row); summaries are cut at a word near
 * `searchSummaryLength` characters. `year` is the UTC year of the impact start. `<`, `>`, `&`, U+2028
 * and U+2029 are written as `\u` escapes, so the JSON can also be inlined in a `<script>` element.
 */
export function searchIndex(entries: readonly SiteEntry[]): string {
  return joinedText(searchIndexParts(entries))
}

/** `searchIndex` as a `JoinedFile`: a row per incident, decided by `keyOf` (its record). */
export function searchIndexParts(entries: readonly SiteEntry[], keyOf?: EntryKey): JoinedFile {
  return {
    head: `{"fields":${JSON.stringify(searchFields)},"items":[`,
    items: [...entries]
      .sort((a, b) => b.started - a.started || byCodeUnits(a.id, b.id))
      .map((e) => ({
        key: keyOf?.(e),
        text: () =>
          JSON.stringify([
            e.id,
            e.title,
            e.path,
            truncate(e.summary, searchSummaryLength),
            e.services,
            e.tags,
            e.severity,
            e.status,
            new Date(e.started).getUTCFullYear(),
          ]).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      })),
    separator: ',',
    tail: ']}',
  }
}

/** At most `max` characters (code points), cut at a word boundary when one is near, ending in `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  // Note: counted in place, not as an array of code points (every search entry's summary is cut).
  let [i, count, end] = [0, 0, 0] // end: after the first max - 1 code points
  while (i < text.length) {
    if (count === max - 1) end = i
    if (count === max) break // a code point after the first max: cut
    i += text.codePointAt(i)! > 0xffff ? 2 : 1
    count += 1
  }
  if (i >= text.length) return text
  const cut = text.slice(0, end)
  const space = cut.search(/\s\S*$/)
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`
}
