/** What `replace` returns for a value it leaves alone: plain objects and arrays are then looked into. */
export const unchanged: unique symbol = Symbol('unchanged')

/**
 * `value` with `replace` applied to it and to everything inside it, top down: where `replace` returns a
 * value, that value stands in, and what was inside is not looked at. A plain object or array in which
 * nothing was replaced is returned itself, not a copy; one in which something was is copied, with the
 * replacements. Any other object is always copied into a plain object of its own enumerable fields, so
 * what comes out holds no class instances.
 *
 * Note: a record and its views are a few thousand values, and copying them whole (as
 * `Object.fromEntries(Object.entries(…))` did) was ~7 % of a page's time, for a result that is
 * nearly always the same as the input. The values are never changed in place after parsing.
 */
export function replaceWithin(value: unknown, replace: (value: unknown) => unknown): unknown {
  const replaced = replace(value)
  if (replaced !== unchanged) return replaced
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const next = replaceWithin(item, replace)
      if (next !== item) (copy ??= value.slice())[i] = next
    }
    return copy ?? value
  }
  const fields = value as Record<string, unknown>
  let copy = Object.getPrototypeOf(value) === Object.prototype ? undefined : { ...fields }
  for (const key of Object.keys(fields)) {
    const item = fields[key]
    const next = replaceWithin(item, replace)
    if (next !== item) (copy ??= { ...fields })[key] = next
  }
  return copy ?? value
}
