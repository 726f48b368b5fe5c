import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatHelpers } from '../src/render/helpers.js'
import { compileTemplates } from '../src/render/templates.js'
import { PageRows, pageRowsPath, rowKey } from '../src/site/page-rows.js'
import { rowPartialIsPure } from '../src/render/row-partials.js'

const helpers = new Set(Object.keys(formatHelpers))
const pure = (source: string) => rowPartialIsPure(source, helpers)

describe('rowPartialIsPure', () => {
  it('accepts the shipped row partials', () => {
    for (const name of ['incident-row', 'open-action-item', 'closed-action-item'])
      expect(pure(readFileSync(`site/layouts/partials/${name}.html.hbs`, 'utf8')), name).toBe(true)
  })

  it.each([
    ['fields of the row', '<li>{{title}} {{this.id}} {{.}}</li>'],
    [
      'known helpers with literal and field arguments',
      '{{date started "UTC"}} {{words (lookup this "type")}}',
    ],
    ['if, unless, else', '{{#if a}}x{{else}}{{#unless b}}y{{/unless}}{{/if}}'],
    ['@-variables of its own each', '{{#each services}}{{@index}}{{#unless @last}},{{/unless}}{{/each}}'],
    ['../ back to the row from its own each', '{{#each services}}{{../title}}{{/each}}'],
    ['../ from a with inside an each', '{{#each a}}{{#with b}}{{../../title}}{{@first}}{{/with}}{{/each}}'],
    ['@root.site', '{{#if @root.site.internal}}{{@root.site.title}}{{/if}}'],
    ['comments', '{{!-- a note --}}{{title}}'],
  ])('accepts %s', (_, source) => expect(pure(source)).toBe(true))

  it.each([
    ['the @index of the loop that calls it', '{{@index}} {{title}}'],
    ['@first inside an if, which is not a loop', '{{#if a}}{{@first}}{{/if}}'],
    ['@-variables of an outer loop', '{{#each a}}{{@../index}}{{/each}}'],
    ['the page around the row', '{{../counts.total}}'],
    ['../ past its own each', '{{#each services}}{{../../site.title}}{{/each}}'],
    ['@root beyond site', '{{@root.page.title}} {{@root.incidents.length}}'],
    ['a partial', '{{> other}}'],
    ['a partial block', '{{#> other}}x{{/other}}'],
    ['an unknown helper', '{{shout title}}'],
    ['a section (a block named by a field)', '{{#services}}{{this}}{{/services}}'],
    ['a helper named by a path', '{{a.b title}}'],
    ['a template that does not parse', '{{#if a}}'],
  ])('refuses %s', (_, source) => expect(pure(source)).toBe(false))
})

