import { relative, resolve } from 'node:path'
import { Command } from 'commander'
import { UsageError } from '../errors.js'
import { ChangeLog } from '../site/change-log.js'
import { collectGarbage } from '../site/collect-garbage.js'
import { serveSite } from '../site/serve-site.js'
import { watchPaths } from '../site/watch-paths.js'
import type { BuildFlags, BuildMemory } from './build.js'
import { runBuild, unseenChanges } from './build.js'
import { commandConfig, incidentsFolder } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import { output } from './output.js'
import { formatText } from './report.js'

/** How long no page is asked for before `serve` saves the build cache and collects garbage. */
const quietMs = 200

/** A running `serve`: its address, and a way to stop it (tests; Ctrl-C in the terminal). */
export interface Serving {
  url: string
  /** Resolves after each rebuild triggered by a change (for tests). */
  rebuilt(): Promise<void>
  close(): Promise<void>
}

/**
 * Builds, serves the site on 127.0.0.1 and rebuilds when records, the config, templates or the theme
 * change. A build that fails keeps the previous site up and shows its diagnostics on every page.
 */
export async function startServe(
  io: CliIO,
  paths: readonly string[],
  flags: BuildFlags & { port: number },
): Promise<Serving> {
  const say = output(io, flags)
  const loaded = await commandConfig(io, flags.config)
  // Note: the build cache stays in memory between rebuilds (it is still saved for the next `build`),
  // once nobody waits for a page: see `tidyUp`.
  let unsaved: (() => Promise<void>) | undefined
  const changes = new ChangeLog()
  const memory: BuildMemory = { saveLater: (save) => (unsaved = save), changes }
  /** Saves the last build's cache, if it is not saved yet; one save at a time. */
  let saving = Promise.resolve()
  const saveCache = () =>
    (saving = saving.then(async () => {
      const save = unsaved
      unsaved = undefined
      await save?.().catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error)
        say.error(`The build cache was not saved (the next build is a full one): ${sanitize(message)}\n`)
      })
    }))
  const first = await runBuild(io, paths, flags, memory)
  // Diagnostics shown on the pages: plain text, no colour codes.
  const problems = (d: typeof first.diagnostics) =>
    d.length === 0 ? undefined : formatText(d, colorsFor({}, {}))
  const server = await serveSite(first.site, flags.port)
  if (first.code !== 0) server.reload(problems(first.diagnostics))

  let building: Promise<void> | undefined
  let closed = false
  /**
   * After a build, once no page has been asked for in a while: saves its cache, then collects its
   * garbage. Both used to run as the build ended, while the browser (or the bench) fetched the
   * rebuilt pages: at 10,000 records ~0.15 s of saving and a full collection held those answers up.
   * The collection keeps the heap low (see `collectGarbage`).
   */
  const tidyUp = async () => {
    await server.quiet(quietMs)
    if (building || closed) return // the next build saves first, and tidies up after itself
    await saveCache()
    if (building || closed) return
    collectGarbage()
    // A rebuild checks only the files the watcher named: a change it did not see (made before it
    // started, or an event lost) is found here, and makes a rebuild that checks every file.
    const stop = () => building !== undefined || closed
    if (await unseenChanges(memory, io.cwd, stop).catch(() => false)) {
      changes.note()
      if (!building && !closed) void rebuild()
    }
  }
  let again = false
  const waiters: Array<() => void> = []
  const rebuild = async (): Promise<void> => {
    if (building) {
      again = true
      return building
    }
    building = (async () => {
      // The last build's cache first: a build takes the manifest away before it changes the output.
      await saveCache()
      do {
        again = false
        // The edited incident's page is committed first; until the index, feeds and the rest follow,
        // a request for one of those waits for them rather than get the previous one.
        let finished!: () => void
        const rest = new Promise<void>((done) => (finished = done))
        memory.onPagesCommitted = () => server.holdListPages(rest)
        // Held pages are served once the output is written.
        memory.onOutputCommitted = finished
        try {
          const outcome = await runBuild(io, paths, flags, memory)
          server.reload(problems(outcome.diagnostics))
        } catch (error) {
          // A broken template or config: report it, keep serving the last good site.
          const message = error instanceof Error ? error.message : String(error)
          say.error(`${sanitize(message)}\n`)
          server.reload(message)
        } finally {
          finished()
        }
      } while (again)
    })()
    await building
    building = undefined
    void tidyUp()
    for (const w of waiters.splice(0)) w()
  }
  const { config, root, file } = loaded
  const watched = [
    incidentsFolder(loaded),
    ...(file ? [file] : []),
    ...(config.templates ? [resolve(root, config.templates)] : []),
    ...(config.site.theme ? [resolve(root, config.site.theme)] : []),
    ...paths.map((p) => resolve(io.cwd, p)),
  ]
  for (const path of new Set(watched)) say.detail(`watching ${sanitize(relative(io.cwd, path) || '.')}\n`)
  const watcher = await watchPaths([...new Set(watched)], () => void rebuild(), {
    onPath: (path) => changes.note(path),
  })
  // Note: the address is serve's result (with --port 0 nobody knows it otherwise): even with --quiet.
  // Printed once changes are watched: an edit made on seeing it is not missed.
  say.result(`Serving ${server.url} — watching for changes (Ctrl-C to stop)\n`)
  // Note: a failure here is the first edit's to report; warming up is only about speed. The start-up
  // build's cache is saved and its garbage collected first, or the first rebuild adds its own on top
  // of it (at 10,000 records, a session's peak: ~600 MiB). Not after the warm-up: that aged the
  // freshly compiled code.
  void tidyUp().then(async () => {
    if (!building && !closed) await memory.warmUp?.().catch(() => undefined)
  })
  return {
    url: server.url,
    rebuilt: () => new Promise((done) => waiters.push(done)),
    close: async () => {
      closed = true
      await watcher.close()
      await server.close()
      await building
      await saveCache()
    },
  }
}

/** `postmortem serve`: build, serve on localhost, rebuild on change. */
export function serveCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('serve')
    .description('build, serve the site on http://127.0.0.1, and rebuild and reload on every change')
    .argument('[paths...]', 'record files or folders (default: the config’s incidents folder)')
    .option('--port <n>', 'port (0 picks a free one)', '8080')
    .option('--internal', 'serve the internal build')
    .option('--base-url <url>', 'absolute URL for feed links (default: config site.base_url)')
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .option('--timings', 'after each build, print where the time went, by stage')
    .action(async (paths: string[], _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<BuildFlags & { port: string }>()
      const port = Number(flags.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be 0–65535, got ${flags.port}`)
      const serving = await startServe(io, paths, { ...flags, port })
      await new Promise<void>((stop) => {
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await serving.close()
      done(0)
    })
}
