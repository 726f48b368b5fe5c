import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { PostmortemError } from '../errors.js'

/**
 * Writes a whole folder at once: every file into a fresh sibling folder, then swaps it in with two
 * renames. A failure before the swap leaves the previous output untouched; readers never see a mix.
 * Paths must be relative and stay inside the folder.
 */
export async function writeFolderAtomically(
  outDir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
): Promise<void> {
  const target = resolve(outDir)
  const parent = dirname(target)
  await mkdir(parent, { recursive: true })
  const fresh = await mkdtemp(join(parent, `.${basename(target)}-new-`))
  try {
    for (const [path, content] of files) {
      const file = resolve(fresh, path)
      // Note: paths come from validated ids, but a path leaving the folder must never be written.
      if (relative(fresh, file).startsWith('..') || !file.startsWith(fresh + sep))
        throw new PostmortemError(`refusing to write outside the output folder: ${path}`)
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, content)
    }
  } catch (error) {
    await rm(fresh, { recursive: true, force: true })
    throw error
  }
  const exists = await stat(target).then(
    () => true,
    () => false,
  )
  const old = exists ? `${fresh.replace(/-new-([^/\\]*)$/, '-old-$1')}` : undefined
  if (old) await rename(target, old)
  try {
    await rename(fresh, target)
  } catch (error) {
    if (old) await rename(old, target)
    await rm(fresh, { recursive: true, force: true })
    throw error
  }
  if (old) await rm(old, { recursive: true, force: true })
}
