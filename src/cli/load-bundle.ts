/**
 * Loads the bundled command-line tool (`lib/postmortem.cjs`, one CommonJS file) with a V8 code cache,
 * so a command does not parse and compile the bundle's ~3 MB of JavaScript again each time it starts.
 *
 * The first run of each command compiles as usual and, as it exits, keeps the bytecode of every
 * function it ran (`vm.Script#createCachedData`); later runs of that command start from it. The
 * second run writes the cache once more, with what it compiled besides: a first `build` is often a
 * full one, whose records render in worker threads, and the next renders an edited record itself.
 * Each command keeps its own cache, because each runs different code: a cache made by `--version`
 * holds little of what `build` needs. Measured here, in turns (medians of 8–10): `postmortem
 * --version` 0.34 → 0.23 s; a `build` after one edit 0.76 → 0.64 s at 1,000 records and 1.61 → 1.47 s
 * at 10,000.
 *
 * Note: Node 22's `module.enableCompileCache()` does this for any module; Node 20, the floor, has
 * only `vm.Script`'s cached data. V8 checks that a cache was made by the same V8, with the same flags,
 * for a source of the same length; it does not compare the text, so the cache's file name carries a
 * hash of the bundle's bytes. A cache V8 refuses (another Node, other flags, a damaged file) is
 * ignored, and replaced when the command exits.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire, Module } from 'node:module'
import { basename, dirname, join, sep } from 'node:path'
import vm from 'node:vm'

/** What became of a bundle's code cache. */
export type CodeCacheState =
  /** No folder to keep one in. */
  | 'off'
  /** None yet (or not for this bundle, Node or command): one is written when the process exits. */
  | 'missing'
  /** V8 compiled from the cache of the command's first run: the cache is written again at exit. */
  | 'first'
  /** V8 compiled from it. */
  | 'used'
  /** V8 refused it (made by another V8 or with other flags, or damaged): replaced when the process exits. */
  | 'rejected'

export interface LoadedBundle {
  /** What the bundle's `module.exports` holds. */
  exports: unknown
  cache: CodeCacheState
  /** The command's cache file once it has run twice (`undefined` when `cache` is `off`). */
  cacheFile: string | undefined
  /**
   * Writes the cache now, when it is to be written (see `cache`), with every function compiled so far;
   * once: later calls do nothing. Called as the process exits unless `saveAtExit` is false.
   */
  saveCache: () => void
}

export interface LoadBundleOptions {
  /** The folder of code caches, made when first written; `undefined` runs without one. */
  cacheDir: string | undefined
  /** What the process runs (the command's name): each keeps its own cache. Letters, digits and `-`. */
  variant: string
  /**
   * Write the cache as the process exits (default true). A worker thread ended with `terminate()`
   * runs no exit hook: it calls `saveCache` itself.
   */
  saveAtExit?: boolean
}

/**
 * Where the code caches of the package at `packageRoot` are kept: `.cache/postmortem` in the
 * `node_modules` folder it was installed into (as Babel, ESLint and AVA keep theirs), or in its own
 * when it has one (a clone). Whoever can write there can already change the code, so a cache there
 * trusts no one new. `undefined` when there is neither.
 */
export function codeCacheDir(packageRoot: string): string | undefined {
  const parts = packageRoot.split(sep)
  const installed = parts.lastIndexOf('node_modules')
  if (installed > 0) return join(parts.slice(0, installed + 1).join(sep), '.cache', 'postmortem')
  const own = join(packageRoot, 'node_modules')
  return existsSync(own) ? join(own, '.cache', 'postmortem') : undefined
}

/**
 * Runs the CommonJS bundle at `file` in this context, compiled from its code cache when there is a
 * usable one, and (when there was not, or it was the first run's) writes one as the process exits.
 * Never fails because of the cache: a cache that cannot be read, used or written is done without.
 */
export function loadBundle(file: string, options: LoadBundleOptions): LoadedBundle {
  const bytes = readFileSync(file)
  const variant = /^[a-z0-9-]{1,40}$/i.test(options.variant) ? options.variant : 'other'
  // The bundle's name and hash, the Node and the command: a cache of another bundle is never tried.
  const stem = `${basename(file)}-`
  const own = `${stem}${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}-${process.version}-${process.arch}-`
  const cacheFile = options.cacheDir && join(options.cacheDir, `${own}${variant}.v8`)
  const firstFile = options.cacheDir && join(options.cacheDir, `${own}${variant}.first.v8`)
  const final = cacheFile ? readOrUndefined(cacheFile) : undefined
  const firstRun = !final && firstFile ? readOrUndefined(firstFile) : undefined
  const cachedData = final ?? firstRun
  const script = new vm.Script(Module.wrap(bytes.toString('utf8')), {
    filename: file,
    ...(cachedData && { cachedData }),
    // Note: a dynamic `import()` in the bundle resolves as it would in a module Node loaded itself.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  })
  const cache: CodeCacheState = !cacheFile
    ? 'off'
    : !cachedData
      ? 'missing'
      : script.cachedDataRejected
        ? 'rejected'
        : firstRun
          ? 'first'
          : 'used'
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false }
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: object,
    __filename: string,
    __dirname: string,
  ) => void
  run(module.exports, createRequire(file), module, file, dirname(file))
  module.loaded = true
  // Note: at exit, so the cache holds every function the command compiled, not only the top level.
  // A first run's cache makes way for the second's; one V8 refused is written anew where it was.
  const writeTo = {
    off: undefined,
    used: undefined,
    missing: firstFile,
    first: cacheFile,
    rejected: final ? cacheFile : firstFile,
  }[cache]
  let pending = writeTo !== undefined && firstFile !== undefined
  const saveCache = () => {
    if (!pending || !writeTo || !firstFile) return
    pending = false
    saveCodeCache(script, writeTo, stem, own, firstFile)
  }
  if (pending && options.saveAtExit !== false) process.once('exit', saveCache)
  return { exports: module.exports, cache, cacheFile: cache === 'off' ? undefined : cacheFile, saveCache }
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

/**
 * Writes the code of `script` compiled so far to `cacheFile` (atomically: a temporary file renamed over
 * it), and removes the caches of other bundles and Node versions beside it, and the first run's cache
 * once the second's is written. Failures are ignored: a folder that cannot be written means running
 * without a cache.
 */
function saveCodeCache(
  script: vm.Script,
  cacheFile: string,
  stem: string,
  own: string,
  firstFile: string,
): void {
  const dir = dirname(cacheFile)
  try {
    mkdirSync(dir, { recursive: true })
    // Note: before making the cache (~25 ms): a folder that cannot be written (a read-only
    // node_modules) would otherwise cost that on every run.
    accessSync(dir, constants.W_OK)
    const temp = `${cacheFile}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    try {
      writeFileSync(temp, script.createCachedData())
      renameSync(temp, cacheFile)
    } catch {
      rmSync(temp, { force: true })
      return
    }
    if (cacheFile !== firstFile) rmSync(firstFile, { force: true })
    for (const name of readdirSync(dir))
      if (name.startsWith(stem) && name.endsWith('.v8') && !name.startsWith(own))
        rmSync(join(dir, name), { force: true })
  } catch {
    // no cache this time
  }
}
