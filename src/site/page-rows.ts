import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Handlebars from 'handlebars'
import writeFileAtomic from 'write-file-atomic'
import type { Templates } from '../render/templates.js'
import { rowData, rowsHelper } from '../render/templates.js'
import type { JoinedFile } from './feeds.js'

/**
 * What decides a row's HTML, on the row's view (a symbol: layouts never see it). Two rows with the
 * same key, under the same build key, render the same: the view builders make it from the hash of
 * the record's bytes and whatever else of the build the row shows (an action item's `overdue`).
 */
export const rowKey = Symbol('row key')

/** A row view that can be kept: see `rowKey`. */
export type KeyedRow = { [rowKey]?: string }

/** Where each kept row of one page is, in the bytes of the page as last written. */
interface PageEntry {
  /** `stat` of the page when written: a page changed since (by anyone) is not used. */
  size: number
  mtimeMs: number
  /** Row keys, in page order, and [offset, length] of each in the page's bytes. */
  keys: string[]
  spans: number[]
}

interface StoreFile {
  format: number
  key: string
  pages: Record<string, PageEntry>
}

const format = 1

/** `<out>/.cache/page-rows.json`. */
export function pageRowsPath(outDir: string): string {
  return join(outDir, '.cache', 'page-rows.json')
}

/**
 * The rows of the pages over all incidents, kept from one build to the next: the index's and the
 * action items' (drawn by the theme's row partials `incident-row`, `open-action-item` and
 * `closed-action-item`), and the entries of incidents.json, search.json and the sitemap (`joined`).
 * A build renders only the rows it has not seen and copies the others, as bytes, from the file it
 * wrote last time. A page is made as a string with a placeholder for each row, then the rows' bytes
 * are put in their places — so at 10,000 incidents the ~20 MB of rows are neither rendered, decoded
 * nor encoded again when one record changes.
 *
 * Only partials that `rowPartialIsPure` accepts are kept this way; a row partial that looks at
 * anything beyond its row and `@root.site` is rendered every time, as is a row without a key.
 */
export class PageRows {
  private readonly nonce = randomBytes(12).toString('hex')
  private readonly written = new Map<string, Omit<PageEntry, 'size' | 'mtimeMs'>>()

  private constructor(
    private readonly siteDir: string,
    private readonly key: string,
    private readonly previous: Record<string, PageEntry>,
  ) {}

  /** The rows kept by the last build into `outDir` under the same build `key` (none when there are none). */
  static load(outDir: string, key: string): PageRows {
    const site = join(outDir, 'site')
    try {
      const saved = JSON.parse(readFileSync(pageRowsPath(outDir), 'utf8')) as Partial<StoreFile>
      if (saved.format === format && saved.key === key && typeof saved.pages === 'object' && saved.pages)
        return new PageRows(site, key, saved.pages)
    } catch {
      // none, or unreadable: every row is rendered
    }
    return new PageRows(site, key, {})
  }

  /** No rows kept: every row is rendered (they are still recorded, for `save`). */
  static empty(outDir: string, key: string): PageRows {
    return new PageRows(join(outDir, 'site'), key, {})
  }

