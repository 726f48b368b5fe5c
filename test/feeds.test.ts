import fc from 'fast-check'
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import type { SiteEntry, SiteInfo } from '../src/site/feeds.js'
import {
  atomFeed,
  feedEntries,
  feedEntryLimit,
  incidentsJson,
  jsonFeed,
  rssFeed,
  searchFields,
  searchIndex,
  searchSummaryLength,
  siteUrl,
  sitemapXml,
  truncate,
} from '../src/site/feeds.js'

const site: SiteInfo = {
  title: 'Example Co. incident history',
  description: 'Postmortems of incidents that affected Example Co. customers',
  baseUrl: 'https://status.example.com/history/',
  language: 'en',
  generator: 'postmortem 0.1.0',
}

const day = 86_400_000
const t0 = Date.UTC(2025, 0, 22, 20, 3)

function entry(i: number, overrides: Partial<SiteEntry> = {}): SiteEntry {
  const id = overrides.id ?? `2025-01-${String(10 + (i % 20)).padStart(2, '0')}-incident-${i}`
  return {
    id,
    title: `Incident number ${i}`,
    path: `incidents/${id}/`,
    summary: `Summary of incident ${i}.`,
    content_html: `<p>Summary of incident <strong>${i}</strong>.</p>`,
    severity: 'SEV2',
    status: 'published',
    type: 'outage',
    services: ['api'],
    tags: ['database'],
    started: t0 + i * day,
    resolved: t0 + i * day + 3_600_000,
    published: t0 + i * day + 2 * day,
    updated: t0 + i * day + 3 * day,
    figures: {
      time_to_detect: 300_000,
      time_to_acknowledge: null,
      time_to_mitigate: 1_800_500,
      time_to_resolve: 3_600_000,
      impact_duration: 3_600_000,
    },
    ...overrides,
  }
}

// ── A real XML parser, made strict ───────────────────────────────────────────────────────────────────

// Note: fast-xml-parser's validator accepts `]]>` in text, `<` in attributes, U+0000 and unknown entities,
// and its default decoder leaves numeric references alone. So references are decoded here (unknown ones
// throw), and `expectWellFormed` checks what the parser lets through.
const predefined: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const entityDecoder = {
  setExternalEntities() {},
  addInputEntities() {},
  reset() {},
  setXmlVersion() {},
  decode: (text: string) =>
    text.replace(
      /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g,
      (ref, hex?: string, dec?: string, name?: string) => {
        if (hex) return String.fromCodePoint(parseInt(hex, 16))
        if (dec) return String.fromCodePoint(Number(dec))
        const value = predefined[name!]
        if (value === undefined) throw new Error(`undefined entity ${ref}`)
        return value
      },
    ),
}
const repeated = new Set(['entry', 'item', 'url', 'category'])
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  entityDecoder,
  isArray: (name) => repeated.has(name),
})

// XML 1.0 §2.2 `Char`, negated.
const notXmlChar = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u

/**
 * What the parser does not check: only allowed characters; markup is a declaration, then tags of the
 * strict form `<name a="v">` that balance; `<`, `>` and `]]>` never appear in text or attribute values;
 * every `&` starts a reference.
 */
function expectWellFormed(xml: string): void {
  expect(xml).not.toMatch(notXmlChar)
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true)
  const body = xml.slice(xml.indexOf('?>') + 2)
  const reference = /&(?:#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);/g
  const tag = /^<(\/)?([A-Za-z][\w:.-]*)((?:\s[\w:.-]+="[^"<>]*")*)\s*(\/)?>$/
  const stack: string[] = []
  let last = 0
  for (const m of body.matchAll(/<[^<>]*>/g)) {
    const text = body.slice(last, m.index)
    expect(text).not.toMatch(/[<>]/)
    last = m.index + m[0].length
    const parts = tag.exec(m[0])
    expect(parts, m[0]).not.toBeNull()
    expect(m[0].replace(reference, ''), m[0]).not.toMatch(/&/)
    expect(text.replace(reference, ''), text).not.toMatch(/&/)
    const [, close, name, , selfClose] = parts!
    if (close) expect(stack.pop()).toBe(name)
    else if (!selfClose) stack.push(name!)
  }
  expect(body.slice(last).trim()).toBe('')
  expect(stack).toEqual([])
}

type Node = Record<string, unknown>

/** The indentation between child elements comes back as `#text`; drop it where an element has children. */
function dropIndentation(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropIndentation)
  if (node === null || typeof node !== 'object') return node
  const entries = Object.entries(node).filter(
    ([k, v]) => !(k === '#text' && typeof v === 'string' && v.trim() === ''),
  )
  return Object.fromEntries(entries.map(([k, v]) => [k, dropIndentation(v)]))
}

