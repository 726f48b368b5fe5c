import { closest, distance } from 'fastest-levenshtein'
import type * as z from 'zod'
import type { DataPath, DiagnosticCode } from '../diagnostics.js'
import { formatPath } from '../diagnostics.js'
import type { CheckParams } from './schema.js'
import { kindOf } from './schema.js'
import { parseTimestamp } from './timestamps.js'

/** A schema problem before it is given a file position. */
export interface Finding {
  code: DiagnosticCode
  path: DataPath
  message: string
  hint?: string
  /** Point at the key rather than the value (unknown keys). */
  at?: 'key'
  /** Character index within a text value, to point inside it (blameful phrases). */
  index?: number
}

type AnySchema = z.ZodType & { def: { type: string } & Record<string, unknown> }

/** Turns zod issues into findings that say what was expected, what was found and how to fix it. */
export function findingsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  root: z.ZodType,
  data: unknown,
  sourceAt: (path: DataPath) => string | undefined = () => undefined,
): Finding[] {
  const findings: Finding[] = []
  for (const issue of issues) findings.push(...fromIssue(issue, root, data, sourceAt))
  return findings
}

function fromIssue(
  issue: z.core.$ZodIssue,
  root: z.ZodType,
  data: unknown,
  sourceAt: (path: DataPath) => string | undefined,
): Finding[] {
  const path = issue.path as Array<string | number>
  const where = path.length > 0 ? `\`${formatPath(path)}\`` : 'the record'
  const value = valueAt(data, path)
  const schema = schemaAt(root, path, data)
  const parent = path.length > 1 ? `\`${formatPath(path.slice(0, -1))}\`` : 'the record'
  if (value === undefined && issue.code !== 'unrecognized_keys' && path.length > 0)
    return [
      {
        code: 'MISSING_KEY',
        path,
        message: `${where} is required`,
        hint: `Add \`${String(path.at(-1))}:\` to ${parent}.`,
      },
    ]

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = objectKeys(schema)
      return issue.keys.map((key) => {
        const suggestion = known.length > 0 ? closest(key, known) : undefined
        const near =
          suggestion &&
          distance(key, suggestion) <= (key.length <= 3 ? 1 : Math.max(2, Math.floor(key.length / 3)))
        return {
          code: 'UNKNOWN_KEY' as const,
          path: [...path, key],
          at: 'key' as const,
          message:
            key === ''
              ? `a value without a key${path.length > 0 ? ` in ${where}` : ''}`
              : `unknown key \`${key}\`${path.length > 0 ? ` in ${where}` : ''}`,
          hint:
            key === ''
              ? 'Write the key before the `:`, or remove the line.'
              : near
                ? `Did you mean \`${suggestion}\`?`
                : `Known keys here: ${known.map((k) => `\`${k}\``).join(', ')}.`,
        }
      })
    }
    case 'invalid_type': {
      const expected = issue.expected
      const raw = sourceAt(path)
      // Show scalars as written (`1.0`, `007`), not as YAML read them.
      const got =
        raw !== undefined && raw !== '' && value !== null && typeof value !== 'object'
          ? `${typeof value} \`${raw}\``
          : describe(value)
      const k = kindOf(schema)
      const scalar = typeof value === 'number' || typeof value === 'boolean'
      const hint =
        value === null
          ? 'Fill in a value, or remove the key.'
          : expected === 'string' && scalar
            ? `Quote it: \`"${raw ?? String(value)}"\`${k === 'identifier' || k === 'slug' ? ' (identifiers are text; unquoted, YAML reads it as a ' + typeof value + ')' : ''}.`
            : expected === 'boolean' && typeof value === 'string'
              ? 'Write `true` or `false` (YAML 1.2: `yes`/`no` are text).'
              : expected === 'array'
                ? 'Write a list: one `- item` per line.'
                : undefined
      return [
        {
          code: 'WRONG_TYPE',
          path,
          message: `${where} must be ${article(expected)}, got ${got}`,
          ...(hint && { hint }),
        },
      ]
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v))
      const suggestion = typeof value === 'string' && allowed.length > 0 ? closest(value, allowed) : undefined
      return [
        {
          code: 'INVALID_VALUE',
          path,
          message: `${where} must be one of ${allowed.map((v) => `\`${v}\``).join(', ')}, got ${describe(value)}`,
          ...(suggestion && { hint: `Did you mean \`${suggestion}\`?` }),
        },
      ]
    }
    case 'invalid_format': {
      const k = kindOf(schema)
      if (k === 'timestamp' && typeof value === 'string') {
        const parsed = parseTimestamp(value, 'UTC')
        if (!parsed.ok)
          return [{ code: parsed.code, path, message: `${where}: ${parsed.message}`, hint: parsed.hint }]
      }
      return [
        { code: 'INVALID_FORMAT', path, message: `${where} ${formatProblem(k, value)}`, hint: formatHint(k) },
      ]
    }
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'string')
        return [
          {
            code: 'TOO_MANY_ITEMS',
            path,
            message: `${where} has more than ${String(issue.maximum)} ${issue.origin === 'array' ? 'items' : 'characters'}`,
            hint: issue.origin === 'array' ? 'Split or summarise the list.' : 'Shorten the text.',
          },
        ]
      return [
        {
          code: 'INVALID_VALUE',
          path,
          message: `${where} must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describe(value)}`,
        },
      ]
    case 'too_small':
      if (issue.origin === 'string')
        return [
          {
            code: 'INVALID_VALUE',
            path,
            message: `${where} must not be empty`,
            hint: 'Fill it in or remove the key.',
          },
        ]
      if (issue.origin === 'array')
        return [
          {
            code: 'INVALID_VALUE',
            path,
            message: `${where} needs at least ${String(issue.minimum)} ${issue.minimum === 1 ? 'item' : 'items'}`,
          },
        ]
      return [
        {
          code: 'INVALID_VALUE',
          path,
          message: `${where} must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}, got ${describe(value)}`,
        },
      ]
    case 'not_multiple_of':
      return [
        { code: 'INVALID_VALUE', path, message: `${where} must be a multiple of ${String(issue.divisor)}` },
      ]
    case 'invalid_union': {
      // Report the branch that matches the kind of value written: text for text, a mapping for a mapping.
      const branch =
        issue.errors.find((errors) =>
          errors.every((e) => !(e.code === 'invalid_type' && e.path.length === 0)),
        ) ?? undefined
      if (branch)
        return branch.flatMap((e) =>
          fromIssue({ ...e, path: [...path, ...e.path] } as z.core.$ZodIssue, root, data, sourceAt),
        )
      const options = issue.errors.map((errors) =>
        errors[0]?.code === 'invalid_type' ? errors[0].expected : 'value',
      )
      return [
        {
          code: 'WRONG_TYPE',
          path,
          message: `${where} must be ${options.map(article).join(' or ')}, got ${describe(value)}`,
        },
      ]
    }
    case 'custom': {
      const params = issue.params as CheckParams | undefined
      if (params?.diagnostic)
        return [
          {
            code: params.diagnostic,
            path,
            message:
              params.diagnostic === 'INVALID_TIMEZONE'
                ? `${where} ${issue.message}`
                : `${where}: ${issue.message}`,
            hint: params.hint,
          },
        ]
      return [{ code: 'INVALID_VALUE', path, message: `${where}: ${issue.message}` }]
    }
    default:
      return [{ code: 'INVALID_VALUE', path, message: `${where}: ${issue.message}` }]
  }
}

