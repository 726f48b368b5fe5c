/**
 * One record's share of `postmortem issues sync` — read, parse, validate — so it runs the same in this
 * thread or in a worker thread (`src/jobs/worker.ts`), and only what the sync reads comes back, with
 * a hash of the bytes that were validated: at 10,000 records, the whole incidents, and every record
 * file's bytes kept to check them before writing back, made the command's peak ~620 MB.
 */
import { hashBytes } from '../site/build-cache.js'
import type { RecordCheck } from '../validate/validate-files.js'
import type { ValidateEnv, ValidateJob, Validated } from '../validate/validate-job.js'
import { checkRecordFile } from '../validate/validate-job.js'
import type { SyncIncident } from './desired.js'
import { syncIncident } from './desired.js'

/** A validated record and, when it has no error, what the sync reads of it. */
export interface SyncRecord extends Validated {
  sync?: {
    incident: SyncIncident
    /** SHA-256 of the file's bytes as validated: issue numbers are written back only into those. */
    hash: string
  }
}

/** The per-record job of `issues sync`, in this thread or in a worker. */
export function syncCheck(env: ValidateEnv): RecordCheck<SyncRecord> {
  return { kind: 'sync', local: (job) => runSyncJob(job, env), setup: () => env, queued: 2 }
}

/** Validates one record and keeps what the sync reads of it when it is valid. */
export function runSyncJob(job: ValidateJob, env: ValidateEnv): SyncRecord {
  const { incident, bytes, ...validated } = checkRecordFile(job, env)
  if (!incident || !bytes) return validated
  return { ...validated, sync: { incident: syncIncident(incident), hash: hashBytes(bytes) } }
}
