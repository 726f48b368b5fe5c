/**
 * One record's validation — read, parse, validate — so it runs the same in this thread or in a worker
 * thread (`src/jobs/worker.ts`).
 */
import type { Diagnostic } from '../diagnostics.js'
import type { SourceLimits } from '../load/parse-source.js'
import { fileTooLarge, parseSource, unreadable } from '../load/parse-source.js'
import { readBytesSync } from '../load/read-source.js'
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

/** One record file to validate; the job reads it (a worker thread, without copying it across). */
export interface ValidateJob {
  path: string
  /** As shown in diagnostics. */
  name: string
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
  const { incident, bytes: _bytes, ...validated } = checkRecordFile(job, env)
  return { ...validated, ...(job.keep && incident && { incident }) }
}

/** Reads, parses and validates one record file: `runValidateJob`, with the bytes that were read. */
export function checkRecordFile(
  job: Pick<ValidateJob, 'path' | 'name'>,
  env: ValidateEnv,
): Validated & { bytes?: Uint8Array } {
  const read = readBytesSync(job.path, job.name, env.limits)
  if ('failed' in read) return { id: undefined, diagnostics: [read.failed], related: [] }
  const source =
    read.bytes === null
      ? unreadable(job.name, fileTooLarge(job.name, read.size, env.limits))
      : parseSource(read.bytes, job.name, env.limits)
  const result = validateSource(source, { config: env.config, at: env.at })
  return {
    id: source.data?.id,
    diagnostics: result.diagnostics,
    related: result.incident?.related ?? [],
    ...(result.incident && { incident: result.incident }),
    ...(read.bytes !== null && { bytes: read.bytes }),
  }
}
