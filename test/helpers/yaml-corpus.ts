// Record texts and their mutations, for the tests that hold the fast YAML readers to the reference ones.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'

/** The text of every `.yaml`/`.yml` file under `dir`. */
export function yamlTexts(dir: string): string[] {
  return yamlFiles(dir).map((file) => readFileSync(file, 'utf8'))
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return yamlFiles(path)
    return /\.ya?ml$/.test(name) ? [path] : []
  })
}

/** What YAML reads as structure, and some plain text: inserted anywhere, they make near-miss records. */
const pieces = [':', ' ', '-', '#', "'", '"', '|', '>', '\n', '[', ']', '{', '}', ',', '?', '\\', 'x', '  ']

/** One to three edits of a text: each cuts up to 3 characters somewhere and inserts a piece there. */
export const edits = fc.array(
  fc.record({
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    cut: fc.integer({ min: 0, max: 3 }),
    insert: fc.constantFrom(...pieces, '- ', ': ', '\n  '),
  }),
  { minLength: 1, maxLength: 3 },
)

/** `text` with `edits` applied. */
export function mutate(
  text: string,
  changes: ReadonlyArray<{ at: number; cut: number; insert: string }>,
): string {
  let mutated = text
  for (const { at, cut, insert } of changes) {
    const i = Math.floor(at * mutated.length)
    mutated = mutated.slice(0, i) + insert + mutated.slice(i + cut)
  }
  return mutated
}
