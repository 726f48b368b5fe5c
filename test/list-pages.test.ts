import { describe, expect, it } from 'vitest'
import type { Figures } from '../src/model/figures.js'
import type { IncidentFigures } from '../src/model/rollups.js'
import { loadLayouts } from '../src/site/build-site.js'
import { rowKey } from '../src/site/page-rows.js'
import { actionItemsView, indexView, paths, recentClosedItems, siteContext } from '../src/site/pages.js'
import type { Incident } from '../src/validate/normalize.js'
import { defaultConfig } from '../src/validate/schema.js'
import { viewGetters } from '../src/render/templates.js'

type Item = NonNullable<Incident['action_items']>[number]

const day = 86_400_000
const at = Date.UTC(2026, 11, 4)
const config = defaultConfig()

/** Incident `n` started `n` days after 2020-01-01, with the given action items. */
function incident(n: number, items: Array<Partial<Item>>): IncidentFigures {
  const started = Date.UTC(2020, 0, 1) + n * day
  return {
    incident: {
      id: `inc-${String(n).padStart(4, '0')}`,
      title: `Incident ${n}`,
      severity: 'SEV3',
      status: 'published',
      type: 'outage',
      services: [],
      timezone: 'UTC',
      timestamps: {
        impact_started: started,
        detected: started,
        acknowledged: null,
        cause_identified: null,
        mitigated: null,
        resolved: started + 3_600_000,
        impact_ended: null,
      },
      action_items: items.map((item, i) => ({
        id: `AI-${i + 1}`,
        title: `Item ${i + 1}`,
        type: 'prevent',
        priority: 'P2',
        status: 'done',
        ...item,
      })) as Item[],
    },
    figures: { durations: { impact_duration: 3_600_000 } } as Figures,
  }
}

