import { fileURLToPath } from 'node:url'

/** The repository root (where package.json, incidents/ and schema/ live). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
