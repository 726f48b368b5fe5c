import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { blamefulPhrases, findBlame } from '../src/validate/blameless.js'

// findBlame skips texts in which one combined pattern finds nothing; it must find what checking every
// phrase and every sentence finds.
function everyPatternEverySentence(text: string, people: readonly string[]): string[] {
  const found = blamefulPhrases.flatMap(({ pattern }) => {
    const m = pattern.exec(text)
    return m ? [`${m.index}:${m[0]}`] : []
  })
  const verbs =
    /\b(?:caused|broke|forgot|failed to|messed up|screwed up|neglected|ignored|mistakenly|blamed|was responsible for)\b/i
  for (const m of text.matchAll(/[^.!?\n]+[.!?]?/g)) {
    const verb = verbs.exec(m[0])
    if (!verb) continue
    for (const name of people) {
      const at = m[0].toLowerCase().indexOf(name.toLowerCase())
      const before = m[0][at - 1]
      const after = m[0][at + name.length]
      const word = /[\p{L}\p{N}_-]/u
      const alone = !(before && word.test(before) && m[0][at] !== '@') && !(after && word.test(after))
      if (at >= 0 && alone) {
        found.push(`${m.index + at}:${name} … ${verb[0]}`)
        break
      }
    }
  }
  return found
}

describe('blameful language', () => {
  it('finds, with its one-pass filter, what every pattern over every sentence finds', () => {
    const words = [
      'the',
      'deploy',
      'human error',
      "shouldn't have",
      'careless',
      "Sam's fault",
      'lazy',
      '@sam',
    ]
    const more = [
      'Sam',
      'forgot',
      'caused',
      'failed to',
      'xcaused',
      'brokers',
      '.',
      '!',
      '\n',
      ' ',
      ',',
      'of',
    ]
    const text = fc.array(fc.constantFrom(...words, ...more), { maxLength: 16 }).map((p) => p.join(' '))
    fc.assert(
      fc.property(text, fc.constantFrom([], ['@sam'], ['Sam', '@sam']), (value, people) => {
        const found = findBlame(value, people).map((f) => `${f.index}:${f.phrase}`)
        expect(found.sort()).toEqual(everyPatternEverySentence(value, people).sort())
      }),
      { numRuns: 2000, seed: 3 },
    )
  })
})