function formatProblem(k: ReturnType<typeof kindOf>, value: unknown): string {
  const got = describe(value)
  switch (k) {
    case 'line':
      return `must be one line of text without control characters, got ${got}`
    case 'slug':
      return `must be lowercase letters, digits and dashes (a slug), got ${got}`
    case 'date':
      return `must be a date \`YYYY-MM-DD\`, got ${got}`
    case 'url':
      return `must be an http(s) URL, got ${got}`
    case 'identifier':
      return `must look like \`AI-1\` (capital letters, a dash, a number), got ${got}`
    default:
      return `has the wrong form, got ${got}`
  }
}

function formatHint(k: ReturnType<typeof kindOf>): string | undefined {
  switch (k) {
    case 'line':
      return 'Remove line breaks and control characters; longer text belongs in a Markdown field.'
    case 'slug':
      return 'Use up to 80 characters of `a-z`, `0-9` and `-`, starting with a letter or digit, e.g. `2025-01-22-db-outage` (not a Windows device name such as `con`).'
    case 'date':
      return 'Write the date as `2025-02-15`.'
    case 'url':
      return 'Write the full address, starting with `https://`.'
    case 'identifier':
      return 'Number action items `AI-1`, `AI-2`, …'
    default:
      return undefined
  }
}

/** The data at `path`, or undefined. */
export function valueAt(data: unknown, path: DataPath): unknown {
  let current = data
  for (const part of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined
    current = (current as Record<string | number, unknown>)[part]
  }
  return current
}

/** The schema that validates the value at `path`, following the branch of a union the data takes. */
function schemaAt(root: z.ZodType, path: DataPath, data: unknown): z.ZodType | undefined {
  let schema: AnySchema | undefined = unwrap(root as AnySchema)
  for (const [i, part] of path.entries()) {
    if (!schema) return undefined
    schema = pickBranch(schema, valueAt(data, path.slice(0, i)))
    const def = schema.def
    let next: unknown
    if (def.type === 'object') next = (def.shape as Record<string, unknown>)[String(part)]
    else if (def.type === 'array') next = def.element
    else if (def.type === 'record') next = def.valueType
    schema = next ? unwrap(next as AnySchema) : undefined
  }
  return schema ? pickBranch(schema, valueAt(data, path)) : undefined
}

function unwrap(schema: AnySchema): AnySchema {
  let s = schema
  while (['optional', 'default', 'prefault', 'nullable'].includes(s.def.type))
    s = s.def.innerType as AnySchema
  return s
}

function pickBranch(schema: AnySchema, value: unknown): AnySchema {
  if (schema.def.type !== 'union') return schema
  const options = (schema.def.options as AnySchema[]).map(unwrap)
  const wantObject = value !== null && typeof value === 'object'
  return options.find((o) => (o.def.type === 'object') === wantObject) ?? options[0]!
}

function objectKeys(schema: z.ZodType | undefined): string[] {
  const s = schema as AnySchema | undefined
  return s?.def.type === 'object' ? Object.keys(s.def.shape as object) : []
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'an empty value (null)'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `\`${value.length > 60 ? `${value.slice(0, 57)}…` : value}\``
  return `${typeof value} \`${String(value)}\``
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    int: 'a whole number',
  }
  return names[expected] ?? expected
}
