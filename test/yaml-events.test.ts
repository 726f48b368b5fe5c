import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { syntheticRecord } from '../bench/generate.js'
import type { DataPath } from '../src/diagnostics.js'
import type { ParsedSource } from '../src/load/parse-source.js'
import { defaultLimits, locate, locateText, parseSource, sourceAt } from '../src/load/parse-source.js'
import { readByEvents } from '../src/load/yaml-events.js'
import { edits, mutate, yamlTexts } from './helpers/yaml-corpus.js'

// The fast reader (js-yaml's events) must give what the reference reader (`yaml`) gives for every file
// it takes: the same data, no diagnostics where `yaml` has none, the same places for every path.

const corpus = [
  ...yamlTexts('test/fixtures'),
  ...yamlTexts('incidents'),
  ...Array.from({ length: 12 }, (_, i) => syntheticRecord(i, 7).text),
]

/** Every path into the data, and a missing child of each. */
function paths(value: unknown, path: DataPath = []): DataPath[] {
  const here: DataPath[] = [path]
  if (Array.isArray(value)) {
    value.forEach((item, i) => here.push(...paths(item, [...path, i])))
    here.push([...path, value.length])
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) here.push(...paths(item, [...path, key]))
    here.push([...path, 'not-a-key'], [...path, 0])
  } else here.push([...path, 'below'])
  return here
}

function valueAt(data: unknown, path: DataPath): unknown {
  return path.reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part], data)
}

/** Compares both readers on one text; returns whether the fast reader took it. */
function sameAsYaml(text: string): boolean {
  const bytes = Buffer.from(text, 'utf8')
  const fast = parseSource(bytes, 'record.yaml')
  const reference = parseSource(bytes, 'record.yaml', defaultLimits, 'yaml')
  const took = readByEvents(text, defaultLimits.maxDepth) !== undefined
  expect(fast.diagnostics).toEqual(reference.diagnostics)
  expect(fast.data).toEqual(reference.data)
  if (took) expect(reference.diagnostics).toEqual([])
  // The fast reader's document is `yaml`'s, parsed when asked.
  if (took) expect(fast.doc?.toJS()).toEqual(reference.doc?.toJS())
  if (reference.data === undefined) return took
  for (const path of paths(reference.data)) samePlaces(fast, reference, path)
  return took
}

function samePlaces(fast: ParsedSource, reference: ParsedSource, path: DataPath): void {
  const where = JSON.stringify(path)
  expect(locate(fast, path), where).toEqual(locate(reference, path))
  expect(locate(fast, path, 'key'), where).toEqual(locate(reference, path, 'key'))
  expect(sourceAt(fast, path), where).toEqual(sourceAt(reference, path))
  const value = valueAt(reference.data, path)
  if (typeof value === 'string')
    for (const index of new Set([0, 1, Math.floor(value.length / 2), Math.max(0, value.length - 1)]))
      expect(locateText(fast, path, index), `${where}[${index}]`).toEqual(locateText(reference, path, index))
}

describe('the fast YAML reader', () => {
  it('reads the example incidents, the fixtures and synthetic records as yaml does', () => {
    const took = corpus.filter((text) => sameAsYaml(text)).length
    // The valid records are plain YAML: most of the corpus must really go the fast way.
    expect(took).toBeGreaterThan(corpus.length / 2)
  })

  it('gives a source whose nodeAt works on its own, as an object of plain fields did', () => {
    const text = syntheticRecord(3, 7).text
    const { nodeAt, data } = parseSource(Buffer.from(text, 'utf8'), 'record.yaml')
    expect(readByEvents(text, defaultLimits.maxDepth)).toBeDefined()
    const found = nodeAt(['title'])
    expect(found?.found).toBe(true)
    expect(text.slice(found!.node.start, found!.node.end)).toContain(String(data?.title))
  })

  it('reads CRLF files as yaml does', () => {
    for (const text of corpus.slice(0, 20)) sameAsYaml(text.replace(/\n/g, '\r\n'))
  })

  it('resolves scalars by the YAML 1.2 core schema, as yaml does', () => {
    const scalars = [
      ...['1', '-1', '+1', '007', '0o17', '0x1F', '0b11', '1_000', '1e3', '1.', '.5', '-.5E-3', '1.10'],
      ...['.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'NaN', 'inf', '0x', '0o', '1:20', '-0', '+0', '-0.0'],
      ...['99999999999999999999', '123456789012345678', '0.1e400', '~', 'null', 'Null', 'NULL', 'nULL'],
      ...['true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', '2024-01-02'],
      ...['2024-01-02T03:04:05Z', '"1"', "'1'", '"true"', '""', "''", '"a\\tb"', '"\\u00e9"', '"\\x41"'],
      ...["'it''s'", 'a b  c', 'a # comment', 'a#b', 'x: y', '-', '--', '- a', '[]', '{}', '[a, b]'],
      ...['{a: 1}', '[a, [b]]', '"multi\n  line"', 'plain\n  folded', '|\n  lit\n', '>\n  fold\n  ed\n'],
      ...['|-\n  strip\n', '|+\n  keep\n\n', '|2\n   indented\n', '>-\n  a\n\n  b\n', '|\n', '>\n\n'],
      ...['"\\\n  escaped newline"', '@handle', '`code`', '**bold**', 'a: b: c', '? x', '!!str 1', '&a 1'],
    ]
    for (const scalar of scalars) {
      const indented = scalar.replace(/\n/g, '\n  ')
      sameAsYaml(`id: x\nvalue: ${scalar}\n`)
      sameAsYaml(`id: x\nlist:\n  - ${indented}\n  - end\n`)
      sameAsYaml(`id: x\nnested:\n  value: ${indented}\n  next: 1\n`)
      if (!scalar.includes('\n')) sameAsYaml(`id: x\nflow: [${scalar}, 2]\n`)
    }
  })

  it('leaves keys that are not plain strings, and everything unusual, to yaml', () => {
    const unusual = [
      '1: a\n"1": b\n',
      'true: a\n',
      'null: a\n',
      '"__proto__": {a: 1}\n',
      '__proto__: 1\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '%YAML 1.1\n---\na: no\n',
      'a: 1\n---\nb: 2\n',
      'a:\n\tb: 1\n',
      '[a, b]: 1\n',
      '? [a]\n: 1\n',
      'a: 1\na: 2\n',
      '- a\n- b\n',
      'just text\n',
      '',
      '# only a comment\n',
      `${'a:\n'.repeat(1)}${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`,
    ]
    for (const text of unusual) expect(sameAsYaml(text), JSON.stringify(text)).toBe(false)
  })

  it('agrees with yaml on mutated records: accepted, rejected and placed alike', () => {
    const small = corpus.filter((text) => text.length < 12_000)
    let took = 0
    fc.assert(
      fc.property(fc.constantFrom(...small), edits, (text, changes) => {
        if (sameAsYaml(mutate(text, changes))) took += 1
      }),
      { numRuns: 250, seed: 42 },
    )
    // Many edits leave valid plain YAML (in a block scalar, a comment, a string): those test the places.
    expect(took).toBeGreaterThan(20)
  })
})