describe('PageRows', () => {
  let dir: string
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const layouts = (row: string) =>
    compileTemplates({
      html: true,
      cwd: '.',
      templates: [
        {
          name: 'list.html',
          file: 'list.html.hbs',
          text: '<ol>\n{{rows rows "row"}}</ol>\n',
        },
        { name: 'partials/row.html', file: 'row.html.hbs', text: row },
      ],
    })
  const view = (rows: Array<[key: string | undefined, title: string]>) => ({
    rows: rows.map(([key, title]) => ({ [rowKey]: key, title })),
  })
  const build = (rows: PageRows, row: string, items: Array<[string | undefined, string]>) => {
    const bytes = rows.render(layouts(row), 'list.html', 'list.html', view(items))
    writeFileSync(join(dir, 'site', 'list.html'), bytes)
    rows.save(dir)
    return Buffer.from(bytes).toString('utf8')
  }
  const setUp = () => {
    dir = mkdtempSync(join(tmpdir(), 'page-rows-'))
    mkdirSync(join(dir, 'site'))
  }

  it('renders what the layout renders, then copies a kept row instead of rendering it again', () => {
    setUp()
    const row = '  <li>{{title}} — ü</li>\n'
    const items: Array<[string, string]> = [
      ['a', 'Alpha & co'],
      ['b', 'Beta'],
    ]
    const first = build(PageRows.empty(dir, 'k'), row, items)
    expect(first).toBe(layouts(row).render('list.html', view(items)))
    expect(first).toBe('<ol>\n  <li>Alpha &amp; co — ü</li>\n  <li>Beta — ü</li>\n</ol>\n')
    // Same keys, other titles: a key stands for the row's HTML, so the kept rows come back as they were.
    const second = build(PageRows.load(dir, 'k'), row, [
      ['b', 'changed'],
      ['c', 'Gamma'],
      ['a', 'changed'],
    ])
    expect(second).toBe(
      '<ol>\n  <li>Beta — ü</li>\n  <li>Gamma — ü</li>\n  <li>Alpha &amp; co — ü</li>\n</ol>\n',
    )
    // A list with a row that has no key is drawn whole, as the layout draws it.
    const third = build(PageRows.load(dir, 'k'), row, [
      ['a', 'New'],
      [undefined, 'No key'],
    ])
    expect(third).toBe('<ol>\n  <li>New — ü</li>\n  <li>No key — ü</li>\n</ol>\n')
  })

  it('renders every row again under another build key, after the page changed, or for an impure partial', () => {
    setUp()
    const row = '<li>{{title}}</li>\n'
    build(PageRows.empty(dir, 'k'), row, [['a', 'Alpha']])
    const again = (key: string, source = row) => build(PageRows.load(dir, key), source, [['a', 'New']])
    expect(again('other')).toBe('<ol>\n<li>New</li>\n</ol>\n')
    // The store now describes the page just written under 'other'; someone edits the page (same size).
    writeFileSync(join(dir, 'site', 'list.html'), '<ol>\n<li>Old</li>\n</ol>\n')
    expect(again('other')).toBe('<ol>\n<li>New</li>\n</ol>\n')
    expect(again('other', '<li>{{@index}} {{title}}</li>\n')).toBe('<ol>\n<li>0 New</li>\n</ol>\n')
    expect(JSON.parse(readFileSync(pageRowsPath(dir), 'utf8')).pages).toEqual({})
  })

  it('draws rows as each with the partial would: @index, @first, @last, @root', () => {
    const templates = compileTemplates({
      html: true,
      cwd: '.',
      templates: [
        { name: 'list.html', file: 'l', text: '{{#with inner}}{{rows ../rows "row"}}{{/with}}' },
        { name: 'each.html', file: 'e', text: '{{#each rows}}{{> row}}{{/each}}' },
        {
          name: 'partials/row.html',
          file: 'r',
          text: '{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}:{{title}}@{{@root.site}};',
        },
      ],
    })
    const page = { site: 'S', inner: {}, rows: [{ title: 'a' }, { title: 'b' }, { title: 'c' }] }
    expect(templates.render('list.html', page)).toBe('0F:a@S;1:b@S;2L:c@S;')
    expect(templates.render('list.html', page)).toBe(templates.render('each.html', page))
  })

  it('copies the kept items of a joined file (incidents.json, search.json, the sitemap) and makes the others', () => {
    setUp()
    const file = (items: Array<[string | undefined, string]>) => ({
      head: '[',
      items: items.map(([key, text]) => ({ key, text: () => text })),
      separator: ',',
      tail: ']\n',
    })
    const write = (rows: PageRows, items: Array<[string | undefined, string]>) => {
      const bytes = rows.joined('list.json', file(items))
      writeFileSync(join(dir, 'site', 'list.json'), bytes)
      rows.save(dir)
      return Buffer.from(bytes).toString()
    }
    expect(
      write(PageRows.empty(dir, 'k'), [
        ['a', '"Ä"'],
        ['b', '"B"'],
        [undefined, '0'],
      ]),
    ).toBe('["Ä","B",0]\n')
    // Kept by key: "a" comes back as it was written, whatever its text now; "c" is new; no key: made.
    expect(
      write(PageRows.load(dir, 'k'), [
        ['c', '"C"'],
        ['a', '"changed"'],
        [undefined, '1'],
      ]),
    ).toBe('["C","Ä",1]\n')
    expect(write(PageRows.load(dir, 'k'), [])).toBe('[]\n')
  })
})
