/** What a build may take as changed: see `ChangeLog.since`. */
export interface Changes {
  /** The paths named since the last settled build, or `undefined` when anything may have changed. */
  paths: ReadonlySet<string> | undefined
  /** Where the log stood: `settle` forgets only what was noted up to here. */
  readonly mark: number
}

/**
 * The paths a file watcher named since the last build that succeeded, for `serve`: a rebuild checks
 * those files and trusts the others to be as that build saw them, instead of listing the folder and
 * taking the `stat` of every record (at 10,000 records ~25 ms and ~60 ms of every rebuild).
 *
 * It starts out knowing nothing (the first build checks everything), and a change the watcher cannot
 * name (`note()` without a path) makes the next build check everything again. A build forgets what
 * it checked only once it has succeeded (`settle`): after a failed one, the files it looked at are
 * still suspects, since the cache the next build starts from is older than them.
 */
export class ChangeLog {
  #count = 0
  /** The count when each path was last named. */
  readonly #paths = new Map<string, number>()
  /** The count when anything may have changed, or -1. */
  #everything = 0

  /** A change of `path`, or of something the watcher could not name. */
  note(path?: string): void {
    this.#count += 1
    if (path === undefined) this.#everything = this.#count
    else this.#paths.set(path, this.#count)
  }

  /** What changed since the last settled build, as a build starting now sees it. */
  since(): Changes {
    return {
      paths: this.#everything >= 0 ? undefined : new Set(this.#paths.keys()),
      mark: this.#count,
    }
  }

  /** A build that took `changes` succeeded: what it checked is forgotten, later changes are kept. */
  settle(changes: Changes): void {
    for (const [path, count] of this.#paths) if (count <= changes.mark) this.#paths.delete(path)
    if (this.#everything <= changes.mark) this.#everything = -1
  }

  /** True when `path` was named since the last settled build (or anything may have changed). */
  has(path: string): boolean {
    return this.#everything >= 0 || this.#paths.has(path)
  }
}
