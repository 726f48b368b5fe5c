/**
 * One record's share of `postmortem render` — read, parse, validate, render its Markdown postmortem —
 * so it runs the same in this thread or in a worker thread (`src/jobs/worker.ts`), and only the
 * Markdown comes back, never the incident.
 */
import { deriveFigures } from '../model/figures.js'
import type { RecordCheck } from '../validate/validate-files.js'
import type { ValidateEnv, ValidateJob, Validated } from '../validate/validate-job.js'
import { runValidateJob } from '../validate/validate-job.js'
import { isPublic, renderPostmortem, whyNotPublic } from './render-postmortem.js'
import type { Templates } from './templates.js'
import type { Audience } from './view-model.js'

/** What rendering a record needs besides validating it. */
export interface PostmortemEnv extends ValidateEnv {
  templates: Templates
  audience: Audience
}

/** A validated record and, when it has no error, its postmortem or why it is left out. */
export interface RenderedRecord extends Validated {
  postmortem?: { id: string; markdown: string } | { id: string; leftOut: string }
}

/** The per-record job of `render`, in this thread or in a worker. */
export function postmortemCheck(env: PostmortemEnv): RecordCheck<RenderedRecord> {
  const { config, at, limits, templates, audience } = env
  return {
    kind: 'postmortem',
    local: (job) => runPostmortemJob(job, env),
    setup: () => ({ config, at, limits, postmortem: { audience, markdown: templates.sources } }),
    queued: 2,
  }
}

/** Validates one record and renders its postmortem when it is valid and meant for the audience. */
export function runPostmortemJob(job: ValidateJob, env: PostmortemEnv): RenderedRecord {
  const { incident, ...validated } = runValidateJob({ ...job, keep: true }, env)
  if (!incident) return validated
  if (env.audience === 'public' && !isPublic(incident))
    return { ...validated, postmortem: { id: incident.id, leftOut: whyNotPublic(incident) } }
  const figures = deriveFigures(incident, env.config, env.at)
  const markdown = renderPostmortem(incident, figures, env.config, {
    templates: env.templates,
    audience: env.audience,
  })
  return { ...validated, postmortem: { id: incident.id, markdown } }
}
