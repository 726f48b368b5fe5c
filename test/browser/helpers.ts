import { existsSync } from 'node:fs'
import { cp, readdir, readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { serveSite } from '../../src/site/serve-site.js'
import type { SiteServer } from '../../src/site/serve-site.js'
import { makeTempDir, repoRoot, runCli } from '../helpers/run-cli.js'

/** Debian's Chromium (CI installs it with apt); `CHROMIUM_PATH` points elsewhere on other machines. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Launches the system Chromium, headless, with a fresh temporary profile (Playwright's default: a new
 * `--user-data-dir` per launch, removed on close). Throws, never skips, when Chromium is missing: CI
 * installs it, so a missing browser is a broken setup, not a reason to pass.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `Chromium is not installed at ${chromiumPath}; the browser tests need it. ` +
        'Run `apt-get install -y chromium` (or set CHROMIUM_PATH). These tests never download a browser.',
    )
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Which records a test site is built from. */
export type SiteSource = 'examples' | 'injection'

/**
 * Builds a site in a fresh temp dir (`incidents/` from the bundled examples or the injection fixture)
 * and returns the folder of the built site.
 */
export async function buildSite(source: SiteSource, flags: readonly string[] = []): Promise<string> {
  const dir = await makeTempDir()
  if (source === 'examples') {
    await cp(join(repoRoot, 'incidents'), join(dir, 'incidents'), { recursive: true })
    await writeFile(
      join(dir, 'postmortem.config.yaml'),
      await readFile(join(repoRoot, 'postmortem.config.yaml'), 'utf8'),
    )
  } else {
    await cp(join(repoRoot, 'test/fixtures/site/injection'), join(dir, 'incidents'), { recursive: true })
  }
  const result = await runCli(['build', '--at', '2026-12-04T00:00:00Z', ...flags], { cwd: dir })
  if (result.code !== 0) throw new Error(`build of the ${source} site failed:\n${result.stderr}`)
  return join(dir, 'dist/site')
}

/** The HTML pages of a built site, relative to it, sorted. */
export async function htmlPages(site: string): Promise<string[]> {
  const entries = await readdir(site, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => relative(site, join(e.parentPath, e.name)))
    .sort()
}

/** Serves a built site on 127.0.0.1 on a free port. */
export function serve(site: string): Promise<SiteServer> {
  return serveSite(site, 0)
}

/** Everything a page did that a clean page must not: console errors and warnings, uncaught errors,
 * requests leaving the preview server, failed requests and responses, dialogs. */
export interface PageProblems {
  console: string[]
  pageErrors: string[]
  foreignRequests: string[]
  failedRequests: string[]
  dialogs: string[]
}

/** A page with its problems recorded from the moment it opened. */
export interface WatchedPage {
  page: Page
  problems: PageProblems
}

/**
 * Opens a page in `context` that records its problems, and only lets requests to `origin` through
 * (anything else is recorded, then aborted, so a stray CDN link cannot slow or flake the test).
 */
export async function openWatchedPage(context: BrowserContext, origin: string): Promise<WatchedPage> {
  const page = await context.newPage()
  const problems: PageProblems = {
    console: [],
    pageErrors: [],
    foreignRequests: [],
    failedRequests: [],
    dialogs: [],
  }
  await page.route('**', (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort('blockedbyclient'),
  )
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) problems.foreignRequests.push(request.url())
  })
  page.on('requestfailed', (request) => {
    // Note: the preview server's reload stream is cut when the page closes; that is not the page's fault.
    if (!request.url().endsWith('/__postmortem/events'))
      problems.failedRequests.push(`${request.url()} (${request.failure()?.errorText ?? 'failed'})`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.failedRequests.push(`${response.url()} (HTTP ${response.status()})`)
  })
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      const { url, lineNumber } = message.location()
      problems.console.push(`${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`)
    }
  })
  page.on('pageerror', (error) => problems.pageErrors.push(error.message))
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  return { page, problems }
}

/** True when nothing went wrong (use with `expect(problems).toEqual(noProblems)` for a readable diff). */
export const noProblems: PageProblems = {
  console: [],
  pageErrors: [],
  foreignRequests: [],
  failedRequests: [],
  dialogs: [],
}

const require = createRequire(import.meta.url)
let axeSource: string | undefined

/** One axe violation, reduced to what a failure message needs. */
export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/**
 * Runs axe-core on the page for WCAG 2.0/2.1 A and AA and returns its violations.
 * Note: axe is evaluated through the DevTools protocol (`page.evaluate` of its source), which the page's
 * CSP (`script-src 'self'`) does not govern; `page.addScriptTag({ path })` inserts an inline <script>,
 * which that CSP blocks. So the page is checked exactly as visitors get it, CSP on, no `bypassCSP`.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    interface AxeNode {
      target: unknown[]
    }
    interface AxeResult {
      id: string
      impact: string | null
      help: string
      nodes: AxeNode[]
    }
    const { axe, document } = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeResult[] }> }
      document: unknown
    }
    const results = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }))
  })
}

/** Violations as lines for an assertion message: `id (impact): help — targets`. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.targets.join('\n    ')}`).join('\n')
}
