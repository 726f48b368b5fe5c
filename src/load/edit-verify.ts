// Checking an edit (edit-record.ts): what the data must be after it, and that the re-parsed text has
// exactly that data.
import { isDeepStrictEqual } from 'node:util'
import { formatPath } from '../diagnostics.js'
import type { DataPath } from '../diagnostics.js'
import type { RecordEdit } from './edit-record.js'
import type { Plain } from './edit-text.js'
import { EditError, Source } from './edit-text.js'

/** Re-parses the edited text and checks its data is the original data with the edits applied. */
export function verify(text: string, expected: Record<string, Plain>, edits: readonly RecordEdit[]): void {
  const paths = edits.map((e) => `\`${formatPath(e.path)}\``).join(', ')
  let data: unknown
  try {
    data = new Source(text).data
  } catch (error) {
    throw new EditError(`editing ${paths} would make the record invalid YAML; nothing was written`, {
      cause: error,
    })
  }
  if (!isDeepStrictEqual(data, expected))
    throw new EditError(
      `editing ${paths} would change more than those values (verification failed); nothing was written — edit the record by hand`,
    )
}

/** The edits' values as plain data; anything else (Dates, undefined, NaN, cycles) is refused. */
export function normalizeEdit(edit: RecordEdit): RecordEdit {
  if (edit.op === 'set') return { ...edit, value: toPlain(edit.value, edit.path, 0) }
  if (!Array.isArray(edit.items))
    throw new EditError(`${edit.op} at \`${formatPath(edit.path)}\` needs an array of items`)
  return { ...edit, items: edit.items.map((item) => toPlain(item, edit.path, 0)) }
}

export function toPlain(value: unknown, path: DataPath, depth: number): Plain {
  if (depth > 64)
    throw new EditError(`the value for \`${formatPath(path)}\` nests too deeply (or is circular)`)
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number' && Number.isFinite(value)) return value === 0 ? 0 : value
  if (Array.isArray(value)) return value.map((v) => toPlain(v, path, depth + 1))
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toPlain(v, path, depth + 1)]),
    )
  throw new EditError(
    `cannot write ${String(value)} (${typeof value}) to \`${formatPath(path)}\`: use strings, finite numbers, booleans, null, arrays or plain objects`,
  )
}

export function isObject(value: unknown): value is Record<string, Plain> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** The expected data: what the edit does to plain data. */
export function applyToData(data: Record<string, Plain>, edit: RecordEdit): void {
  let target = data as Plain
  for (const part of edit.path.slice(0, -1)) target = (target as Record<string, Plain>)[part]!
  const key = edit.path.at(-1)!
  if (edit.op === 'insert') {
    ;(target as Plain[]).splice(key as number, 0, ...structuredClone(edit.items as Plain[]))
    return
  }
  const current = Object.hasOwn(target as object, key) ? (target as Record<string, Plain>)[key] : undefined
  if (edit.op === 'append' && edit.items.length === 0) return
  const value =
    edit.op === 'set'
      ? structuredClone(edit.value as Plain)
      : [...(Array.isArray(current) ? current : []), ...structuredClone(edit.items as Plain[])]
  // Note: defineProperty, so a `__proto__` key is data, as yaml's toJS makes it.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