const parse = (xml: string): Node => {
  expectWellFormed(xml)
  return dropIndentation(parser.parse(xml)) as Node
}
const at = (node: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], node)
const text = (node: unknown): string =>
  typeof node === 'string' ? node : ((node as Node)['#text'] as string)

const entries = [3, 0, 7, 1, 5].map((i) => entry(i))
const newestFirst = [7, 5, 3, 1, 0].map((i) => entry(i))
const tagUri = (e: SiteEntry) =>
  `tag:status.example.com,${new Date(e.published).toISOString().slice(0, 10)}:incident/${e.id}`
const pageUrl = (e: SiteEntry) => `https://status.example.com/history/${e.path}`

// ── Feeds ─────────────────────────────────────────────────────────────────────────────────────────────

describe('atomFeed', () => {
  const feed = at(parse(atomFeed(site, entries)), 'feed') as Node

  it('describes the site', () => {
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom')
    expect(feed['@xml:lang']).toBe('en')
    expect(text(feed.title)).toBe(site.title)
    expect(text(feed.subtitle)).toBe(site.description)
    expect(feed.id).toBe(site.baseUrl)
    expect(feed.generator).toBe('postmortem 0.1.0')
    expect(at(feed, 'author', 'name')).toBe(site.title)
    expect(feed.updated).toBe(new Date(entry(7).updated).toISOString())
    expect(feed.link).toEqual([
      { '@rel': 'alternate', '@type': 'text/html', '@href': site.baseUrl },
      {
        '@rel': 'self',
        '@type': 'application/atom+xml',
        '@href': 'https://status.example.com/history/feed.xml',
      },
    ])
  })

  it('lists entries newest change first, with stable ids, absolute links and both dates', () => {
    const items = feed.entry as Node[]
    expect(items).toHaveLength(5)
    items.forEach((item, i) => {
      const e = newestFirst[i]!
      expect(item.id).toBe(tagUri(e))
      expect(text(item.title)).toBe(e.title)
      expect(at(item, 'title', '@type')).toBe('text')
      expect(at(item, 'link', '@href')).toBe(pageUrl(e))
      expect(item.updated).toBe(new Date(e.updated).toISOString())
      expect(item.published).toBe(new Date(e.published).toISOString())
      expect(text(item.summary)).toBe(e.summary)
      expect(text(item.content)).toBe(e.content_html)
      expect(at(item, 'content', '@type')).toBe('html')
      expect((item.category as Node[]).map((c) => c['@term'])).toEqual([
        'severity:SEV2',
        'type:outage',
        'service:api',
        'tag:database',
      ])
    })
  })

  it(`keeps at most ${feedEntryLimit} entries, the most recently updated`, () => {
    const many = Array.from({ length: 70 }, (_, i) => entry(i))
    const items = at(parse(atomFeed(site, many)), 'feed', 'entry') as Node[]
    expect(items).toHaveLength(feedEntryLimit)
    expect(items[0]!.id).toBe(tagUri(entry(69)))
    expect(items.at(-1)!.id).toBe(tagUri(entry(20)))
  })

  it('breaks ties in `updated` by publication, then id', () => {
    const same = { updated: t0, published: t0 }
    const tied = [
      entry(1, { ...same, id: 'b' }),
      entry(2, { ...same, id: 'a' }),
      entry(3, { updated: t0, published: t0 + 1, id: 'c' }),
    ]
    const ids = (at(parse(atomFeed(site, tied)), 'feed', 'entry') as Node[]).map((e) =>
      String(e.id).split('/').pop(),
    )
    expect(ids).toEqual(['c', 'a', 'b'])
  })

  it('has a fixed `updated` without entries: the site fallback, else 1970', () => {
    expect(at(parse(atomFeed({ ...site, updated: t0 }, [])), 'feed', 'updated')).toBe(
      new Date(t0).toISOString(),
    )
    expect(at(parse(atomFeed(site, [])), 'feed', 'updated')).toBe('1970-01-01T00:00:00.000Z')
    expect(at(parse(atomFeed(site, [])), 'feed', 'entry')).toBeUndefined()
  })
})

