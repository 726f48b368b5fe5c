import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExample } from './helpers/example.js'
import { attributes, expectWellFormedSvg } from './helpers/svg-checks.js'
import { formatDuration } from '../src/model/format-duration.js'
import { phases } from '../src/model/phases.js'
import { el, escapeXml, formatNumber, raw, safeHttpUrl } from '../src/site/svg.js'
import { timelineSvg } from '../src/site/timeline-svg.js'
import { textWidth, truncate } from '../src/site/timeline-style.js'
import type { Incident, TimelineEvent } from '../src/validate/normalize.js'
import { eventKinds } from '../src/validate/schema.js'

let example: Incident

beforeAll(async () => {
  example = await loadExample()
})

const pt = (hhmm: string) => Date.parse(`2025-01-22T${hhmm}:00-08:00`)

describe('escapeXml and el', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &#39; f')
  })

  it('drops control characters and bidi overrides, keeps tab and newline', () => {
    expect(escapeXml('a\u0000b\u0007c\u001b[31md\u202Ee\u2066f\u0085g\th\ni')).toBe('abc[31mdefg\th\ni')
    expect(escapeXml('x\ud800y')).toBe('x\ufffdy')
    expect(escapeXml('😀')).toBe('😀')
  })

  it('escapes as the full rewrite would, for any text', () => {
    const reference = (text: string) =>
      text
        .replace(
          // eslint-disable-next-line no-control-regex -- the characters escapeXml drops
          /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g,
          '',
        )
        .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;')
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' }))
    fc.assert(
      fc.property(text, (t) => escapeXml(t) === reference(t)),
      { numRuns: 5_000 },
    )
  })

  it('escapes attribute values and text, and nests markup', () => {
    expect(el('text', { x: 1.006, y: -0, class: '"><script>' }, ['<b>', el('tspan', {}, 'ok')]).value).toBe(
      '<text x="1.01" y="0" class="&quot;&gt;&lt;script&gt;">&lt;b&gt;<tspan>ok</tspan></text>',
    )
    expect(el('rect', { width: 3, hidden: false, fill: undefined }).value).toBe('<rect width="3"/>')
    expect(raw('<style>a{}</style>').value).toBe('<style>a{}</style>')
  })

  it('writes numbers to two decimals, as String() writes them once rounded', () => {
    const expected = (n: number) => {
      const rounded = Math.round(n * 100) / 100
      return String(Object.is(rounded, -0) ? 0 : rounded)
    }
    for (const n of [
      0,
      -0,
      0.004,
      -0.004,
      -0.005,
      -0.006,
      0.005,
      1.005,
      -1.5,
      99.995,
      -99.995,
      0.1,
      1e13 + 0.5,
    ])
      expect(formatNumber(n)).toBe(expected(n))
    expect(formatNumber(-0.05)).toBe('-0.05')
    expect(formatNumber(12.3)).toBe('12.3')
    const coordinate = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((h) => h / 100),
      fc.double({ min: -1e15, max: 1e15, noNaN: true }),
    )
    fc.assert(
      fc.property(coordinate, (n) => formatNumber(n) === expected(n)),
      { numRuns: 20_000 },
    )
  })

  it('refuses event-handler attributes and bad names', () => {
    expect(() => el('g', { onclick: 'x' })).toThrow()
    expect(() => el('g', { OnLoad: 'x' })).toThrow()
    expect(() => el('g', { 'a b': 'x' })).toThrow()
    expect(() => el('script x', {})).toThrow()
    expect(() => el('rect', { x: Number.NaN })).toThrow()
  })

  it('links only to http(s) URLs', () => {
    expect(safeHttpUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1')
    expect(safeHttpUrl('HTTP://Example.com')).toBe('http://example.com/')
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,x',
      'mailto:a@b.c',
      '/x',
    ])
      expect(safeHttpUrl(url)).toBeUndefined()
    expect(safeHttpUrl('https://example.com/\u0000')).toBeUndefined()
    expect(safeHttpUrl('https://exa mple.com')).toBeUndefined()
  })
})

