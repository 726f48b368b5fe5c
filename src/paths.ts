import { readFileSync } from 'node:fs'
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