describe('rssFeed', () => {
  const channel = at(parse(rssFeed(site, entries)), 'rss', 'channel') as Node

  it('describes the site', () => {
    expect(at(parse(rssFeed(site, entries)), 'rss', '@version')).toBe('2.0')
    expect(channel.title).toBe(site.title)
    expect(channel.link).toBe(site.baseUrl)
    expect(channel.description).toBe(site.description)
    expect(channel.language).toBe('en')
    expect(channel.lastBuildDate).toBe(new Date(entry(7).updated).toUTCString())
    expect(at(channel, 'atom:link', '@href')).toBe('https://status.example.com/history/rss.xml')
  })

  it('lists items newest change first, with a tag-URI guid that is not a permalink', () => {
    const items = channel.item as Node[]
    expect(items).toHaveLength(5)
    items.forEach((item, i) => {
      const e = newestFirst[i]!
      expect(item.title).toBe(e.title)
      expect(item.link).toBe(pageUrl(e))
      expect(item.guid).toEqual({ '#text': tagUri(e), '@isPermaLink': 'false' })
      expect(item.pubDate).toBe(new Date(e.published).toUTCString())
      expect(item.description).toBe(`<p>${e.summary}</p>`)
      expect(item['content:encoded']).toBe(e.content_html)
    })
  })

  it('falls back to the title when the site has no description (RSS requires one)', () => {
    const { description: _, ...bare } = site
    expect(at(parse(rssFeed(bare, [])), 'rss', 'channel', 'description')).toBe(site.title)
  })

  it('writes `&`, `<` and `>` as hexadecimal references, as the RSS profile recommends', () => {
    const xml = rssFeed(site, [entry(1, { title: 'A & B <c>' })])
    expect(xml).toContain('<title>A &#x26; B &#x3C;c&#x3E;</title>')
  })
})

describe('hostile text', () => {
  const hostile = [
    '<script>alert(1)</script>',
    'AT&T &amp; friends &lt;',
    'a ]]> b ]]> c',
    'nul\u0000here',
    'not\uFFFEa\uFFFFchar',
    'lone \ud800 surrogate',
    'right-to-left \u202Eoverride',
    'quotes " and \' and tab\tcr\rlf\n',
    'bell\u0007 vt\u000b ff\u000c esc\u001b',
  ]
  const clean = (s: string) => s.replace(new RegExp(notXmlChar.source, 'gu'), '')
  const hostileEntries = hostile.map((title, i) =>
    entry(i, {
      title,
      summary: `summary ${title}`,
      content_html: `<p>${title.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)} ]]> and ]]></p>`,
      tags: [title],
      path: `incidents/x${i}/`,
    }),
  )
  // Newest first: the last hostile entry comes first.
  const expected = [...hostile].reverse()

  it('keeps Atom well-formed, and every title as text without the characters XML forbids', () => {
    const xml = atomFeed({ ...site, title: hostile.join(' | ') }, hostileEntries)
    expect(xml).not.toMatch(/<script|\]\]>/)
    const feed = at(parse(xml), 'feed') as Node
    expect(text(feed.title)).toBe(clean(hostile.join(' | ')))
    const items = feed.entry as Node[]
    expect(items.map((e) => text(e.title))).toEqual(expected.map(clean))
    expect(items.map((e) => text(e.summary))).toEqual(expected.map((t) => clean(`summary ${t}`)))
    expect(items.map((e) => at(e, 'category', 3, '@term'))).toEqual(expected.map((t) => clean(`tag:${t}`)))
    expect(text(items.at(-1)!.content)).toBe('<p>&#60;script&#62;alert(1)&#60;/script&#62; ]]> and ]]></p>')
  })

  it('keeps RSS well-formed, titles as text, descriptions as escaped HTML', () => {
    const xml = rssFeed({ ...site, title: hostile.join(' | ') }, hostileEntries)
    expect(xml).not.toMatch(/<script|\]\]>/)
    const channel = at(parse(xml), 'rss', 'channel') as Node
    expect(channel.title).toBe(clean(hostile.join(' | ')))
    const items = channel.item as Node[]
    expect(items.map((e) => e.title)).toEqual(expected.map(clean))
    expect(items.at(-1)!.description).toBe('<p>summary &lt;script&gt;alert(1)&lt;/script&gt;</p>')
  })

  it('keeps the sitemap well-formed whatever the paths hold', () => {
    const xml = sitemapXml(site, [{ path: 'a&b/<c>/"d"/\u0000e/' }])
    const url = at(parse(xml), 'urlset', 'url', 0, 'loc')
    expect(url).toBe('https://status.example.com/history/a&b/%3Cc%3E/%22d%22/%00e/')
  })

  it('keeps JSON Feed text as it is (JSON can hold any of it)', () => {
    const feed = JSON.parse(jsonFeed(site, hostileEntries)) as { items: { title: string }[] }
    expect(feed.items.map((i) => i.title)).toEqual(expected)
  })
})

