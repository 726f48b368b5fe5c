/** Base of the failures the tool reports to users (anything else is a bug). */
export class PostmortemError extends Error {
  /** Process exit code for this failure. */
  readonly exitCode: number
  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'PostmortemError'
    this.exitCode = options?.exitCode ?? 1
  }
}

/** Bad command-line usage or configuration: exit code 2. */
export class UsageError extends PostmortemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, exitCode: 2 })
    this.name = 'UsageError'
  }
}

/** Exit codes of SPEC §5. */
export const exitCodes = { ok: 0, failed: 1, usage: 2, github: 3 } as const
