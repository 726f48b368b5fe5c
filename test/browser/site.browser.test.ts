// The built site in a real browser (Debian Chromium through playwright-core): clean loads, axe, the
// filters, hostile records, and screenshots for review. One browser for the whole file.
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { SiteServer } from '../../src/site/serve-site.js'
import { removeTempDirs, repoRoot } from '../helpers/run-cli.js'
import {
  buildSite,
  describeViolations,
  htmlPages,
  launchChromium,
  noProblems,
  openWatchedPage,
  runAxe,
  serve,
} from './helpers.js'

const example = 'incidents/2025-01-22-connection-pool-exhaustion/index.html'
const injection = 'incidents/2025-05-06-injection/index.html'
/** Every page of the internal example build (checked against what the build wrote, below). */
const pages = [
  'action-items/index.html',
  example,
  'incidents/2025-06-03-leaked-ci-token/index.html',
  'incidents/2025-09-14-search-index-rebuild-degradation/index.html',
  'index.html',
  'stats/index.html',
]
const screenshots = join(repoRoot, 'test-output/screenshots')
const phone = { width: 390, height: 844 }

/** The slice of the DOM the in-page callbacks use (the project compiles without the DOM lib). */
interface DomElement {
  tagName: string
  attributes: ArrayLike<{ name: string; value: string }>
  closest(selector: string): DomElement | null
  checkVisibility(): boolean
  getAttribute(name: string): string | null
  dispatchEvent(event: Event): boolean
}

let browser: Browser
let internalSite: string
let internal: SiteServer // the bundled examples, --internal: 3 incidents
let published: SiteServer // the bundled examples, public: 1 incident
let hostile: SiteServer // the injection fixture, public
const contexts: BrowserContext[] = []

beforeAll(async () => {
  browser = await launchChromium()
  internalSite = await buildSite('examples', ['--internal'])
  internal = await serve(internalSite)
  published = await serve(await buildSite('examples'))
  hostile = await serve(await buildSite('injection'))
}, 60_000)

afterAll(async () => {
  await Promise.all([internal, published, hostile].map((server) => server?.close()))
  await browser?.close()
  await removeTempDirs()
})

/** A fresh context (closed after the test), by default with JavaScript and light colours. */
async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options)
  contexts.push(context)
  return context
}

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()))
})

/** Ids of the incident cards a person can see. */
function visibleCards(page: Page): Promise<string[]> {
  return page
    .locator('.incident-card')
    .evaluateAll((cards: DomElement[]) =>
      cards.filter((card) => card.checkVisibility()).map((card) => card.getAttribute('data-id') ?? ''),
    )
}

describe('every page loads cleanly', () => {
  it('covers every HTML page the internal build wrote', async () => {
    expect(pages).toEqual(await htmlPages(internalSite))
  })

  it.each([
    ...pages.map((page) => ['internal', page] as const),
    ...['index.html', example, 'stats/index.html', 'action-items/index.html'].map(
      (page) => ['public', page] as const,
    ),
  ])('%s %s: no console errors, page errors or requests off 127.0.0.1', async (build, path) => {
    const server = build === 'internal' ? internal : published
    const { page, problems } = await openWatchedPage(await newContext(), server.url)
    const response = await page.goto(server.url + path)
    expect(response?.status()).toBe(200)
    expect(await page.title()).not.toBe('')
    await page.close()
    expect(problems).toEqual(noProblems)
  })

  // Note: Playwright's request interception (used above to stop stray requests) also stops Chromium's own
  // favicon request, so this is checked in the HTML: without an icon link every visitor's browser asks for
  // /favicon.ico, gets a 404 and logs it as a console error (on a project page it even asks another site).
  it('names an icon on every page, so browsers do not request a missing /favicon.ico', async () => {
    const withoutIcon: string[] = []
    for (const path of pages) {
      const html = await readFile(join(internalSite, path), 'utf8')
      if (!/<link\b[^>]*\brel="(?:[^"]*\s)?icon(?:\s[^"]*)?"/.test(html)) withoutIcon.push(path)
    }
    expect(withoutIcon).toEqual([])
  })
})

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  // Note: the phone width matters, not only colours: tables that fit on a desktop scroll sideways on a
  // phone, and a scrolling region must then be reachable from the keyboard.
  it.each(
    pages.flatMap((page) => (['light', 'dark', 'phone'] as const).map((mode) => [page, mode] as const)),
  )('%s (%s) has no serious or critical violations', async (path, mode) => {
    const context = await newContext(
      mode === 'phone' ? { viewport: phone, isMobile: true, hasTouch: true } : {},
    )
    const { page, problems } = await openWatchedPage(context, internal.url)
    await page.emulateMedia({ colorScheme: mode === 'dark' ? 'dark' : 'light' })
    await page.goto(internal.url + path)
    const violations = await runAxe(page)
    await page.close()
    const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(severe, `axe on ${path} (${mode}):\n${describeViolations(severe)}`).toEqual([])
    expect(problems).toEqual(noProblems)
  })
})