describe('jsonFeed', () => {
  interface JsonFeed {
    version: string
    title: string
    home_page_url: string
    feed_url: string
    description?: string
    language?: string
    author?: unknown
    authors: { name: string; url: string }[]
    items: Record<string, unknown>[]
  }
  const feed = JSON.parse(jsonFeed(site, entries)) as JsonFeed

  it('is JSON Feed 1.1, with `authors`, not 1.0 `author`', () => {
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1')
    expect(feed.title).toBe(site.title)
    expect(feed.home_page_url).toBe(site.baseUrl)
    expect(feed.feed_url).toBe('https://status.example.com/history/feed.json')
    expect(feed.description).toBe(site.description)
    expect(feed.language).toBe('en')
    expect(feed.authors).toEqual([{ name: site.title, url: site.baseUrl }])
    expect(feed).not.toHaveProperty('author')
  })

  it('has items newest change first, with the ids, links and dates of the XML feeds', () => {
    expect(feed.items).toEqual(
      newestFirst.map((e) => ({
        id: tagUri(e),
        url: pageUrl(e),
        title: e.title,
        content_html: e.content_html,
        summary: e.summary,
        date_published: new Date(e.published).toISOString(),
        date_modified: new Date(e.updated).toISOString(),
        tags: ['severity:SEV2', 'type:outage', 'service:api', 'tag:database'],
      })),
    )
  })

  it('leaves out what the site does not have, and uses content_text when there is no HTML', () => {
    const { description: _d, language: _l, ...bare } = site
    const minimal = JSON.parse(jsonFeed(bare, [entry(1, { content_html: '' })])) as JsonFeed
    expect(minimal).not.toHaveProperty('language')
    expect(minimal).not.toHaveProperty('description')
    expect(minimal.items[0]).not.toHaveProperty('content_html')
    expect(minimal.items[0]!.content_text).toBe(entry(1).summary)
    expect(JSON.parse(jsonFeed(site, [])).items).toEqual([])
  })
})

describe('entry ids', () => {
  it('depend on the host, the publication date and the id, not on the base path or scheme', () => {
    const moved = { ...site, baseUrl: 'http://status.example.com/' }
    const ids = (info: SiteInfo) =>
      (JSON.parse(jsonFeed(info, entries)) as { items: { id: string }[] }).items.map((i) => i.id)
    expect(ids(moved)).toEqual(ids(site))
    expect(ids(site)[0]).toBe(`tag:status.example.com,2025-01-31:incident/${entry(7).id}`)
  })
})

// ── Sitemap, incidents.json, search ─────────────────────────────────────────────────────────────────

describe('sitemapXml', () => {
  it('lists every path as an absolute URL, with lastmod when known', () => {
    const urlset = at(
      parse(sitemapXml(site, [{ path: '' }, { path: 'stats/' }, { path: entry(1).path, lastmod: t0 }])),
      'urlset',
    ) as Node
    expect(urlset['@xmlns']).toBe('http://www.sitemaps.org/schemas/sitemap/0.9')
    expect(urlset.url).toEqual([
      { loc: 'https://status.example.com/history/' },
      { loc: 'https://status.example.com/history/stats/' },
      { loc: pageUrl(entry(1)), lastmod: '2025-01-22T20:03:00.000Z' },
    ])
  })

  it('resolves a path with a leading slash under the base path, not the host', () => {
    const url = at(parse(sitemapXml(site, [{ path: '/stats/' }])), 'urlset', 'url', 0, 'loc')
    expect(url).toBe('https://status.example.com/history/stats/')
  })
})

