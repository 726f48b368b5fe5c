// The one-edit rebuild of a dev server, measured end to end as a person sees it: from saving the file
// until the server answers with the changed page (polled over HTTP on 127.0.0.1).
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { retitle } from './synthetic-repo.js'
import type { Command, Sample, TimedServer } from './time-process.js'
import { median, startTimed } from './time-process.js'
import { editMarker } from './tool.js'

/** A dev server and the page of the record it edits. */
export interface ServeScenario {
  command: (port: number) => Command
  /** Path of the edited incident's page, e.g. `/incidents/<id>/`. */
  page: string
  /** Aggregate pages that list the incident: they must show the edit too, or they are stale. */
  aggregates: readonly string[]
  /** The source file of the edited incident. */
  file: string
  /** The rebuild time the server itself prints, in seconds, read from what it printed after an edit. */
  reported?: (output: string) => number | undefined
}

/** The figures of one serve session: start-up, each edit's rebuild, memory, stale aggregates. */
export interface ServeResult {
  /** From starting the process to the page being served. */
  startup_s: number
  /** One value per edit, seconds. */
  rebuilds_s: number[]
  rebuild_s: number
  /**
   * One value per edit: from the save until the page and every aggregate page show the edit (the
   * whole rebuild, as far as a person can see); missing for an edit after which an aggregate stayed stale.
   */
  completes_s: number[]
  /** Median of `completes_s` when every edit completed, else `null`. */
  complete_s: number | null
  /** The rebuild times the server printed (its own view: no watcher delay, no HTTP), seconds. */
  reported_s: number[]
  /** The server process over the whole session (start-up build included). */
  process: Sample
  /** Aggregate pages that did not show an edit `staleAfterMs` after the page did. */
  stale: string[]
}

const pollMs = 20
const staleAfterMs = 3_000
// Note: a server may answer before its file watcher is ready (Eleventy's chokidar scans every file
// first); an edit saved in that window is never seen. A person does not edit in the first seconds either.
const settleMs = 2_000

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => found(port))
    })
  })
}

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { headers: { 'cache-control': 'no-cache' } })
    return { status: response.status, body: await response.text() }
  } catch {
    return undefined // not listening yet
  }
}

/** Polls `url` until `accept` holds; returns the seconds it took, or throws after `timeoutMs`. */
async function waitFor(url: string, accept: (body: string) => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now()
  for (;;) {
    const answer = await get(url)
    if (answer?.status === 200 && accept(answer.body)) return (performance.now() - started) / 1000
    if (performance.now() - started > timeoutMs)
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${url}`)
    await sleep(pollMs)
  }
}

/**
 * The rebuild time the server printed after `mark`. Note: it may print after the page is served (ours
 * swaps the site in, then writes the Markdown postmortems), so this waits for the line a while.
 */
async function reportedSince(
  server: TimedServer,
  mark: number,
  read: ServeScenario['reported'],
  timeoutMs: number,
): Promise<number | undefined> {
  if (!read) return undefined
  const started = performance.now()
  for (;;) {
    const value = read(server.output(mark))
    if (value !== undefined || performance.now() - started > timeoutMs) return value
    await sleep(100)
  }
}

/**
 * Starts the server, waits for the page, then `edits` times: retitles the record and waits until the
 * page shows the new title. Each edit waits for the previous one to be served first.
 */
export async function measureServeEdits(
  scenario: ServeScenario,
  options: { edits: number; timeoutMs: number; label: string },
): Promise<ServeResult> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = startTimed(scenario.command(port))
  let stopped = false
  const stop = async () => {
    stopped = true
    return server.stop()
  }
  try {
    const exited = new Promise<never>((_, fail) =>
      server.child.once('exit', (code) => {
        if (!stopped) fail(new Error(`${options.label} exited (${code}):\n${server.output().slice(-2000)}`))
      }),
    )
    exited.catch(() => undefined) // handled by each race below
    const race = <T>(p: Promise<T>) => Promise.race([p, exited])
    const startup_s = await race(waitFor(base + scenario.page, () => true, options.timeoutMs))
    await sleep(settleMs)
    // A rebuild is one build at most: five start-ups is generous, and ends a run whose edit was missed.
    const editTimeoutMs = Math.max(120_000, 5 * startup_s * 1000)
    const rebuilds_s: number[] = []
    const completes_s: number[] = []
    const reported_s: number[] = []
    const stale = new Set<string>()
    let marker = ''
    for (let e = 1; e <= options.edits; e++) {
      marker = editMarker(String(port), e)
      // Note: the clock starts before the write, as a person's does when they press save.
      const started = performance.now()
      const mark = server.printed()
      retitle(scenario.file, marker)
      await race(waitFor(base + scenario.page, (body) => body.includes(marker), editTimeoutMs))
      rebuilds_s.push(round((performance.now() - started) / 1000))
      // Then every page that lists the incident, from the same save: the whole rebuild.
      let complete = true
      for (const path of scenario.aggregates)
        await race(waitFor(base + path, (body) => body.includes(marker), staleAfterMs)).catch(
          (error: unknown) => {
            if (!(error instanceof Error && error.message.startsWith('timed out'))) throw error
            stale.add(path)
            complete = false
          },
        )
      if (complete) completes_s.push(round((performance.now() - started) / 1000))
      // Let the server settle (trailing watcher events, the rest of a batch) before the next edit.
      await sleep(500)
      const reported = await reportedSince(
        server,
        mark,
        scenario.reported,
        10_000 + rebuilds_s.at(-1)! * 1000,
      )
      if (reported !== undefined) reported_s.push(round(reported))
    }
    return {
      startup_s: round(startup_s),
      rebuilds_s,
      rebuild_s: median(rebuilds_s),
      completes_s,
      complete_s: completes_s.length === options.edits ? median(completes_s) : null,
      reported_s,
      process: await stop(),
      stale: [...stale],
    }
  } finally {
    if (!stopped) await stop().catch(() => undefined)
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000
