/**
 * Atlassian Statuspage: an incident as JSON — the Manage API's incident object, the public status API's
 * `{page, incident}` (`/api/v2/incidents/{id}.json`), or its `{page, incidents: [one]}` — with
 * `incident_updates: [{status, body, display_at, created_at}]` and `shortlink`.
 *
 * Each update becomes a `communicate` event at its `display_at` (the time shown on the page; else
 * `created_at`) with `public_text` set to its body, so the communication figures and lint rules see it.
 * The body's HTML is parsed (hast-util-from-html, the HTML standard's parser) and read as text the way a
 * browser shows it: entities decoded, tags, scripts and styles gone, `<br>` and paragraphs as line breaks.
 */
import { fromHtml } from 'hast-util-from-html'
import { toText } from 'hast-util-to-text'
import type { JsonPath } from './json-source.js'
import { JsonSource, formatJsonPath } from './json-source.js'
import type { SourceResult } from './source.js'
import { cleanText, emptyResult, oneLine, usableUrl } from './source.js'

/** Options of the Statuspage reader. */
export interface StatuspageOptions {
  /** How the file is named in diagnostics. */
  file: string
}

/** Reads a Statuspage incident's updates into `communicate` events. */
export function readStatuspage(text: string, options: StatuspageOptions): SourceResult {
  const result = emptyResult()
  const json = JsonSource.parse(text, options.file)
  if (!(json instanceof JsonSource)) return { ...result, diagnostics: [json] }
  const hint = 'Save one incident as JSON (Statuspage API `incidents/{id}`), with its `incident_updates`.'
  const found = findIncident(json, hint)
  if (found) {
    const [incident, base] = found
    const url = usableUrl(incident.shortlink)
    const name = oneLine(typeof incident.name === 'string' ? incident.name : undefined)
    const updates = json.array(incident.incident_updates, [...base, 'incident_updates'], hint) ?? []
    for (const [index, value] of updates.entries()) {
      const path = [...base, 'incident_updates', index]
      const update = json.object(value, path)
      if (!update) continue
      const key = typeof update.display_at === 'string' ? 'display_at' : 'created_at'
      const at = json.time(update[key], [...path, key])
      const status = json.string(update.status, [...path, 'status'])
      const body = json.string(update.body ?? '', [...path, 'body'])
      if (at === undefined || status === undefined || body === undefined) continue
      const publicText = htmlToText(body)
      const label = status.replace(/_/g, ' ')
      result.events.push({
        at,
        kind: 'communicate',
        text: `Status page update: ${label.charAt(0).toUpperCase()}${label.slice(1)}.`,
        ...(publicText && { public_text: publicText }),
        ...(url && { source: { title: name ? `Status page: ${name}` : 'Status page incident', url } }),
        origin: formatJsonPath(path),
      })
    }
  }
  result.events.sort((a, b) => a.at - b.at)
  result.diagnostics.push(...json.diagnostics)
  return result
}

function findIncident(json: JsonSource, hint: string): [Record<string, unknown>, JsonPath] | undefined {
  const top = json.object(json.data, [], hint)
  if (!top) return undefined
  if ('incident_updates' in top) return [top, []]
  if ('incident' in top) {
    const incident = json.object(top.incident, ['incident'], hint)
    return incident && [incident, ['incident']]
  }
  if (Array.isArray(top.incidents)) {
    if (top.incidents.length !== 1) {
      json.problem(
        ['incidents'],
        `holds ${top.incidents.length} incidents; import needs exactly one`,
        'Save the JSON of the one incident (`/api/v2/incidents/{id}.json`).',
      )
      return undefined
    }
    const incident = json.object(top.incidents[0], ['incidents', 0], hint)
    return incident && [incident, ['incidents', 0]]
  }
  json.problem([], 'has no `incident_updates`, `incident` or `incidents`', hint)
  return undefined
}

/** The text a browser would show for an HTML fragment (plain text passes through, entities decoded). */
export function htmlToText(html: string): string {
  // Note: `pre` keeps the line breaks of plain-text bodies, which most Statuspage updates are.
  return cleanText(toText(fromHtml(html, { fragment: true }), { whitespace: 'pre' }))
}