describe('incidentsJson', () => {
  it('lists incidents newest first by start, with ISO times and durations in whole seconds', () => {
    const doc = JSON.parse(
      incidentsJson(site, [
        entry(1),
        entry(2, { resolved: null, figures: { ...entry(2).figures, time_to_resolve: null } }),
      ]),
    )
    expect(doc).toMatchObject({ version: 1, title: site.title, home_page_url: site.baseUrl })
    expect(doc.incidents.map((i: { id: string }) => i.id)).toEqual([entry(2).id, entry(1).id])
    expect(doc.incidents[1]).toEqual({
      id: entry(1).id,
      title: 'Incident number 1',
      url: pageUrl(entry(1)),
      severity: 'SEV2',
      status: 'published',
      type: 'outage',
      services: ['api'],
      tags: ['database'],
      started: '2025-01-23T20:03:00.000Z',
      resolved: '2025-01-23T21:03:00.000Z',
      time_to_detect: 300,
      time_to_acknowledge: null,
      time_to_mitigate: 1801,
      time_to_resolve: 3600,
      impact_duration: 3600,
    })
    expect(doc.incidents[0]).toMatchObject({ resolved: null, time_to_resolve: null })
  })
})

describe('the files over all incidents, as items between a head and a tail', () => {
  const text = fc.string({ unit: 'binary', maxLength: 12 })
  const entries = fc.array(
    fc.record({
      i: fc.nat(50),
      title: text,
      summary: text,
      services: fc.array(text, { maxLength: 3 }),
      tags: fc.array(text, { maxLength: 2 }),
      resolved: fc.option(fc.integer({ min: 0, max: 4e12 })),
    }),
    { maxLength: 6 },
  )
  const made = (list: Array<{ i: number } & Partial<SiteEntry>>) =>
    list.map(({ i, ...rest }, n) => entry(i, { id: `incident-${n}`, ...rest }))

  it('writes incidents.json as JSON.stringify writes its data, two spaces deep (property)', () => {
    fc.assert(
      fc.property(entries, text, (list, title) => {
        const json = incidentsJson({ ...site, title }, made(list))
        expect(json).toBe(`${JSON.stringify(JSON.parse(json), null, 2)}\n`)
        expect(JSON.parse(json).incidents).toHaveLength(list.length)
      }),
    )
  })

  it('writes search.json as JSON.stringify writes its data, with <, >, & and line separators escaped (property)', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const json = searchIndex(made(list))
        const escaped = JSON.stringify(JSON.parse(json)).replace(
          /[<>&\u2028\u2029]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        )
        expect(json).toBe(escaped)
      }),
    )
  })

  it('writes the sitemap with every URL, each on its own indented lines (property)', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const xml = sitemapXml(
          site,
          made(list).map((e, n) => ({ path: e.path, ...(n % 2 === 0 && { lastmod: e.started }) })),
        )
        const doc = parse(xml) as { urlset: { url?: { loc: string } | Array<{ loc: string }> } }
        const urls = [doc.urlset.url ?? []].flat()
        expect(urls.map((u) => u.loc)).toEqual(made(list).map(pageUrl))
        expect(xml.split('\n').filter((line) => line.startsWith('  <url>'))).toHaveLength(list.length)
      }),
    )
  })
})

describe('searchIndex', () => {
  const words =
    'connection pool saturated during the weekday peak while a batch job ran against the same database'
  // Realistic sizes: ids and titles as long as the examples', summaries longer than the cut.
  const realistic = (i: number) =>
    entry(i, {
      id: `2025-01-22-connection-pool-exhaustion-${i}`,
      path: `incidents/2025-01-22-connection-pool-exhaustion-${i}/`,
      title: `API and web app outage caused by database connection pool exhaustion ${i}`,
      summary: `${words} ${i}. `.repeat(6),
      services: ['api', 'web-app'],
      tags: ['database', 'capacity'],
    })

  it('is a header of fields and one row per incident, newest first', () => {
    const index = JSON.parse(searchIndex([entry(1), entry(2)])) as { fields: string[]; items: unknown[][] }
    expect(index.fields).toEqual([...searchFields])
    expect(index.items).toEqual([
      [
        entry(2).id,
        'Incident number 2',
        entry(2).path,
        'Summary of incident 2.',
        ['api'],
        ['database'],
        'SEV2',
        'published',
        2025,
      ],
      [
        entry(1).id,
        'Incident number 1',
        entry(1).path,
        'Summary of incident 1.',
        ['api'],
        ['database'],
        'SEV2',
        'published',
        2025,
      ],
    ])
  })

  it(`cuts long summaries at a word, near ${searchSummaryLength} characters`, () => {
    const [row] = (JSON.parse(searchIndex([realistic(1)])) as { items: string[][] }).items
    const summary = row![3]!
    expect(summary.length).toBeLessThanOrEqual(searchSummaryLength)
    expect(summary.length).toBeGreaterThan(searchSummaryLength * 0.8)
    expect(summary).toMatch(/[a-z]…$/)
    expect(realistic(1).summary.startsWith(summary.slice(0, -1))).toBe(true)
  })

  it('can be inlined in a <script> element', () => {
    const json = searchIndex([entry(1, { title: '</script><!-- & \u2028' })])
    expect(json).not.toMatch(/[<>&\u2028]/)
    expect((JSON.parse(json) as { items: string[][] }).items[0]![1]).toBe('</script><!-- & \u2028')
  })

  it('stays under 400 KB for 1,000 incidents', () => {
    const json = searchIndex(Array.from({ length: 1000 }, (_, i) => realistic(i)))
    expect(Buffer.byteLength(json)).toBeLessThan(400_000)
  })
})