describe('filters and search on the index', () => {
  it('reveals the form and filters the cards as a person clicks and types', async () => {
    const { page, problems } = await openWatchedPage(await newContext(), internal.url)
    await page.goto(`${internal.url}index.html`)
    const form = page.locator('#filters')
    const noResults = page.locator('#no-results')
    const all = [
      '2025-09-14-search-index-rebuild-degradation',
      '2025-06-03-leaked-ci-token',
      '2025-01-22-connection-pool-exhaustion',
    ]
    expect(await form.isVisible()).toBe(true)
    expect(await visibleCards(page)).toEqual(all)
    expect(await page.locator('.filter-count').textContent()).toBe('3 incidents')

    // A word of one title, typed key by key.
    await page.getByRole('searchbox', { name: 'Search' }).click()
    await page.keyboard.type('exhaustion')
    expect(await visibleCards(page)).toEqual(['2025-01-22-connection-pool-exhaustion'])
    expect(await page.locator('.filter-count').textContent()).toBe('1 of 3 incidents')
    await page.getByRole('searchbox', { name: 'Search' }).fill('')

    await page.getByRole('combobox', { name: 'Severity' }).selectOption('SEV2')
    expect(await visibleCards(page)).toEqual(['2025-06-03-leaked-ci-token'])
    expect(await noResults.isVisible()).toBe(false)

    // SEV1 exists and closed exists, but no SEV1 is closed.
    await page.getByRole('combobox', { name: 'Severity' }).selectOption('SEV1')
    await page.getByRole('combobox', { name: 'Status' }).selectOption('closed')
    expect(await visibleCards(page)).toEqual([])
    expect(await noResults.isVisible()).toBe(true)

    await page.getByRole('combobox', { name: 'Severity' }).selectOption('')
    await page.getByRole('combobox', { name: 'Status' }).selectOption('')
    expect(await visibleCards(page)).toEqual(all)
    expect(await noResults.isVisible()).toBe(false)
    expect(new URL(page.url()).search).toBe('')
    await page.close()
    expect(problems).toEqual(noProblems)
  })

  it('keeps the filters in the address, so a shared link opens filtered', async () => {
    const { page, problems } = await openWatchedPage(await newContext(), internal.url)
    await page.goto(`${internal.url}index.html`)
    await page.getByRole('combobox', { name: 'Service' }).selectOption('search-api')
    expect(new URL(page.url()).searchParams.get('service')).toBe('search-api')
    const shared = await openWatchedPage(await newContext(), internal.url)
    await shared.page.goto(page.url())
    expect(await shared.page.getByRole('combobox', { name: 'Service' }).inputValue()).toBe('search-api')
    expect(await visibleCards(shared.page)).toEqual(['2025-09-14-search-index-rebuild-degradation'])
    await Promise.all([page.close(), shared.page.close()])
    expect(problems).toEqual(noProblems)
    expect(shared.problems).toEqual(noProblems)
  })

  it('lists every incident and keeps the form hidden without JavaScript', async () => {
    const { page, problems } = await openWatchedPage(
      await newContext({ javaScriptEnabled: false }),
      internal.url,
    )
    await page.goto(`${internal.url}index.html`)
    expect(await page.locator('.incident-card').count()).toBe(3)
    expect(await visibleCards(page)).toHaveLength(3)
    expect(await page.locator('#no-results').isVisible()).toBe(false)
    // The form does nothing without the script, so it must not show.
    expect(await page.locator('#filters').isVisible(), '#filters is visible without JavaScript').toBe(false)
    await page.close()
    expect(problems).toEqual(noProblems)
  })
})

