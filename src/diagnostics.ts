/**
 * Every user-fixable problem becomes a Diagnostic: data, not an exception.
 * Codes are stable; each is listed here with the rule it belongs to, so docs and tests can enumerate them.
 */
export const diagnosticCodes = {
  // Reading and parsing (src/load)
  READ_FAILED: 'the file or folder could not be read',
  FILE_TOO_LARGE: 'the file is larger than the configured cap (`max_file_bytes`, default 1 MiB)',
  INVALID_UTF8: 'the file is not valid UTF-8',
  YAML_SYNTAX: 'the file is not well-formed YAML',
  YAML_TAB_INDENT: 'a tab character is used for indentation',
  YAML_DUPLICATE_KEY: 'a mapping has the same key twice',
  YAML_ALIAS: 'an anchor (`&a`) or alias (`*a`) is used',
  YAML_TAG: 'an explicit tag (`!!str`, `!include`, …) is used',
  YAML_DIRECTIVE: 'a `%YAML` or `%TAG` directive is used',
  YAML_MULTIPLE_DOCUMENTS: 'the file holds more than one YAML document',
  YAML_TOO_DEEP: 'the file nests collections deeper than the limit',
  EMPTY_FILE: 'the file holds no document',
  NOT_A_MAPPING: 'the document is not a mapping of keys to values',
  // Schema (src/validate/schema.ts)
  UNKNOWN_KEY: 'a key the format does not define',
  MISSING_KEY: 'a required key is absent',
  WRONG_TYPE: 'a value has the wrong type',
  INVALID_VALUE: 'a value is not one of the allowed ones',
  INVALID_FORMAT: 'a string does not have the required form',
  INVALID_TIMESTAMP: 'a timestamp is not ISO 8601 with an offset',
  INVALID_DATE: 'a date does not exist in the calendar (Feb 30, hour 25)',
  MISSING_OFFSET: 'a timestamp has no offset and the record sets no `timezone`',
  INVALID_TIMEZONE: 'a time zone is not a known IANA zone',
  TOO_MANY_ITEMS: 'a list or text is longer than the documented limit',
  // Semantic rules (src/validate/rules.ts)
  ID_MISMATCH: 'the record `id` differs from the file name',
  DUPLICATE_ID: 'an id is used twice',
  TIMESTAMPS_OUT_OF_ORDER: 'key timestamps are not in order',
  TIMELINE_OUT_OF_ORDER: 'timeline events are not sorted by `at`',
  RELATED_NOT_FOUND: 'a `related` id names no incident',
  NOT_DOING_WITHOUT_REASON: 'an action item is `not_doing` without `not_doing_reason`',
  UNKNOWN_SEVERITY: 'a severity is not one of the configured levels',
  UNKNOWN_SERVICE: 'a service is not one of the configured services',
  UNKNOWN_SLO: 'an SLO id is not configured',
  // Lint rules (warnings; src/validate/lint.ts)
  BLAMEFUL_LANGUAGE: 'prose blames people instead of systems',
  MISSING_LESSONS: 'a SEV1–2 record has no lessons',
  MISSING_CONTRIBUTING_FACTORS: 'a SEV1–2 record has no contributing factors',
  ACTION_ITEM_NO_OWNER: 'an open action item has no owner',
  ACTION_ITEM_OVERDUE: 'an open action item is past its due date',
  MISSING_DETECT_ACTION: 'slow detection on a SEV1–2 without a `detect` action item',
  COMMUNICATION_GAP: 'public updates were further apart than policy while unresolved',
  LATE_FIRST_UPDATE: 'the first public update came later than policy after detection',
  UNUSED_LINT_ALLOW: 'a `lint.allow` entry matches no warning',
  // Import sources (src/import): the file given to `postmortem import`, not the record
  IMPORT_SYNTAX: 'an import source is not well-formed JSON or CSV',
  IMPORT_SHAPE: 'an import source lacks a field its documented format has, or has one of the wrong type',
  IMPORT_VALUE:
    'a value in an import source cannot be used: a time, event kind, sample or link that is not one',
} as const

/** A stable diagnostic code. */
export type DiagnosticCode = keyof typeof diagnosticCodes

/** Codes of the lint rules: warnings that `--strict` turns into failures and `lint.allow` can accept. */
export const lintCodes = [
  'BLAMEFUL_LANGUAGE',
  'MISSING_LESSONS',
  'MISSING_CONTRIBUTING_FACTORS',
  'ACTION_ITEM_NO_OWNER',
  'ACTION_ITEM_OVERDUE',
  'MISSING_DETECT_ACTION',
  'COMMUNICATION_GAP',
  'LATE_FIRST_UPDATE',
] as const satisfies readonly DiagnosticCode[]

/** A lint code: a warning `--strict` fails on and `lint.allow` can accept. */
export type LintCode = (typeof lintCodes)[number]

/** A path into a record, printed as `timeline[3].at`. */
export type DataPath = ReadonlyArray<string | number>

/** One problem found in a user file. */
export interface Diagnostic {
  code: DiagnosticCode
  severity: 'error' | 'warning'
  /** What was expected and what was found. */
  message: string
  /** How to fix it. */
  hint?: string
  file: string
  /** 1-based; absent only when the file could not be read at all. */
  line?: number
  column?: number
  path?: DataPath
}

/** Formats a data path the way users write it: `timeline[3].at`. */
export function formatPath(path: DataPath): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? part : `.${part}`
  }
  return out
}

/** Sorts diagnostics by file, then position, then code, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  )
}