describe('determinism', () => {
  it('gives the same bytes for the same entries, in any order', () => {
    const shuffled = [...entries].reverse()
    for (const build of [atomFeed, rssFeed, jsonFeed, incidentsJson]) {
      expect(build(site, shuffled)).toBe(build(site, entries))
      expect(build(site, entries)).toBe(
        build(
          site,
          entries.map((e) => structuredClone(e)),
        ),
      )
    }
    expect(searchIndex(shuffled)).toBe(searchIndex(entries))
    const paths = entries.map((e) => ({ path: e.path, lastmod: e.updated }))
    expect(sitemapXml(site, paths)).toBe(sitemapXml(site, structuredClone(paths)))
  })
})

describe('siteUrl and truncate', () => {
  it('joins plain paths to the base URL as the URL parser resolves them (property)', () => {
    const base = fc.constantFrom(
      'https://status.example.com/',
      'https://example.com/incidents/history/',
      'http://127.0.0.1:8080/',
      'https://example.com/base',
      'https://example.com/b/?q=1',
      'https://example.com/b/#top',
      'https://bücher.example/ä/',
    )
    const segment = fc.stringMatching(/^[\w~%.é -]{0,12}$/)
    const path = fc.oneof(
      fc.array(segment, { maxLength: 4 }).map((parts) => parts.join('/')),
      fc.constantFrom('incidents/2025-01-22-a/', 'feed.xml', '', '/x/', './x', '../x', 'a/./b/', 'a/../b'),
    )
    fc.assert(
      fc.property(base, path, (baseUrl, p) => {
        const local: SiteInfo = { ...site, baseUrl: new URL(baseUrl).href }
        // Note: what the URL parser refuses (` //` is a URL with no host) must be refused alike.
        const outcome = (make: () => string) => {
          try {
            return make()
          } catch (error) {
            return `refused: ${(error as Error).message}`
          }
        }
        expect(outcome(() => siteUrl(local, p))).toBe(
          outcome(() => new URL(p.replace(/^\/+/, ''), local.baseUrl).href),
        )
      }),
      { numRuns: 3000 },
    )
  })

  it('cuts text to a number of code points as an array of them would (property)', () => {
    const reference = (text: string, max: number) => {
      const chars = Array.from(text)
      if (chars.length <= max) return text
      const cut = chars.slice(0, max - 1).join('')
      const space = cut.search(/\s\S*$/)
      return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`
    }
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é', '😀', '𝔘', '—'), maxLength: 40 })
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 30 }), (t, max) => {
        expect(truncate(t, max)).toBe(reference(t, max))
      }),
      { numRuns: 5000 },
    )
  })
})

describe('the newest entries of a feed', () => {
  it('are the first of a stable sort by change, publication and id, for any entries and limit', () => {
    // Few distinct times and ids, so ties (and equal ids) are common.
    const entries = fc.array(
      fc
        .record({ i: fc.nat(5), updated: fc.nat(4), published: fc.nat(4) })
        .map(({ i, updated, published }) => entry(i, { updated, published, id: `id-${i}` })),
      { maxLength: 80 },
    )
    fc.assert(
      fc.property(entries, fc.nat(60), (list, limit) => {
        const sorted = [...list]
          .sort(
            (a, b) =>
              b.updated - a.updated || b.published - a.published || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
          )
          .slice(0, limit)
        const top = feedEntries(list, limit)
        expect(top).toHaveLength(sorted.length)
        top.forEach((e, i) => expect(e).toBe(sorted[i]))
      }),
    )
  })
})
