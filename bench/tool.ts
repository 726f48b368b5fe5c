// What the harness knows about a tool under test: timed commands, and a dev server to edit under.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ServeScenario } from './serve-edit.js'
import type { Command } from './time-process.js'

/** A command timed as a whole process, with what has to happen before it and a check of its output. */
export interface TimedStep {
  /** `build` is the full (cold) build every tool has; ours also has `validate`, `render`, `build-warm`… */
  name: string
  /** Sets up the state the step measures (clears output and caches, edits a record); not timed. */
  before?: () => void
  command: Command
  /** Outputs that should show the step's change but do not (stale pages); not timed. */
  stale?: () => string[]
}

/** One tool's part in a run. */
export interface Tool {
  name: 'postmortem' | 'hugo' | 'eleventy'
  version: string
  /** Run in this order in every round; the harness interleaves the tools round by round. */
  steps: TimedStep[]
  serve: ServeScenario
  /** Incident pages in the output of the last full build (each tool must produce the same number). */
  pages(): number
}

/** Names of the one-edit markers: `edit-<tag>-<n>`, unique within a run. */
export function editMarker(tag: string, n: number): string {
  return `edit-${tag}-${n}`
}

/** Folders holding an `index.html` under `folder`: one per incident page. */
export function countPages(folder: string): number {
  return existsSync(folder)
    ? readdirSync(folder).filter((id) => existsSync(join(folder, id, 'index.html'))).length
    : 0
}

/** The number in the first group of the last match of `pattern` (global) in `text`, divided by `per`. */
export function lastNumber(pattern: RegExp, text: string, per: number): number | undefined {
  const last = [...text.matchAll(pattern)].at(-1)?.[1]
  return last === undefined ? undefined : Number(last) / per
}
