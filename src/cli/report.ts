import type { Diagnostic } from '../diagnostics.js'
import { formatPath } from '../diagnostics.js'
import type { Colors } from './io.js'
import { sanitize } from './io.js'

/** Counts of a set of diagnostics. */
export function tally(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  return { errors, warnings: diagnostics.length - errors }
}

/**
 * Grep-able text in the style of vfile-reporter: file, then `line:col severity message CODE`, hint
 * below, then the counts — of `diagnostics`, or `totals` when only some of them are shown.
 */
export function formatText(
  diagnostics: readonly Diagnostic[],
  c: Colors,
  totals = tally(diagnostics),
): string {
  const out: string[] = []
  let file: string | undefined
  for (const d of diagnostics) {
    if (d.file !== file) {
      if (file !== undefined) out.push('')
      file = d.file
      out.push(c.underline(sanitize(d.file)))
    }
    const where = d.line === undefined ? '' : `${d.line}:${d.column ?? 1}`
    const label = d.severity === 'error' ? `${c.red('error')}  ` : c.yellow('warning')
    out.push(`  ${where.padEnd(7)} ${label}  ${sanitize(d.message)}  ${c.dim(d.code)}`)
    if (d.hint) out.push(`  ${''.padEnd(7)}          ${c.dim(`hint: ${sanitize(d.hint)}`)}`)
  }
  const { errors, warnings } = totals
  if (out.length > 0) out.push('')
  const mark = errors > 0 ? c.red('✖') : warnings > 0 ? c.yellow('⚠') : c.green('✔')
  out.push(`${mark} ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`)
  return `${out.join('\n')}\n`
}

/** The JSON contract of SPEC §5. */
export function formatJson(files: number, diagnostics: readonly Diagnostic[]): string {
  const { errors, warnings } = tally(diagnostics)
  return `${JSON.stringify(
    {
      files,
      errors,
      warnings,
      diagnostics: diagnostics.map((d) => ({
        file: d.file,
        line: d.line ?? null,
        column: d.column ?? null,
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(d.hint && { hint: d.hint }),
        ...(d.path && { path: formatPath(d.path) }),
      })),
    },
    null,
    2,
  )}\n`
}

/** GitHub Actions workflow commands: an annotation per diagnostic on the file and line. */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  const lines = diagnostics.map((d) => {
    const props = [`file=${escapeProperty(sanitize(d.file))}`]
    if (d.line !== undefined) props.push(`line=${d.line}`, `col=${d.column ?? 1}`)
    props.push(`title=${escapeProperty(d.code)}`)
    const text = d.hint ? `${sanitize(d.message)}\n${sanitize(d.hint)}` : sanitize(d.message)
    return `::${d.severity} ${props.join(',')}::${escapeData(text)}`
  })
  const { errors, warnings } = tally(diagnostics)
  lines.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}`)
  return `${lines.join('\n')}\n`
}

// Escaping as in @actions/core's command.ts.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `1 error`, `2 errors`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