describe('hostile record text (injection fixture, public build)', () => {
  it.each([injection, 'index.html', 'stats/index.html', 'action-items/index.html'])(
    '%s runs nothing from the record, however it is poked',
    async (path) => {
      const { page, problems } = await openWatchedPage(await newContext(), hostile.url)
      await page.goto(hostile.url + path)
      const pwned = () => page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)
      // The record's text is there, shown as text (else this test would prove nothing).
      expect(await page.locator('body').textContent()).toContain('window.__pwned=1')
      expect(await pwned()).toBeUndefined()

      // Real pointer and keyboard: every chart marker, every <summary>.
      // Note: a timeline event's box includes its hidden tooltip, so the pointer goes to its hit circle.
      const markers = 'svg .pm-event .pm-hit, svg .pm-marker-group, svg .pm-peak, svg .pm-dot, svg .pm-bar'
      for (const marker of await page.locator(markers).all())
        await marker.hover({ force: true, timeout: 2000 })
      for (const focusable of await page.locator('svg [tabindex]').all()) await focusable.focus()
      for (const summary of await page.locator('summary').all()) await summary.click({ timeout: 2000 })

      // Synthetic events on every element outside a link (a handler attribute would fire on these).
      await page.locator('body *').evaluateAll((elements: DomElement[]) => {
        const names =
          'mouseover mouseenter mousemove pointerover mousedown mouseup click focus focusin blur toggle'
        for (const el of elements) {
          if (el.closest('a')) continue
          for (const name of `${names} animationstart transitionend load error`.split(' '))
            el.dispatchEvent(new Event(name, { bubbles: true }))
        }
      })
      await page.waitForTimeout(100)
      expect(await pwned()).toBeUndefined()

      const unsafe = await page.locator('*').evaluateAll((elements: DomElement[]) => {
        const found: string[] = []
        for (const el of elements) {
          // The site's own empty favicon (`data:,`) stops browsers asking for /favicon.ico.
          const ownIcon = el.tagName.toUpperCase() === 'LINK' && el.getAttribute('rel') === 'icon'
          for (const { name, value } of Array.from(el.attributes)) {
            const lower = name.toLowerCase()
            if (ownIcon && lower === 'href' && value === 'data:,') continue
            if (lower.startsWith('on')) found.push(`<${el.tagName.toLowerCase()} ${name}="${value}">`)
            if (
              ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc'].includes(lower) &&
              /^\s*(javascript|data|vbscript):/i.test(value)
            )
              found.push(`<${el.tagName.toLowerCase()} ${name}="${value}">`)
          }
          if (['IFRAME', 'OBJECT', 'EMBED', 'IMG', 'STYLE', 'TEXTAREA'].includes(el.tagName.toUpperCase()))
            found.push(`<${el.tagName.toLowerCase()}>`)
          if (el.tagName.toUpperCase() === 'SCRIPT') {
            const src = el.getAttribute('src') ?? '(inline)'
            if (!/(^|\/)assets\/site\.js$|^\/__postmortem\/reload\.js$/.test(src))
              found.push(`<script src="${src}">`)
          }
        }
        return found
      })
      expect(unsafe).toEqual([])
      await page.close()
      // Note: a CSP report in the console would mean the text reached the DOM as code and only CSP saved us.
      expect(problems).toEqual(noProblems)
    },
  )
})

describe('layout on screens (screenshots for review in test-output/screenshots/)', () => {
  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true })
  })

  it.each([
    ['index', 'index.html'],
    ['incident', example],
  ])('%s, light and dark, desktop and phone', async (name, path) => {
    for (const [device, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', phone],
    ] as const) {
      const context = await newContext({
        viewport,
        isMobile: device === 'phone',
        hasTouch: device === 'phone',
      })
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await context.newPage()
        await page.emulateMedia({ colorScheme })
        await page.goto(internal.url + path)
        await page.screenshot({
          path: join(screenshots, `${name}-${device}-${colorScheme}.png`),
          fullPage: true,
        })
        await page.close()
      }
    }
  })

  it.each(pages)('%s does not scroll sideways on a 390px phone', async (path) => {
    const page = await (await newContext({ viewport: phone, isMobile: true, hasTouch: true })).newPage()
    await page.goto(internal.url + path)
    const width = await page.evaluate(() => {
      const { documentElement } = (
        globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }
      ).document
      return documentElement.scrollWidth
    })
    await page.close()
    expect(width).toBeLessThanOrEqual(phone.width)
  })
})
