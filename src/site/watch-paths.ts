import type { Dirent, FSWatcher } from 'node:fs'
import { readdirSync, statSync, watch } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

const hidden = (name: string) => name.startsWith('.')

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
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
  delayMs = 50,
): Promise<{ close(): Promise<void> }> {
  let timer: NodeJS.Timeout | undefined
  const changed = () => {
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
      changed()
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

  /** Watches `root` (a file or folder) by name in its parent folder: it may appear, go, come back. */
  const watchInParent = (root: string) => {
    const parent = dirname(root)
    const name = basename(root)
    const known = parents.get(parent)
    if (known) {
      known.names.add(name)
      return
    }
    const names = new Set([name])
    const watcher = open(parent, (_event, entry) => {
      if (entry !== undefined && !names.has(entry)) return
      // A root folder made (again): watch it afresh (the old watch, if any, watched a folder now gone).
      for (const n of entry === undefined ? names : [entry]) {
        const path = join(parent, n)
        if (isFolder(path)) {
          unwatchTree(path)
          watchTree(path)
        }
      }
      changed()
    })
    if (watcher) {
      watcher.on('error', () => undefined)
      parents.set(parent, { watcher, names })
    }
  }

  for (const root of new Set(paths.map((p) => resolve(p)))) {
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
