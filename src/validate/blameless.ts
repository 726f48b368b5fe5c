import type { DataPath } from '../diagnostics.js'
import type { Incident } from './normalize.js'

/**
 * Phrases that put blame on people rather than on systems and decisions. Matched case-insensitively
 * at word boundaries; documented in the README.
 */
export const blamefulPhrases: ReadonlyArray<{ pattern: RegExp; suggestion: string }> = [
  { pattern: /\bhuman errors?\b/i, suggestion: 'describe the conditions that made the mistake possible' },
  {
    pattern: /\bshould(?:n['’]t| not)? have\b/i,
    suggestion: 'say what the system or process did not provide',
  },
  { pattern: /\bcareless(?:ly|ness)?\b/i, suggestion: 'describe what made the step error-prone' },
  { pattern: /\bfault of\b/i, suggestion: 'name the system or process gap instead of a person' },
  { pattern: /['’]s fault\b/i, suggestion: 'name the system or process gap instead of a person' },
  { pattern: /\bnegligen(?:t|ce)\b/i, suggestion: 'describe the missing safeguard' },
  {
    pattern: /\b(?:incompetent|incompetence|sloppy|stupid|lazy)\b/i,
    suggestion: 'describe the situation, not the person',
  },
]

const blameVerbs =
  /\b(?:caused|broke|forgot|failed to|messed up|screwed up|neglected|ignored|mistakenly|blamed|was responsible for)\b/i

// One pass over a text for all the phrases; the phrase is then found by its own pattern.
const anyBlamefulPhrase = new RegExp(blamefulPhrases.map((p) => p.pattern.source).join('|'), 'i')

/** A prose field of a record: its path and text. */
export interface ProseField {
  path: DataPath
  text: string
}

/** Every prose field of a record, including timeline text and action items. */
export function proseFields(incident: Incident): ProseField[] {
  const fields: ProseField[] = []
  const add = (path: DataPath, text: string | undefined) => {
    if (text) fields.push({ path, text })
  }
  add(['title'], incident.title)
  add(['summary'], incident.summary)
  add(['impact', 'summary'], incident.impact?.summary)
  add(['trigger'], incident.trigger)
  add(['resolution'], incident.resolution)
  const cause = incident.written.root_cause
  if (cause) {
    add(['root_cause', 'summary'], cause.summary)
    add(['root_cause', 'details'], cause.details)
    for (const [i, f] of (cause.contributing_factors ?? []).entries())
      add(
        typeof f === 'string'
          ? ['root_cause', 'contributing_factors', i]
          : ['root_cause', 'contributing_factors', i, 'text'],
        typeof f === 'string' ? f : f.text,
      )
    for (const [i, why] of (cause.five_whys ?? []).entries()) add(['root_cause', 'five_whys', i], why)
  }
  for (const list of ['went_well', 'went_wrong', 'got_lucky'] as const)
    for (const [i, lesson] of (incident.lessons?.[list] ?? []).entries()) add(['lessons', list, i], lesson)
  for (const [i, event] of incident.timeline.entries()) {
    add(['timeline', i, 'text'], event.text)
    add(['timeline', i, 'public_text'], event.public_text)
  }
  for (const [i, item] of (incident.action_items ?? []).entries()) {
    add(['action_items', i, 'title'], item.title)
    add(['action_items', i, 'description'], item.description)
    add(['action_items', i, 'not_doing_reason'], item.not_doing_reason)
  }
  return fields
}

/** A blameful phrase found in a text: where it starts and what to write instead. */
export interface BlameFinding {
  index: number
  phrase: string
  suggestion: string
}

/**
 * Finds blameful phrases, and sentences that name one of `people` together with a blaming verb
 * ("@jdoe forgot to…").
 */
export function findBlame(text: string, people: readonly string[]): BlameFinding[] {
  const found: BlameFinding[] = []
  if (anyBlamefulPhrase.test(text))
    for (const { pattern, suggestion } of blamefulPhrases) {
      const m = pattern.exec(text)
      if (m) found.push({ index: m.index, phrase: m[0], suggestion })
    }
  // Note: a sentence starts and ends beside a non-word character, so a verb found in a sentence is
  // found in the whole text: most texts need no splitting.
  if (people.length > 0 && blameVerbs.test(text)) {
    const sentence = /[^.!?\n]+[.!?]?/g
    for (const m of text.matchAll(sentence)) {
      const verb = blameVerbs.exec(m[0])
      if (!verb) continue
      for (const name of people) {
        const at = m[0].toLowerCase().indexOf(name.toLowerCase())
        if (at >= 0 && isWordAt(m[0], at, name.length)) {
          found.push({
            index: m.index + at,
            phrase: `${name} … ${verb[0]}`,
            suggestion: 'describe what the system allowed, not what a person did wrong',
          })
          break
        }
      }
    }
  }
  return found.sort((a, b) => a.index - b.index)
}

/** Names and handles of the record's people, with and without `@`, for the named-blame check. */
export function peopleNames(incident: Incident): string[] {
  const p = incident.people
  if (!p) return []
  const all = [p.incident_commander, p.postmortem_owner, ...(p.responders ?? []), ...(p.reviewers ?? [])]
  for (const item of incident.action_items ?? []) all.push(item.owner)
  const names = new Set<string>()
  for (const person of all) {
    if (!person) continue
    const bare = person.replace(/^@/, '').trim()
    if (bare.length < 2) continue
    names.add(bare)
    names.add(`@${bare}`)
  }
  return [...names].sort((a, b) => b.length - a.length)
}

function isWordAt(text: string, index: number, length: number): boolean {
  const before = text[index - 1]
  const after = text[index + length]
  const word = /[\p{L}\p{N}_-]/u
  return !(before && word.test(before) && text[index] !== '@') && !(after && word.test(after))
}
