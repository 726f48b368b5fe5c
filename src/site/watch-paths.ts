import type { Dirent, FSWatcher } from 'node:fs'
import { readdirSync, watch } from 'node:fs'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { isFolder } from './write-site.js'

const hidden = (name: string) => name.startsWith('.')

/** Options of `watchPaths`. */
export interface WatchOptions {
  /** How long changes are joined into one burst, in ms (default 50). */
  delayMs?: number
  /**
   * Called at once for each change: with the path it names, or with nothing when the watch cannot
   * say which path changed (a root that appeared or went, an event without a name). `serve` keeps
   * them, so a rebuild checks only those files (see `ChangeLog`).
   */
  onPath?: (path?: string) => void
}

/**
 * Watches files and folders, calling `onChange` once per burst of changes. 50 ms is enough to join an
 * editor's save (a write and a rename, or a truncate and a write); a change arriving while a rebuild
 * runs makes `serve` build once more. Hidden files and folders (editors' swap and backup files, `.git`)
 * are ignored. Resolves once the watching has begun.
 *
 * Each folder is watched as a folder (`fs.watch`, not recursive: one watch per folder, sub-folders
 * found by reading the tree once and added as they appear), never file by file: a folder's watch
 * reports a file by name however it was saved — written in place, or replaced by a rename as `sed -i`
 * and many editors do, which a watch on the file itself loses. chokidar, used before, read the whole
 * folder again with an `lstat` of every entry on each such event: at 10,000 records ~0.27 s of every
 * rebuild under `serve`, and one watch per file. A file to watch (the config) is watched through its
 * folder, by name; a path that does not exist yet, or is deleted and made again, is watched for in its
 * parent folder.
 */
export async function watchPaths(
  paths: readonly string[],
  onChange: () => void,
  { delayMs = 50, onPath }: WatchOptions = {},
): Promise<{ close(): Promise<void> }> {
  let timer: NodeJS.Timeout | undefined
  const changed = (path?: string) => {
    onPath?.(path)
    clearTimeout(timer)
    timer = setTimeout(onChange, delayMs)
  }
  /** Watches of the folders under the roots, by path. */
  const trees = new Map<string, FSWatcher>()
  /** Watches of the roots' parent folders, by path, with the names each is there for. */
  const parents = new Map<string, { watcher: FSWatcher; names: Set<string> }>()
  let closed = false

  const open = (folder: string, listener: (event: string, name: string | undefined) => void) => {
    try {
      return watch(folder, (event, name) => listener(event, name === null ? undefined : String(name)))
    } catch {
      return undefined // gone already, or not readable: its parent's watch sees it come back
    }
  }

  /** Watches `folder` and every folder under it (not hidden ones). */
  const watchTree = (folder: string) => {
    if (closed || trees.has(folder)) return
    const watcher = open(folder, (event, name) => {
      if (name !== undefined && hidden(name)) return
      if (name !== undefined && event === 'rename' && isFolder(join(folder, name)))
        watchTree(join(folder, name))
      changed(name === undefined ? undefined : join(folder, name))
    })
    if (!watcher) return
    // Note: a folder deleted, or moved away, ends its watch; made again, its parent's watch adds it back.
    watcher.on('error', () => unwatchTree(folder))
    trees.set(folder, watcher)
    let entries: Dirent[]
    try {
      entries = readdirSync(folder, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries)
      if (entry.isDirectory() && !hidden(entry.name)) watchTree(join(folder, entry.name))
  }

  const unwatchTree = (folder: string) => {
    for (const [path, watcher] of trees)
      if (path === folder || path.startsWith(`${folder}/`) || path.startsWith(`${folder}\\`)) {
        watcher.close()
        trees.delete(path)
      }
  }

  /**
   * Watches `path` (a root, or a folder on the way to one) by name in its parent folder: it may
   * appear, go, come back. A parent that does not exist either is watched for in its own parent.
   */
  const watchInParent = (path: string) => {
    const parent = dirname(path)
    const name = basename(path)
    const known = parents.get(parent)
    if (known) {
      known.names.add(name)
      return
    }
    const names = new Set([name])
    const watcher = open(parent, (_event, entry) => {
      if (entry !== undefined && !names.has(entry)) return
      for (const n of entry === undefined ? names : [entry]) {
        const child = join(parent, n)
        if (!isFolder(child)) continue
        // A root folder made (again): watched afresh (an old watch watched a folder now gone).
        if (roots.has(child)) {
          unwatchTree(child)
          watchTree(child)
        }
        // A folder on the way to a root that did not exist: the next one down is watched for.
        for (const root of roots) if (root.startsWith(`${child}${sep}`)) watchInParent(root)
      }
      changed()
    })
    if (watcher) {
      watcher.on('error', () => undefined)
      parents.set(parent, { watcher, names })
      // Made while its parent was not watched yet (`mkdir -p`): watched now.
      if (roots.has(path) && !trees.has(path) && isFolder(path)) watchTree(path)
    } else if (dirname(parent) !== parent) watchInParent(parent)
  }

  const roots = new Set(paths.map((p) => resolve(p)))
  for (const root of roots) {
    watchInParent(root)
    if (isFolder(root)) watchTree(root)
  }
  return {
    close() {
      closed = true
      clearTimeout(timer)
      for (const watcher of trees.values()) watcher.close()
      for (const { watcher } of parents.values()) watcher.close()
      trees.clear()
      parents.clear()
      return Promise.resolve()
    },
  }
}
