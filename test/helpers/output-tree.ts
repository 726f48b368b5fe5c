import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

/** Every file of a build's output folder (its cache aside), by path, with its text. */
export async function outputTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const path = relative(dir, join(e.parentPath, e.name))
    if (!path.startsWith('.cache')) files.set(path, await readFile(join(dir, path), 'utf8'))
  }
  return files
}
