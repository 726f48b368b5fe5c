import { basename, extname } from 'node:path'
import type { DataPath, Diagnostic, DiagnosticCode, LintCode } from '../diagnostics.js'
import { lintCodes } from '../diagnostics.js'
import type { ParsedSource } from '../load/parse-source.js'
import { locate, locateText, sourceAt } from '../load/parse-source.js'
import { allowedCodes, lintRules } from './lint.js'
import type { Incident } from './normalize.js'
import { normalizeIncident } from './normalize.js'
import { rules } from './rules.js'
import type { Config } from './schema.js'
import { incidentSchema } from './schema.js'
import type { Finding } from './schema-diagnostics.js'
import { findingsFromIssues } from './schema-diagnostics.js'
import type { Instant } from './timestamps.js'

/** Options for validating records. */
export interface ValidateOptions {
  /** The configuration in force: severity levels, SLOs, policy, lint settings. */
  config: Config
  /** Reference time for the `ACTION_ITEM_OVERDUE` lint, in ms since the epoch (callers pass their now). */
  at: Instant
}

/** One record's outcome: the incident when it has no errors, and every diagnostic. */
export interface ValidatedFile {
  /** The file name the diagnostics carry. */
  file: string
  /** The normalised incident; absent when any diagnostic is an error. */
  incident?: Incident
  /** Every problem found (errors and lint warnings), in the order found. */
  diagnostics: Diagnostic[]
}

const isLint = (code: DiagnosticCode): code is LintCode => (lintCodes as readonly string[]).includes(code)

/**
 * Validates one incident record in three steps: the schema, then normalisation (timestamps read as
 * instants, defaults applied), then the semantic rules (errors) and the lint rules (warnings, minus
 * those the record accepts in `lint.allow`). Checks that need every record — unique ids, `related`
 * ids that exist — are left to `loadIncidents` and `validateFiles`.
 *
 * Problems in the record are returned as diagnostics, never thrown.
 *
 * @param source - The record as `readSource` or `parseSource` returns it; YAML syntax and
 *   reading problems found there are carried over into the result.
 * @param options - The configuration and the reference time for "overdue".
 * @returns The diagnostics, and the normalised incident when there is no error.
 *
 * @example
 * ```ts
 * import { defaultConfig, readSource, validateIncident } from 'postmortem'
 *
 * const source = await readSource('incidents/2025-03-04-checkout-latency.yaml', '2025-03-04-checkout-latency.yaml')
 * const { incident, diagnostics } = validateIncident(source, { config: defaultConfig(), at: Date.now() })
 * ```
 */
export function validateIncident(source: ParsedSource, options: ValidateOptions): ValidatedFile {
  const { file } = source
  const diagnostics = [...source.diagnostics]
  const place = (f: Finding, severity: Diagnostic['severity']): Diagnostic => ({
    code: f.code,
    severity,
    message: f.message,
    ...(f.hint && { hint: f.hint }),
    file,
    ...(f.index === undefined ? locate(source, f.path, f.at) : locateText(source, f.path, f.index)),
    ...(f.path.length > 0 && { path: f.path }),
  })
  if (!source.data) return { file, diagnostics }

  const parsed = incidentSchema.safeParse(source.data)
  if (!parsed.success) {
    for (const f of findingsFromIssues(parsed.error.issues, incidentSchema, source.data, (p) =>
      sourceAt(source, p),
    ))
      diagnostics.push(place(f, 'error'))
    return { file, diagnostics }
  }
  const record = parsed.data
  const stem = basename(file, extname(file))
  if (record.id !== stem)
    diagnostics.push(
      place(
        {
          code: 'ID_MISMATCH',
          path: ['id'],
          message: `\`id\` is \`${record.id}\` but the file is named \`${basename(file)}\``,
          hint: `Rename the file to \`${record.id}.yaml\`, or set \`id: ${stem}\`.`,
        },
        'error',
      ),
    )

  const normalized = normalizeIncident(record, file, options.config)
  for (const f of normalized.findings) diagnostics.push(place(f, 'error'))
  const incident = normalized.incident
  if (!incident) return { file, diagnostics }

  const found: Array<{ finding: Finding; lint: boolean }> = []
  const run = (list: typeof rules, lint: boolean) => {
    for (const rule of list)
      rule({
        incident,
        config: options.config,
        at: options.at,
        report: (code, path: DataPath, message, hint, index) =>
          found.push({
            finding: { code, path, message, ...(hint && { hint }), ...(index !== undefined && { index }) },
            lint,
          }),
      })
  }
  run(rules, false)
  run(lintRules, true)

  const allowed = allowedCodes(incident)
  const used = new Set<LintCode>()
  for (const { finding, lint } of found) {
    if (lint && isLint(finding.code) && allowed.has(finding.code)) {
      used.add(finding.code)
      continue
    }
    diagnostics.push(place(finding, lint ? 'warning' : 'error'))
  }
  for (const [code, i] of allowed)
    if (!used.has(code))
      diagnostics.push(
        place(
          {
            code: 'UNUSED_LINT_ALLOW',
            path: ['lint', 'allow', i, 'code'],
            message: `\`lint.allow\` accepts ${code}, but the record raises no such warning`,
            hint: 'Remove the entry so the list stays true.',
          },
          'warning',
        ),
      )
  const hasError = diagnostics.some((d) => d.severity === 'error')
  return { file, diagnostics, ...(!hasError && { incident }) }
}

/**
 * The earlier name of {@link validateIncident}: the same function, kept so scripts written against
 * 0.1 keep working.
 */
export const validateSource: typeof validateIncident = validateIncident
