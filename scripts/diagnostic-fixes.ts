// How to fix each diagnostic code, for the troubleshooting table in docs/diagnostics.md. The type makes a
// new code in src/diagnostics.ts fail the typecheck until it has its entry here.
import type { DiagnosticCode } from '../src/diagnostics.js'

export const diagnosticFixes = {
  READ_FAILED:
    'Check the path and the permissions. An id given to `render` or `timeline` must be a record’s file name without `.yaml` in the incidents folder.',
  FILE_TOO_LARGE:
    'Move bulky data out of the record (long metric series: keep a few points around the incident), or raise `max_file_bytes` in the config.',
  INVALID_UTF8:
    'Save the file as UTF-8 (most editors: “Save with encoding”); text pasted from other tools can carry Latin-1 or Windows-1252 bytes.',
  YAML_SYNTAX:
    'Look at indentation, quotes and brackets at the reported position; quote values that contain `: ` or start with `@`, `*`, `&`, `!`, `[` or `{`.',
  YAML_TAB_INDENT: 'Indent with spaces (two per level); set your editor to insert spaces in YAML files.',
  YAML_DUPLICATE_KEY: 'Keep one of the two keys: merge their values or rename one.',
  YAML_ALIAS: 'Write the value out in full where the alias (`*name`) was, and remove the anchor (`&name`).',
  YAML_TAG: 'Remove the tag (`!!str`, `!include`); quote the value if it should stay text.',
  YAML_DIRECTIVE: 'Remove the `%YAML`/`%TAG` line; records are always read as YAML 1.2.',
  YAML_MULTIPLE_DOCUMENTS:
    'Keep one incident per file: move everything after the `---` line into its own file.',
  YAML_TOO_DEEP: 'Flatten the nesting; no key of the format nests that deep.',
  EMPTY_FILE:
    'Fill the file in (`postmortem new "<title>"` writes a skeleton) or delete it; a comment-only file is empty too.',
  NOT_A_MAPPING:
    'Write the record as `key: value` lines at the top level (`id:`, `title:`, …), not as a list or a lone value.',
  UNKNOWN_KEY:
    'Fix the spelling (the hint suggests the closest key) or remove the key; every key is listed in docs/record-format.md.',
  MISSING_KEY: 'Add the key named in the message; `postmortem new` writes every required key.',
  WRONG_TYPE:
    'Write the kind of value the message names: a list needs `- item` lines or `[a, b]`, text that looks like a number needs quotes (`"007"`).',
  INVALID_VALUE: 'Use one of the values the message lists (the hint names the closest one).',
  INVALID_FORMAT:
    'Match the form the message names: ids are lowercase slugs (`2025-03-04-checkout-latency`), action item ids like `AI-1`, URLs start with `https://`, a config `redact` pattern must be a valid regular expression.',
  INVALID_TIMESTAMP:
    'Write ISO 8601 with an offset: `2025-01-22T12:03:00-08:00` or `2025-01-22T20:03:00Z` (the offset needs its colon).',
  INVALID_DATE: 'Fix the day or time: the calendar has no February 30 and no hour 25.',
  MISSING_OFFSET:
    'Add the offset (`…-08:00` or `…Z`), or set `timezone:` (an IANA zone) on the record to read offset-less times in it.',
  INVALID_TIMEZONE:
    'Use an IANA zone name such as `America/Los_Angeles`, `Europe/Berlin` or `UTC` (not `PST` or `CET`).',
  TOO_MANY_ITEMS: 'Shorten the text or summarise the list; the limits are in the README (“Limits”).',
  ID_MISMATCH: 'Rename the file to `<id>.yaml`, or change `id:` to the file name; the two must match.',
  DUPLICATE_ID:
    'Give each incident (and each action item within a record, and each severity in the config) its own id; rename the second one.',
  TIMESTAMPS_OUT_OF_ORDER:
    'Check both timestamps named in the message and fix the wrong one; the order is impact started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved.',
  TIMELINE_OUT_OF_ORDER:
    'Sort the timeline (and metric series) by `at`, or fix the timestamp that is out of place.',
  RELATED_NOT_FOUND: 'Use the id of an existing record (its file name without `.yaml`), or remove the entry.',
  NOT_DOING_WITHOUT_REASON: 'Add `not_doing_reason:` saying why the work will not be done.',
  UNKNOWN_SEVERITY:
    'Use a level from the config’s `severities` (default `SEV1`…`SEV4`), or add the level there.',
  UNKNOWN_SERVICE: 'Use a service listed in the config’s `services`, or add it there.',
  UNKNOWN_SLO: 'Use an SLO id defined under the config’s `slos`, or define it there.',
  BLAMEFUL_LANGUAGE:
    'Describe what the system allowed instead of what a person did wrong: “the deploy tool restarted every node at once” rather than “X should have checked”.',
  MISSING_LESSONS: 'Add `lessons:` with at least one of `went_well`, `went_wrong`, `got_lucky`.',
  MISSING_CONTRIBUTING_FACTORS:
    'Add `root_cause.contributing_factors`: the conditions that let the trigger become an incident.',
  ACTION_ITEM_NO_OWNER: 'Set `owner:` to a GitHub handle (`"@login"`) or a name.',
  ACTION_ITEM_OVERDUE:
    'Finish the item (`status: done`), set a realistic `due:`, or close it with `status: not_doing` and a reason.',
  MISSING_DETECT_ACTION:
    'Add an action item with `type: detect` that would have caught the incident sooner, or accept the warning under `lint.allow` with a reason.',
  COMMUNICATION_GAP:
    'Add the public updates that were sent (`communicate` events) if they are missing; if the gap really happened, accept it under `lint.allow` with a reason.',
  LATE_FIRST_UPDATE:
    'Add the first public update if it is missing from the timeline; if it really came late, accept the warning under `lint.allow` with a reason.',
  UNUSED_LINT_ALLOW: 'Remove the `lint.allow` entry: the warning it accepted no longer occurs.',
  IMPORT_SYNTAX:
    'Export the file again from the source tool: the position points at the first byte that is not valid JSON or CSV (a truncated download or a hand edit).',
  IMPORT_SHAPE:
    'Check that the file is the kind you named (`slack`, `pagerduty`, `statuspage`, `prometheus`, `csv`) and the export the README describes for it; the JSON path shows the field that is missing or of the wrong type.',
  IMPORT_VALUE:
    'Fix the value at the reported place (a time without an offset needs `--timezone`; a CSV `kind` must be an event kind), or drop the row or entry.',
} satisfies Record<DiagnosticCode, string>
