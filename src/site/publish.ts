import type { Incident } from '../validate/normalize.js'
import { isPublic } from '../render/render-postmortem.js'
import { replaceWithin, unchanged } from './replace-within.js'

/** Who a build is for. */
export type Audience = 'public' | 'internal'

// Top-level keys whose values are identifiers or structure: redaction must not break paths or links.
const structural = new Set(['id', 'related', 'file', 'timezone', 'severity', 'status', 'visibility', 'type'])

/** Applies `fn` to every string of a record except the structural top-level keys. */
function mapText<T>(value: T, fn: (text: string) => string): T {
  const text = (v: unknown) => (typeof v === 'string' ? fn(v) : unchanged)
  return Object.fromEntries(
    Object.entries(value as object).map(([k, v]) => [k, structural.has(k) ? v : replaceWithin(v, text)]),
  ) as T
}

/** Replaces every match of the config's `redact` patterns in the record's text with `[redacted]`. */
export function redact<T>(value: T, patterns: readonly RegExp[]): T {
  if (patterns.length === 0) return value
  return mapText(value, (text) => patterns.reduce((s, p) => s.replace(p, '[redacted]'), text))
}

// Bidirectional embeddings, overrides and isolates: in record text they could reorder the page around them.
const bidiControls = /[\u202a-\u202e\u2066-\u2069]/g

/** Drops bidi control characters from every text of a record (the site shows text as written otherwise). */
export function withoutBidiControls<T>(value: T): T {
  return mapText(value, (text) => text.replace(bidiControls, ''))
}

/**
 * The records a build shows and what of them: a public build keeps `visibility: public` records that
 * are published or closed, drops internal timeline events, uses their public wording, and leaves out
 * the names of people (responders, actors, owners) — a public postmortem is about systems. Redaction
 * applies to public builds. An internal build shows everything.
 */
export function publishable(
  incidents: readonly Incident[],
  audience: Audience,
  patterns: readonly RegExp[],
): Incident[] {
  if (audience === 'internal') return incidents.map(withoutBidiControls)
  return incidents.filter(isPublic).map((incident) =>
    withoutBidiControls(
      redact(
        {
          ...incident,
          people: undefined,
          timeline: incident.timeline
            .filter((e) => e.visibility !== 'internal')
            .map(({ actor: _actor, public_text, ...e }) => ({ ...e, text: public_text ?? e.text })),
          action_items: incident.action_items?.map(({ owner: _owner, ...item }) => item),
          // The record as written still holds internal events; pages only need its timestamps.
          written: { timestamps: incident.written.timestamps } as Incident['written'],
        },
        patterns,
      ),
    ),
  )
}

/** The config's `redact` patterns, compiled (they were checked when the config was validated). */
export function redactPatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((p) => new RegExp(p, 'gu'))
}

/** A `deny` term found in the output of a public build. */
export interface DenyHit {
  term: string
  file: string
}

/** Every deny term (case-insensitive) found in the output files. */
export function findDenied(files: ReadonlyMap<string, string>, terms: readonly string[]): DenyHit[] {
  const hits: DenyHit[] = []
  const lowered = terms.map((t) => [t, t.toLowerCase()] as const)
  for (const [file, content] of files) {
    const text = content.toLowerCase()
    for (const [term, low] of lowered) if (text.includes(low)) hits.push({ term, file })
  }
  return hits
}
