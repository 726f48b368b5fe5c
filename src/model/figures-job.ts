/**
 * One record's share of `postmortem stats` — read, parse, validate, derive its figures — so it runs
 * the same in this thread or in a worker thread (`src/jobs/worker.ts`), and only the figures come
 * back, never the whole incident: at 10,000 records, the incidents made `stats` hold ~540 MB and take
 * ~6 s.
 */
import type { RecordCheck } from '../validate/validate-files.js'
import type { ValidateEnv, ValidateJob, Validated } from '../validate/validate-job.js'
import { checkRecordFile } from '../validate/validate-job.js'
import { deriveFigures } from './figures.js'
import type { IncidentFigures } from './rollups.js'
import { incidentFacts } from './rollups.js'

/** A validated record and, when it has no error, its figures. */
export interface FiguredRecord extends Validated {
  figures?: IncidentFigures
}

/** The per-record job of `stats`, in this thread or in a worker. */
export function figuresCheck(env: ValidateEnv): RecordCheck<FiguredRecord> {
  return { kind: 'figures', local: (job) => runFiguresJob(job, env), setup: () => env, queued: 2 }
}

/** Validates one record and derives its figures (SPEC §4) at `env.at` when it is valid. */
export function runFiguresJob(job: ValidateJob, env: ValidateEnv): FiguredRecord {
  const { incident, bytes: _bytes, ...validated } = checkRecordFile(job, env)
  if (!incident) return validated
  return {
    ...validated,
    figures: { incident: incidentFacts(incident), figures: deriveFigures(incident, env.config, env.at) },
  }
}
