import type { Figures } from '../model/figures.js'
import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Templates } from './templates.js'
import type { Audience, PostmortemView } from './view-model.js'
import { postmortemView } from './view-model.js'

/** Options for rendering one postmortem. */
export interface RenderOptions {
  /** The Markdown templates, from `loadTemplates` (the shipped ones, or a folder that shadows them). */
  templates: Templates
  /** `public` (default) drops internal timeline events and uses their public wording. */
  audience?: Audience
}

/**
 * Renders one validated incident as a Markdown postmortem through `postmortem.md.hbs`. The figures
 * are computed by the caller from the same record, so the numbers can never disagree with the data.
 * Record text is escaped for where it lands; it can never add Markdown structure or HTML.
 *
 * @param incident - A validated incident.
 * @param figures - Its figures, from `deriveFigures`.
 * @param config - The configuration (severity levels, time zone).
 * @param options - The templates, and the audience (`public` by default: no internal events).
 * @returns The Markdown document, ending in one newline.
 * @throws `TemplateError` when a template (an override) uses a field the view does not have.
 *
 * @example
 * ```ts
 * const templates = await loadTemplates()
 * const markdown = renderPostmortem(incident, deriveFigures(incident, config, at), config, { templates })
 * ```
 */
export function renderPostmortem(
  incident: Incident,
  figures: Figures,
  config: Config,
  options: RenderOptions,
): string {
  return renderPostmortemView(
    postmortemView(incident, figures, config, options.audience ?? 'public'),
    options.templates,
  )
}

/** Renders an already built view (the site builds it once for both the Markdown and the HTML page). */
export function renderPostmortemView(view: PostmortemView, templates: Templates): string {
  // Note: no whitespace clean-up here: it could change a user's code block; templates place blank lines.
  return `${templates.render('postmortem.md', view).trimEnd()}\n`
}

/** True when a record may appear in public output: `visibility: public` and published or closed. */
export function isPublic(incident: Pick<Incident, 'visibility' | 'status'>): boolean {
  return incident.visibility === 'public' && (incident.status === 'published' || incident.status === 'closed')
}

/** Why a record stays out of public output: `visibility is internal`, `status is draft, …`. */
export function whyNotPublic(incident: Pick<Incident, 'visibility' | 'status'>): string {
  return incident.visibility === 'public'
    ? `status is ${incident.status}, not published or closed`
    : `visibility is ${incident.visibility}`
}
