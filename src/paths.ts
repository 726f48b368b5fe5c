import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { access } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

// Note: the one module that knows where shipped files live; compiled to lib/, so `..` is the package root.
const root = new URL('../', import.meta.url)

/** Absolute path of a file shipped with the package (`schema/incident.schema.json`, `templates/…`). */
export function packagePath(relative: string): string {
  return fileURLToPath(new URL(relative, root))
}

let version: string | undefined

/** The package version from package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version
  return version
}

/**
 * The version and a hash of a file of code (default: the bundled CLI, `lib/postmortem.cjs`, built from
 * every source file): what caches are keyed by. A copy installed from git and updated without a
 * version bump must not reuse what other code made; the bundle's bytes are the same on every
 * install of the same code (the build is deterministic), so a CI cache survives `npm ci`. Only the
 * version when the file is missing (running from the TypeScript sources).
 */
export function codeFingerprint(file = packagePath('lib/postmortem.cjs')): string {
  let code: Buffer
  try {
    code = readFileSync(file)
  } catch {
    return packageVersion()
  }
  return `${packageVersion()}+${createHash('sha256').update(code).digest('hex').slice(0, 16)}`
}

let fingerprint: string | undefined

/** `codeFingerprint()` of this install, computed once per process. */
export function toolFingerprint(): string {
  fingerprint ??= codeFingerprint()
  return fingerprint
}

/** The package name from package.json: an installed copy lives in `node_modules/<name>`. */
export function packageName(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { name: string }).name
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

/**
 * The `$schema` reference for a file in `fromDir` of the project at `projectRoot`, relative so it
 * works for everyone who clones the repository: the package as the project installs it
 * (`node_modules/<name>`, looked up like Node does, up to the git repository's root); else this
 * package, when the project lives inside it (its own repository); else where
 * `npm install --save-dev` will put it — never a machine-specific path such as npx's cache.
 */
export async function schemaReference(
  schema: 'incident.schema.json' | 'config.schema.json',
  fromDir: string,
  projectRoot: string,
): Promise<string> {
  const installed = (dir: string) => join(dir, 'node_modules', packageName(), 'schema', schema)
  // Folders Node would search, from the project up to the root of its git repository (if any).
  const folders = [resolve(projectRoot)]
  for (let dir = folders[0]!; !(await exists(join(dir, '.git'))) && dirname(dir) !== dir;) {
    dir = dirname(dir)
    folders.push(dir)
  }
  if (!(await exists(join(folders.at(-1)!, '.git')))) folders.splice(1)
  let target: string | undefined
  for (const dir of folders)
    if (await exists(installed(dir))) {
      target = installed(dir)
      break
    }
  const own = packagePath(`schema/${schema}`)
  const inside = (child: string, parent: string) => !relative(parent, child).startsWith('..')
  target ??= inside(resolve(projectRoot), packagePath('.')) ? own : installed(resolve(projectRoot))
  const path = relative(fromDir, target).split(sep).join('/')
  return path.startsWith('../') ? path : `./${path}`
}

/** A path part `.` or `..`, or an empty one (`/a`, `a//b`, a trailing separator). */
const oddParts = /^[\\/]|(^|[\\/])\.\.?([\\/]|$)|[\\/]([\\/]|$)/

/**
 * A file's name as diagnostics and the build cache show it: relative to `cwd`, or the path itself
 * when that is empty. `relative` resolves both paths again on every call (~1 µs: ~10 ms of every
 * rebuild at 10,000 records); a path inside an absolute, normalised `cwd`, with no `.`, `..` or
 * empty parts after it, is cut instead, which gives the same.
 */
export function nameFrom(cwd: string): (file: string) => string {
  const prefix = cwd === resolve(cwd) ? (cwd.endsWith(sep) ? cwd : cwd + sep) : undefined
  return (file) => {
    if (prefix !== undefined && file.startsWith(prefix)) {
      const rest = file.slice(prefix.length)
      if (rest !== '' && !oddParts.test(rest)) return rest
    }
    return relative(cwd, file) || file
  }
}
