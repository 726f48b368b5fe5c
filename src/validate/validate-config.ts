import type { Diagnostic } from '../diagnostics.js'
import type { ParsedSource } from '../load/parse-source.js'
import { locate, sourceAt } from '../load/parse-source.js'
import type { Config } from './schema.js'
import { configSchema } from './schema.js'
import type { Finding } from './schema-diagnostics.js'
import { findingsFromIssues } from './schema-diagnostics.js'

/** Validates a parsed `postmortem.config.yaml` with the same machinery as records. */
export function validateConfig(source: ParsedSource): { config?: Config; diagnostics: Diagnostic[] } {
  const diagnostics = [...source.diagnostics]
  const place = (f: Finding): Diagnostic => ({
    code: f.code,
    severity: 'error',
    message: f.message,
    ...(f.hint && { hint: f.hint }),
    file: source.file,
    ...locate(source, f.path, f.at),
    ...(f.path.length > 0 && { path: f.path }),
  })
  // An empty config file is fine: every option has a default.
  const data = source.data ?? (diagnostics.every((d) => d.code === 'EMPTY_FILE') ? {} : undefined)
  if (!data) return { diagnostics }
  const parsed = configSchema.safeParse(data)
  if (!parsed.success)
    return {
      diagnostics: findingsFromIssues(parsed.error.issues, configSchema, data, (p) =>
        sourceAt(source, p),
      ).map(place),
    }
  const config = parsed.data
  const findings: Finding[] = []
  for (const [i, pattern] of config.redact.entries()) {
    try {
      new RegExp(pattern, 'u')
    } catch (error) {
      findings.push({
        code: 'INVALID_FORMAT',
        path: ['redact', i],
        message: `\`redact[${i}]\` is not a valid regular expression: ${(error as Error).message}`,
        hint: 'Escape special characters such as `.`, `(` and `[` with a backslash.',
      })
    }
  }
  const names = new Map<string, number>()
  for (const [i, level] of config.severities.entries()) {
    const first = names.get(level.name)
    if (first !== undefined)
      findings.push({
        code: 'DUPLICATE_ID',
        path: ['severities', i, 'name'],
        message: `severity \`${level.name}\` is already defined by severities[${first}]`,
      })
    else names.set(level.name, i)
  }
  if (findings.length > 0) return { diagnostics: findings.map(place) }
  return { config, diagnostics: [] }
}
