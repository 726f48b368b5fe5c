import type { Figures } from '../model/figures.js'
import type { Incident } from '../validate/normalize.js'
import type { Config } from '../validate/schema.js'
import type { Templates } from './templates.js'
import type { Audience, PostmortemView } from './view-model.js'
import { postmortemView } from './view-model.js'

/** Options for rendering one postmortem. */
export interface RenderOptions {
  templates: Templates
  /** `public` (default) drops internal timeline events and uses their public wording. */
  audience?: Audience
}

/**
 * Renders one validated incident as a Markdown postmortem through `postmortem.md.hbs`. The figures
 * are computed by the caller from the same record, so the numbers can never disagree with the data.
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