describe('the action-items page', () => {
  it('lists every open item, overdue first, then by due day', () => {
    const view = actionItemsView(
      [
        incident(1, [{ status: 'open', due: '2030-01-02' }, { status: 'done' }]),
        incident(2, [
          { status: 'in_progress', due: '2020-02-01' },
          { status: 'open', due: '2030-01-01' },
        ]),
      ],
      config,
      at,
    )
    expect(view.open.map((r) => `${r.incident_id}/${r.id}`)).toEqual([
      'inc-0002/AI-1',
      'inc-0002/AI-2',
      'inc-0001/AI-1',
    ])
    expect(view.open.map((r) => r.overdue)).toEqual([true, false, false])
    expect(view.counts).toEqual({ total: 4, open: 3, overdue: 1, closed: 1, closed_older: 0 })
  })

  it('lists the done and not-doing items of the newest incidents only, newest first', () => {
    // 60 incidents with 3 closed items each: 180, of which the newest `recentClosedItems` are listed.
    const items = Array.from({ length: 60 }, (_, n) =>
      incident(n, [{ status: 'done' }, { status: 'not_doing' }, { status: 'done' }, { status: 'open' }]),
    )
    const view = actionItemsView(items, config, at)
    expect(view.counts).toMatchObject({
      total: 240,
      open: 60,
      closed: 180,
      closed_older: 180 - recentClosedItems,
    })
    expect(view.closed).toHaveLength(recentClosedItems)
    expect(view.closed.slice(0, 4).map((r) => `${r.incident_id}/${r.id}`)).toEqual([
      'inc-0059/AI-1',
      'inc-0059/AI-2',
      'inc-0059/AI-3',
      'inc-0058/AI-1',
    ])
    // The oldest listed incident is the one the cut falls in; none older is listed.
    const oldest = 59 - Math.floor((recentClosedItems - 1) / 3)
    expect(view.closed.at(-1)!.incident_id).toBe(`inc-${String(oldest).padStart(4, '0')}`)
    expect(view.closed.every((r) => !r.open)).toBe(true)
    expect(view.open).toHaveLength(60)
  })

  it('says how many closed items it leaves out, and where they are', async () => {
    const layouts = await loadLayouts(config, process.cwd())
    const render = (count: number) =>
      layouts.render('action-items.html', {
        ...siteContext(config, 'public', paths.actions, 'Action items', 'test'),
        ...actionItemsView(
          Array.from({ length: count }, (_, n) => incident(n, [{ status: 'done' }, { status: 'done' }])),
          config,
          at,
        ),
      })
    const rows = (html: string) => html.match(/<tr><td><a href="\.\.\/incidents\//g)?.length ?? 0
    const all = render(recentClosedItems / 2)
    expect(rows(all)).toBe(recentClosedItems)
    expect(all).not.toContain('newest of')
    const cut = render(600)
    expect(rows(cut)).toBe(recentClosedItems)
    expect(cut).toContain(`The ${recentClosedItems} newest of 1,200, by incident;`)
  })
})

describe('the index', () => {
  it('lists every incident newest first, and makes a row again only for what changed', () => {
    const items = [incident(1, []), incident(4, []), incident(3, []), incident(2, [])].map((s) => ({
      ...s,
      excerpt: `About ${s.incident.id}`,
    }))
    const keys = new Map(items.map((s) => [s, `key-${s.incident.id}`]))
    const first = indexView(items, config, (s) => keys.get(s))
    const byId = (view: typeof first) => new Map(view.incidents.map((r) => [r.id, r]))
    expect(first.incidents.map((r) => r.id)).toEqual(['inc-0004', 'inc-0003', 'inc-0002', 'inc-0001'])
    expect(first.incidents.map((r) => r[rowKey])).toEqual(first.incidents.map((r) => `key-${r.id}`))
    expect(first.incidents[0]).toMatchObject({ summary: 'About inc-0004', year: '2020', duration: 3_600_000 })

    // The same summaries (serve, between rebuilds): the same rows. A changed summary (a new object:
    // summaries are never changed in place) or key: a row made again.
    const edited = { ...items[0]!, incident: { ...items[0]!.incident, title: 'Edited' } }
    keys.set(edited, 'key-edited')
    const excerpted = { ...items[3]!, excerpt: 'A new excerpt' }
    keys.set(excerpted, 'key-inc-0002')
    keys.set(items[2]!, 'key-changed')
    const second = indexView([edited, items[1]!, items[2]!, excerpted], config, (s) => keys.get(s))
    const [before, after] = [byId(first), byId(second)]
    expect(after.get('inc-0004')).toBe(before.get('inc-0004'))
    expect(after.get('inc-0003')).not.toBe(before.get('inc-0003'))
    expect(after.get('inc-0003')).toMatchObject({ summary: 'About inc-0003', [rowKey]: 'key-changed' })
    expect(after.get('inc-0002')).not.toBe(before.get('inc-0002'))
    expect(after.get('inc-0002')).toMatchObject({ summary: 'A new excerpt', [rowKey]: 'key-inc-0002' })
    expect(after.get('inc-0001')).not.toBe(before.get('inc-0001'))
    expect(after.get('inc-0001')).toMatchObject({ title: 'Edited', [rowKey]: 'key-edited' })
  })
})

describe('rows that read what they show when drawn', () => {
  /** The names of the getters on a row's prototype. */
  const getters = (row: object) =>
    Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(row)))
      .filter(([, d]) => d.get)
      .map(([name]) => name)

  it('are drawn with those fields, which the layouts are allowed to read', async () => {
    const layouts = await loadLayouts(config, '.')
    const owner: Partial<Item> = {
      owner: '@sre',
      issue: {
        number: 7,
        url: 'https://github.test/o/r/issues/7',
        state: 'open',
        synced_at: '2026-12-01T00:00:00Z',
      },
    }
    const items = [
      { ...incident(1, [{ status: 'open', due: '2030-01-02', ...owner }]), excerpt: 'What happened' },
    ]
    const index = indexView(items, config)
    const actions = actionItemsView(items, config, at)
    for (const row of [index.incidents[0]!, actions.open[0]!])
      expect(getters(row).filter((name) => !viewGetters[name])).toEqual([])
    expect(getters(index.incidents[0]!)).toEqual(['title', 'summary'])
    expect(getters(actions.open[0]!)).toContain('incident_title')
    // Owners are shown on internal pages only.
    const page = (name: string, path: string, view: object) =>
      layouts.render(name, { ...siteContext(config, 'internal', path, 'Page', 'test'), ...view })
    const html = page('index.html', paths.index, index)
    expect(html).toContain('>Incident 1</a>')
    expect(html).toContain('<p class="excerpt">What happened</p>')
    const list = page('action-items.html', paths.actions, actions)
    for (const text of ['Incident 1', 'Item 1', '@sre', '#7', 'P2']) expect(list).toContain(text)
  })
})