describe('textWidth and truncate', () => {
  const chars = (t: string) => Array.from(t)
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }))

  it('count characters, not UTF-16 units', () => {
    expect(textWidth('abc')).toBeCloseTo(21.6)
    expect(textWidth('😀😀')).toBe(textWidth('ab'))
    expect(truncate('😀😀😀😀😀', 30)).toBe('😀😀😀…')
    fc.assert(
      fc.property(
        text,
        fc.boolean(),
        (t, bold) => textWidth(t, bold) === chars(t).length * (bold ? 7.92 : 7.2),
      ),
    )
  })

  it('cut text to the width, at a character, with an ellipsis', () => {
    const reference = (t: string, max: number) => {
      const all = chars(t)
      const fit = Math.floor(max / 7.2)
      return all.length <= fit
        ? t
        : `${all
            .slice(0, Math.max(0, fit - 1))
            .join('')
            .trimEnd()}…`
    }
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 200 }), (t, max) => truncate(t, max) === reference(t, max)),
    )
  })
})

describe('timelineSvg: the §9 example', () => {
  let svg: string
  beforeAll(() => {
    svg = timelineSvg(example)
  })

  it('is one well-formed, self-contained SVG', () => {
    expect(svg.match(/<svg/g)).toHaveLength(1)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expectWellFormedSvg(svg)
    expect(svg).not.toMatch(/<script|<foreignObject|<image|<use|xlink:|@import|url\(/i)
    expect(attributes(svg).filter(([name]) => /^on/i.test(name))).toEqual([])
    // The only references out are the events' http(s) evidence links.
    for (const [name, value] of attributes(svg)) if (name === 'href') expect(value).toMatch(/^https:\/\//)
  })

  it('has a title and a description it is labelled by', () => {
    const id = 'pm-timeline-2025-01-22-connection-pool-exhaustion'
    expect(svg).toContain(`aria-labelledby="${id}-title ${id}-desc"`)
    expect(svg).toContain(
      `<title id="${id}-title">Timeline of API and web app outage caused by database connection pool exhaustion</title>`,
    )
    const desc = /<desc id="[^"]+">([^<]*)<\/desc>/.exec(svg)![1]!
    expect(desc).toContain('detect 0m (12:03 to 12:03)')
    expect(desc).toContain('acknowledge 44m (12:03 to 12:47)')
    expect(desc).toContain('mitigate 2h 15m (12:47 to 15:02)')
    expect(desc).toContain('resolve 45m (15:02 to 15:47)')
    expect(desc).toContain('Time to detect 0m · acknowledge 44m · mitigate 2h 59m · resolve 3h 44m')
    expect(desc).toContain('America/Los_Angeles')
  })

  it('labels the phase bands with their durations', () => {
    for (const [phase, duration] of [
      ['detect', '0m'],
      ['acknowledge', '44m'],
      ['mitigate', '2h 15m'],
      ['resolve', '45m'],
    ]) {
      const band = new RegExp(`<g class="pm-band pm-band-${phase}">(.*?)</g>`).exec(svg)
      expect(band, phase).not.toBeNull()
      expect(band![1]).toContain(`<tspan>${duration}</tspan>`)
    }
    // The zero-length detect phase is a line, not a rectangle of width 0.
    expect(/<g class="pm-band pm-band-detect">.*?<\/g>/.exec(svg)![0]).toContain('<line')
    // The response times of §4 head the chart.
    expect(svg).toContain('Time to detect 0m · acknowledge 44m · mitigate 2h 59m · resolve 3h 44m')
  })

  it('labels ticks in Pacific time', () => {
    for (const tick of ['12:00', '13:00', '14:00', '15:00', '16:00']) expect(svg).toContain(`>${tick}</text>`)
    expect(svg).toContain('America/Los_Angeles (UTC-08:00)')
    expect(svg).not.toContain('>20:00<')
  })

  it('draws one marker per event, by kind, with its local time and text in a <title>', () => {
    expect(svg.match(/class="pm-event pm-event-/g)).toHaveLength(example.timeline.length)
    for (const kind of new Set(example.timeline.map((e) => e.kind)))
      expect(svg).toContain(`class="pm-event pm-event-${kind}`)
    expect(svg).toContain(
      '<title>2025-01-22 12:47 -08:00 · communicate (important)\nStatus page incident opened as &quot;Investigating&quot;.\n— @priya-raman\nSource: Status page incident</title>',
    )
  })

  it('links events with evidence and makes the others focusable', () => {
    const linked = example.timeline.filter((e) => e.source).length
    expect(svg.match(/<a class="pm-event /g)).toHaveLength(linked)
    expect(svg.match(/<g class="pm-event [^"]*" tabindex="0" role="img">/g)).toHaveLength(
      example.timeline.length - linked,
    )
    expect(svg).toContain('href="https://status.example.com/incidents/8w2k4r1q9x"')
    expect(svg).toContain('role="group"')
  })

  it('draws only the events it is given', () => {
    const events = example.timeline.filter((e) => e.visibility !== 'internal')
    const publicSvg = timelineSvg(example, { events })
    expect(publicSvg.match(/class="pm-event pm-event-/g)).toHaveLength(events.length)
    expect(publicSvg).not.toContain('usage-report` batch job started')
    expect(svg).toContain('usage-report` batch job started')
  })

  it('is deterministic', () => {
    expect(timelineSvg(example)).toBe(svg)
  })

  it('takes a width and an id prefix', () => {
    const narrow = timelineSvg(example, { width: 480, idPrefix: 'second chart' })
    expect(narrow).toMatch(/^<svg [^>]*width="480" height="\d+" viewBox="0 0 480 \d+"/)
    expect(narrow).toContain('id="second-chart-title"')
    expect(narrow).toContain('aria-labelledby="second-chart-title second-chart-desc"')
    expectWellFormedSvg(narrow)
  })

  it('can be a plain picture, and can leave its stylesheet to the page', () => {
    const picture = timelineSvg(example, { interactive: false, embedStyle: false })
    expect(picture).toContain('role="img"')
    expect(picture).not.toMatch(/tabindex|<a |pm-tip|<style/)
    expect(svg).toContain('@media (prefers-color-scheme:dark)')
  })
})

describe('timelineSvg: hostile record text', () => {
  it('escapes or drops it', () => {
    const base = example.timeline[0]!
    const events: TimelineEvent[] = [
      {
        ...base,
        kind: 'note',
        text: '<script>alert(1)</script>\n"><img src=x onerror=alert(1)>',
        actor: '\u202Eevil\u0007',
        source: { title: 'x" onmouseover="alert(1)', url: 'javascript:alert(1)' },
      },
      {
        ...base,
        kind: 'communicate',
        at: base.at + 60_000,
        text: 'ok',
        source: { title: 'fine', url: 'https://example.com/a?b=1&c="2"' },
      },
      {
        ...base,
        at: base.at + 120_000,
        text: 'data',
        source: { title: 'data', url: 'data:text/html,<script>alert(1)</script>' },
      },
    ]
    const incident: Incident = {
      ...example,
      id: 'x"><script>',
      title: 'Outage </title><script>alert(1)</script>\u202E',
      timeline: events,
    }
    const svg = timelineSvg(incident)
    expectWellFormedSvg(svg)
    // eslint-disable-next-line no-control-regex -- the control characters must be gone
    expect(svg).not.toMatch(/<script|<img|javascript:|data:text|\u202E|\u0007/i)
    expect(attributes(svg).filter(([name]) => /^on/i.test(name))).toEqual([])
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(svg).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')
    expect(svg).toContain('x&quot; onmouseover=&quot;alert(1)')
    expect(svg.match(/<a /g)).toHaveLength(1)
    expect(svg).toContain('href="https://example.com/a?b=1&amp;c=%222%22"')
    expect(svg).toContain('id="pm-timeline-x---script--title"')
  })
})

describe('timelineSvg: other shapes of incident', () => {
  it('shows the date when the chart crosses midnight, and an open phase of a draft', () => {
    const incident: Incident = {
      ...example,
      status: 'draft',
      timestamps: {
        impact_started: pt('22:10'),
        detected: pt('22:40'),
        acknowledged: null,
        cause_identified: null,
        mitigated: null,
        resolved: null,
        impact_ended: null,
      },
      timeline: [{ at: pt('22:40') + 3 * 3_600_000, kind: 'detect', text: 'Still going.' }],
    }
    const svg = timelineSvg(incident)
    expectWellFormedSvg(svg)
    expect(svg).toContain('>22 Jan</text>')
    expect(svg).toContain('>23 Jan</text>')
    expect(svg).toContain('Wed 22 Jan – Thu 23 Jan 2025')
    expect(svg).toContain('class="pm-band pm-band-acknowledge pm-band-open"')
    expect(svg).toContain('acknowledge in progress since 22:40')
    expect(svg).toContain('resolve —')
  })

  it('puts ticks on whole local hours in a zone with a half-hour offset', () => {
    const svg = timelineSvg({ ...example, timezone: 'Asia/Kolkata' })
    expect(svg).toContain('Asia/Kolkata (UTC+05:30)')
    const ticks = [...svg.matchAll(/<text x="[^"]+" y="[^"]+"(?: text-anchor="\w+")?>(\d\d:\d\d)<\/text>/g)]
    expect(ticks.length).toBeGreaterThan(3)
    for (const [, label] of ticks) expect(label).toMatch(/:(00|30)$/)
  })

  it('never overlaps band labels, whatever the phases (property)', () => {
    const minute = 60_000
    const start = Date.parse('2025-03-09T00:30:00-08:00') // a DST change in Los Angeles
    const arbitraryIncident = fc
      .record({
        gaps: fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 4, maxLength: 4 }),
        acknowledged: fc.boolean(),
        resolved: fc.boolean(),
        zone: fc.constantFrom('America/Los_Angeles', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe'),
        width: fc.integer({ min: 320, max: 1400 }),
        events: fc.array(
          fc.record({ offset: fc.integer({ min: -120, max: 2000 }), kind: fc.constantFrom(...eventKinds) }),
          { maxLength: 30 },
        ),
      })
      .map(({ gaps, acknowledged, resolved, zone, width, events }) => {
        const [a, b, c, d] = gaps.map((g) => g * minute) as [number, number, number, number]
        const incident: Incident = {
          ...example,
          timezone: zone,
          timestamps: {
            impact_started: start,
            detected: start + a,
            acknowledged: acknowledged ? start + a + b : null,
            cause_identified: null,
            mitigated: start + a + b + c,
            resolved: resolved ? start + a + b + c + d : null,
            impact_ended: resolved ? start + a + b + c + d : null,
          },
          timeline: events.map((e) => ({
            at: start + e.offset * minute,
            kind: e.kind,
            text: `${e.kind} event`,
          })),
        }
        return { incident, width }
      })
    fc.assert(
      fc.property(arbitraryIncident, ({ incident, width }) => {
        const svg = timelineSvg(incident, { width })
        expectWellFormedSvg(svg)
        expect(svg).not.toContain('NaN')
        const desc = /<desc id="[^"]+">([^<]*)<\/desc>/.exec(svg)![1]!
        for (const phase of phases(incident.timestamps))
          if (phase.end !== null) expect(desc).toContain(`${phase.name} ${formatDuration(phase.duration)}`)
        // Labels on one line must not overlap (estimated at 0.6 em per character, as drawn).
        const labels = [
          ...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle">(.*?)<\/text>/g),
        ]
          .map((m) => {
            const text = m[3]!.replace(/<[^>]*>/g, '')
            const half = (Array.from(text).length * 7.2) / 2
            return { y: m[2]!, from: Number(m[1]) - half, to: Number(m[1]) + half }
          })
          .filter((l) => l.to - l.from > 40) // tick labels (HH:mm) are checked by their spacing
        for (const [i, a] of labels.entries())
          for (const b of labels.slice(i + 1))
            if (a.y === b.y)
              expect(a.to <= b.from || b.to <= a.from, `${a.from}-${a.to} / ${b.from}-${b.to}`).toBe(true)
      }),
      { numRuns: 100 },
    )
  })
})
