/**
 * Reports how far long work has come, so a caller can show progress; the library itself prints
 * nothing. Called with `done` of `total` units of the named `stage` — `validate` (record files read
 * and checked), `render` (incident pages built), `write` (site files written, reported once before
 * and once after), `sync` (issue-sync steps applied). `done` never decreases within a stage; a new
 * stage starts again from 0.
 *
 * @example
 * ```ts
 * const onProgress: ProgressCallback = (done, total, stage) => console.error(`${stage} ${done}/${total}`)
 * ```
 */
export type ProgressCallback = (done: number, total: number, stage: string) => void
