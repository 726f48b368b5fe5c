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
  config: Config
  /** Reference time for "overdue" (default: the caller's now). */
  at: Instant
}

/** One record's outcome: the incident when it has no errors, and every diagnostic. */
export interface ValidatedFile {
  file: string
  incident?: Incident
  diagnostics: Diagnostic[]
}

const isLint = (code: DiagnosticCode): code is LintCode => (lintCodes as readonly string[]).includes(code)

/**
 * Validates one parsed file in three steps: schema, then normalisation (timestamps as instants),
 * then the semantic rules (errors) and lint rules (warnings, minus those the record accepts).
 */
export function validateSource(source: ParsedSource, options: ValidateOptions): ValidatedFile {
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
