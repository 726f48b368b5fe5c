import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import type { Event } from 'js-yaml'
import { parseEvents } from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { syntheticRecord } from '../bench/generate.js'
import { lineEvents } from '../src/load/yaml-lines.js'
import { edits, mutate, yamlTexts } from './helpers/yaml-corpus.js'

// The line reader must give js-yaml's events exactly, or none: never events where js-yaml fails.
// (test/yaml-events.test.ts then holds the whole fast reader to `yaml`: data, diagnostics, places.)

/** js-yaml's events, or undefined when it rejects the text. */
function reference(text: string): Event[] | undefined {
  try {
    return parseEvents(text, {})
  } catch {
    return undefined
  }
}

/** Checks the line reader against js-yaml on one text; returns whether it took it. */
function sameEvents(text: string): boolean {
  const events = lineEvents(text)
  if (events === undefined) return false
  expect(reference(text), JSON.stringify(text)).toEqual(events)
  return true
}

const examples = [...yamlTexts('incidents'), ...yamlTexts('docs/examples')]
const synthetic = Array.from({ length: 40 }, (_, i) => syntheticRecord(i, 11).text)
const fixtures = yamlTexts('test/fixtures')

describe('lineEvents', () => {
  it('reads the example and synthetic records, as js-yaml does', () => {
    for (const text of [...examples, ...synthetic]) expect(sameEvents(text)).toBe(true)
  })

  it('gives js-yaml’s events for every fixture it takes', () => {
    const took = fixtures.filter((text) => sameEvents(text))
    expect(took.length).toBeGreaterThan(fixtures.length / 2)
  })

  it('reads the shapes records are written in', () => {
    const shapes = [
      'a: b\nc: "d\\"e \\\\ \\n"\nf: [x, "y", {a: b}]\n',
      'a:\n  - id: s\n    impact: p\n  - q\n  - { at: 2019-01-01T14:30:15Z, value: 89.2 }\n',
      'h: |\n  line1\n\n  line2\n\n\ni: x\n',
      'h: >-\n  f1\n  f2\n\n# c\nk: |+\n  k\n\n',
      'l:\n  - >-\n    folded\n    item\n  - |\n    literal\n',
      'a: |\n  no newline at the end',
      'a:\nb:\n  c:\n',
      'a: 5 # a comment\n# a line of comment\n  # indented comment\nb: "x" # c\nc: [a] # c\n',
      'title: 🔥 Checkout — الدفع بطيء\nurl: https://example.com/a#b?c=d:e\n',
      'a:\n  b:\n    c:\n      - d: e\n        f:\n          - g\n',
      'empty: []\nmap: {}\nspaced: [ a , b ]\n',
      'a: x:y\nb: -5\nc: .5\nd: ~\ne: "#not a comment"\n',
      'l:\n  - |\n   x\n  - b\n',
      'a:\n  b: |\n   x\n  c: d\n',
      'a: |\n    x\n  # a comment less indented ends the block\nb: c\n',
      'a: |\n  x # not a comment\n  # not a comment either\nb: c\n',
    ]
    for (const text of shapes) {
      // Some shapes are read only in part by the line reader; those it takes must match.
      sameEvents(text)
    }
    expect(shapes.filter((text) => lineEvents(text) !== undefined).length).toBeGreaterThanOrEqual(14)
  })

  it('leaves what it does not read a line at a time to js-yaml', () => {
    const left = [
      'a: b\n  continued plain\n',
      'a: "quoted\n  on two lines"\n',
      'a:\n- indentless\n',
      "a: 'single'\n",
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a:\n  -\n    b: c\n',
      'a: |\n  x\n   \n  y\n',
      'a: |2\n   x\n',
      'a: | # header comment\n  x\n',
      'a : b\n',
      '? a\n: b\n',
      'a: {b:c}\n',
      'a: [b,\n  c]\n',
      'a: b: c\n',
      'a: "\\x41"\n',
      'a: "bad \\q escape"\n',
      '- a\n',
      '---\na: b\n',
      '\uFEFFa: b\n',
      '"a": b\n',
      '__proto__: 1\n',
      '',
      '# only a comment\n',
      'a: |\n\n  leading blank line\n',
      'a: b\n c: d\n',
    ]
    for (const text of left) expect(lineEvents(text), JSON.stringify(text)).toBeUndefined()
  })

  it('gives js-yaml’s events, or none, for mutated records (property)', () => {
    const texts = [...examples, ...synthetic.slice(0, 8), ...fixtures.filter((text) => text.length < 12_000)]
    let took = 0
    let rejected = 0
    fc.assert(
      fc.property(fc.constantFrom(...texts), edits, (text, changes) => {
        const mutated = mutate(text, changes)
        const events = lineEvents(mutated)
        const expected = reference(mutated)
        if (events === undefined) return
        took += 1
        if (expected === undefined) rejected += 1
        expect(isDeepStrictEqual(events, expected), JSON.stringify(mutated)).toBe(true)
      }),
      { numRuns: 6000, seed: 7 },
    )
    // Edits in prose, comments or strings leave texts the line reader takes (~1 in 13 here).
    expect(took).toBeGreaterThan(300)
    expect(rejected).toBe(0)
  })
})