  /** The rows the page at `path` had last time, by key, when the page is still as it was written. */
  private kept(path: string): (key: string) => Uint8Array | undefined {
    const entry = this.previous[path]
    const none = () => undefined
    if (!entry || !Array.isArray(entry.keys) || !Array.isArray(entry.spans)) return none
    let bytes: Buffer
    try {
      const file = join(this.siteDir, path)
      const stats = statSync(file)
      if (stats.size !== entry.size || stats.mtimeMs !== entry.mtimeMs) return none
      bytes = readFileSync(file)
      if (bytes.length !== entry.size) return none
    } catch {
      return none
    }
    const spans = new Map<string, number>()
    for (const [i, key] of entry.keys.entries()) spans.set(key, i)
    return (key) => {
      const i = spans.get(key)
      if (i === undefined) return undefined
      const [offset, length] = [entry.spans[2 * i]!, entry.spans[2 * i + 1]!]
      if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) return undefined
      return bytes.subarray(offset, offset + length)
    }
  }

  /**
   * Renders layout `name` for the page at site path `path` and returns its bytes: the lists it draws
   * with `{{rows list "partial"}}` through a pure row partial (`rowPartialIsPure`), of rows that all
   * have a key, are made of the rows kept from the last build and, for the others, the partial.
   */
  render(layouts: Templates, name: string, path: string, view: object): Uint8Array {
    const mark = `\u0000rows-${this.nonce}-`
    /** The lists the page draws, by placeholder: their rows, and how to draw one. */
    const lists: Array<{
      rows: KeyedRow[]
      partial: string
      template: Handlebars.TemplateDelegate
      options: Handlebars.HelperOptions
    }> = []
    const rows = ((list: unknown, partial: unknown, options: Handlebars.HelperOptions) => {
      const template = typeof partial === 'string' ? layouts.partial(partial) : undefined
      const keyed =
        Array.isArray(list) &&
        list.every((row: KeyedRow) => typeof row?.[rowKey] === 'string') &&
        typeof partial === 'string' &&
        layouts.pureRow(partial)
      if (!template || !keyed) return rowsHelper(layouts.partial)(list, partial, options) as unknown
      lists.push({ rows: list as KeyedRow[], partial: partial as string, template, options })
      return new Handlebars.SafeString(`${mark}${lists.length - 1}\u0000`)
    }) as Handlebars.HelperDelegate
    const text = layouts.render(name, view, { helpers: { rows } })
    // The page: its text between placeholders, and each list's rows where its placeholder was.
    const out = this.assemble(path)
    let at = 0
    for (let next = text.indexOf(mark); next !== -1; next = text.indexOf(mark, at)) {
      const end = text.indexOf('\u0000', next + mark.length)
      out.put(Buffer.from(text.slice(at, next)))
      const { rows: list, partial, template, options } = lists[Number(text.slice(next + mark.length, end))]!
      for (const [i, row] of list.entries())
        out.row(`${partial}\u0000${row[rowKey]!}`, () =>
          template(row, { data: rowData(options, i, list.length) }),
        )
      at = end + 1
    }
    out.put(Buffer.from(text.slice(at)))
    return out.done()
  }

  /**
   * A file made of items between a head and a tail (`incidents.json`, `search.json`, `sitemap.xml`), as
   * bytes: an item with a key is copied from the file last written at `path` when it was there, the
   * others are made by their `text()`.
   */
  joined(path: string, file: JoinedFile): Uint8Array {
    const out = this.assemble(path)
    out.put(Buffer.from(file.head))
    const separator = Buffer.from(file.separator)
    for (const [i, item] of file.items.entries()) {
      if (i > 0) out.put(separator)
      out.row(item.key, item.text)
    }
    out.put(Buffer.from(file.tail))
    return out.done()
  }

  /**
   * The file at `path` put together piece by piece: its rows copied from the file last written when
   * kept there, or made; `done()` returns its bytes and notes where its rows are, for `save`.
   */
  private assemble(path: string) {
    const kept = this.kept(path)
    const chunks: Uint8Array[] = []
    const keys: string[] = []
    const spans: number[] = []
    let size = 0
    const put = (bytes: Uint8Array) => {
      chunks.push(bytes)
      size += bytes.length
    }
    return {
      put,
      row(key: string | undefined, make: () => string) {
        const bytes = (key === undefined ? undefined : kept(key)) ?? Buffer.from(make())
        if (key !== undefined) {
          keys.push(key)
          spans.push(size, bytes.length)
        }
        put(bytes)
      },
      done: () => {
        if (keys.length > 0) this.written.set(path, { keys, spans })
        return Buffer.concat(chunks, size)
      },
    }
  }

  /**
   * Saves where the rows of this build's pages are, once the pages are written (each page's `stat` is
   * taken now). Atomic; a cache: a page written since is simply not used.
   */
  save(outDir: string): void {
    const pages: Record<string, PageEntry> = {}
    for (const [path, rows] of this.written) {
      try {
        const { size, mtimeMs } = statSync(join(this.siteDir, path))
        pages[path] = { size, mtimeMs, ...rows }
      } catch {
        // not written: nothing to keep
      }
    }
    const file = pageRowsPath(outDir)
    mkdirSync(dirname(file), { recursive: true })
    writeFileAtomic.sync(file, JSON.stringify({ format, key: this.key, pages } satisfies StoreFile), {
      fsync: false,
    })
  }
}
