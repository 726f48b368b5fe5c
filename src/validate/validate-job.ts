/**
 * One record's validation as a pure function of its bytes, so it runs the same in this thread or in a
 * worker thread (`src/jobs/worker.ts`).
 */
import type { Diagnostic } from '../diagnostics.js'
import type { SourceLimits } from '../load/parse-source.js'
import { fileTooLarge, parseSource, unreadable } from '../load/parse-source.js'
import type { Incident } from './normalize.js'
import type { Config } from './schema.js'
import type { Instant } from './timestamps.js'
import { validateSource } from './validate-incident.js'

/** What validating a record needs. */
export interface ValidateEnv {
  config: Config
  at: Instant
  limits: SourceLimits
}

/** One record to validate: its bytes, or `null` when over the size cap (`size` says by how much). */
export interface ValidateJob {
  name: string
  bytes: Uint8Array | null
  size: number
  /** Whether to return the incident (a command that wants only the diagnostics says no). */
  keep: boolean
}

/** A validated record: its id as written, every diagnostic, and the incident when it has no error. */
export interface Validated {
  id: unknown
  diagnostics: Diagnostic[]
  /** Its valid `related` ids, for the checks across files. */
  related: string[]
  incident?: Incident
}

/** Parses and validates one record. */
export function runValidateJob(job: ValidateJob, env: ValidateEnv): Validated {
  const source =
    job.bytes === null
      ? unreadable(job.name, fileTooLarge(job.name, job.size, env.limits))
      : parseSource(job.bytes, job.name, env.limits)
  const result = validateSource(source, { config: env.config, at: env.at })
  return {
    id: source.data?.id,
    diagnostics: result.diagnostics,
    related: result.incident?.related ?? [],
    ...(job.keep && result.incident && { incident: result.incident }),
  }
}
