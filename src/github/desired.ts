import { dueDay } from '../model/action-items.js'
import { parseProse, plainText } from '../render/markdown.js'
import type { Templates } from '../render/templates.js'
import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import { itemKey } from './marker.js'
import type { DesiredIssue } from './plan.js'

/** The label every managed issue carries; listing it finds the tool's issues. */
export const managedLabel = 'postmortem'

const handle = /^@?([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})$/

/** The GitHub login in an owner field (`@octocat`), or undefined for a plain name. */
export function githubLogin(owner: string | undefined): string | undefined {
  if (!owner?.startsWith('@')) return undefined
  return handle.exec(owner)?.[1]
}

// In an issue, `#12` links (and notifies) another issue and `GH-12` too; record text must not.
const references = /(#|\bGH-)(?=\d)/gi
// Record text shown as text may still spell the tool's markers; break them so only ours are found.
const markerLike = /<!--(?=\s*\/?postmortem)/gi

function neutralise(text: string): string {
  return text
    .replace(references, '$1\u200B')
    .replace(markerLike, '<!-\u200B-')
    .replace(/@(?=[\p{L}\p{N}])/gu, '@\u200B')
}

/**
 * What `issues sync` reads of an incident: the fields its issues show, its action items, and its file
 * (to write issue numbers back). A whole `Incident` is one.
 */
export type SyncIncident = Pick<
  Incident,
  | 'id'
  | 'file'
  | 'title'
  | 'status'
  | 'visibility'
  | 'severity'
  | 'type'
  | 'summary'
  | 'timestamps'
  | 'action_items'
>

/** An incident's `SyncIncident`, without the rest (timeline, prose, metrics). */
export function syncIncident(incident: Incident): SyncIncident {
  const { id, file, title, status, visibility, severity, type, summary, timestamps, action_items } = incident
  return {
    id,
    file,
    title,
    status,
    visibility,
    severity,
    type,
    summary,
    timestamps,
    ...(action_items && { action_items }),
  }
}

/** The labels of an item's issue. */
export function issueLabels(
  incident: Pick<Incident, 'severity'>,
  priority: string,
  config: Config,
): string[] {
  return [
    managedLabel,
    `severity:${incident.severity}`,
    `priority:${priority}`,
    ...(config.github.labels ?? []),
  ]
}

/**
 * What each action item of each non-draft incident wants its issue to be. Record text goes through
 * the issue template's escaping helpers, and issue references in it are neutralised.
 *
 * @param incidents - Validated incidents (whole, or what `syncIncident` keeps of them).
 * @param config - The configuration (`github.labels`, `site.base_url` for links).
 * @param templates - Templates with `issue.md`, from `loadTemplates`.
 * @returns One desired issue per action item, for `planSync`.
 */
export function desiredIssues(
  incidents: readonly SyncIncident[],
  config: Config,
  templates: Templates,
): DesiredIssue[] {
  const out: DesiredIssue[] = []
  for (const incident of incidents) {
    if (incident.status === 'draft') continue
    const summary = plainText(parseProse(incident.summary))
    const url =
      config.site.base_url &&
      incident.visibility === 'public' &&
      ['published', 'closed'].includes(incident.status)
        ? `${config.site.base_url.replace(/\/?$/, '/')}incidents/${incident.id}/`
        : null
    for (const item of incident.action_items ?? []) {
      const content = templates.render('issue.md', {
        incident: {
          id: incident.id,
          title: incident.title,
          severity: incident.severity,
          type: incident.type,
          file: incident.file,
          url,
          summary: summary.length > 600 ? `${summary.slice(0, 599)}…` : summary,
        },
        item: {
          id: item.id,
          type: item.type,
          priority: item.priority,
          due: dueDay(item, incident, config),
          due_derived: item.due === undefined,
          description: item.description ? parseProse(item.description) : null,
        },
      })
      const login = githubLogin(item.owner)
      out.push({
        key: itemKey(incident.id, item.id),
        incidentId: incident.id,
        actionId: item.id,
        title: neutralise(`[${incident.id}] ${item.title}`),
        content: neutralise(content),
        labels: issueLabels(incident, item.priority, config),
        assignees: login ? [login] : [],
        status: item.status,
        ...(item.issue && { recorded: item.issue.number }),
      })
    }
  }
  return out
}
