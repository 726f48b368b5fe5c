import { stringify } from 'yaml'
import { packageName } from '../paths.js'
import type { JsonSchemaNode as JsonSchema } from '../validate/json-schema.js'
import { jsonSchemas } from '../validate/json-schema.js'

/**
 * Example values for the options that have no default (or an empty one), shown commented out. Keyed by
 * dotted path; a test checks that together they form a valid config. An option missing here still
 * appears, with a placeholder.
 */
export const configExamples: Record<string, unknown> = {
  services: ['checkout', { id: 'payments', name: 'Payments API', description: 'Card payments and refunds' }],
  slos: {
    'api-availability': {
      target: 99.9,
      window: '30d',
      description: 'Share of API requests answered without a server error',
    },
  },
  'site.base_url': 'https://acme.github.io/incidents/',
  'site.description': 'Postmortems of incidents that affected our customers',
  'site.theme': 'theme',
  'github.repo': 'acme/incidents',
  'github.labels': ['reliability'],
  redact: ['\\b10\\.\\d+\\.\\d+\\.\\d+\\b'],
  deny: ['project-nightingale'],
  templates: 'templates',
}

const isEmpty = (value: unknown) =>
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0)

/** `key: value` as block YAML, each line indented by `pad`. */
function yamlLines(key: string, value: unknown, pad: string): string[] {
  return stringify({ [key]: value }, { lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((line) => `${pad}${line}`)
}

/** The keys of the mapping items of a list or a map of settings, one comment line each. */
function itemKeys(schema: JsonSchema): string[] {
  const item =
    schema.items?.anyOf?.find((s) => s.properties) ??
    schema.items ??
    (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)
  if (!item?.properties) return []
  const required = new Set(item.required ?? [])
  return Object.entries(item.properties).map(
    ([key, s]) => `  ${key}: ${s.description ?? ''}${required.has(key) ? ' (required)' : ''}`,
  )
}

/** `text` as comment lines of at most ~100 characters. */
function wrap(text: string, pad: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && pad.length + line.length + word.length > 98) {
      lines.push(`${pad}# ${line}`)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  return [...lines, `${pad}# ${line}`]
}

function option(key: string, schema: JsonSchema, path: string, pad: string, out: string[]): void {
  const description = schema.description ?? ''
  const sentence = `${description.charAt(0).toUpperCase()}${description.slice(1)}.`
  if (schema.properties) {
    const children: string[] = []
    for (const [child, s] of Object.entries(schema.properties))
      option(child, s, `${path}.${child}`, `${pad}  `, children)
    // A mapping whose options are all unset is commented out too: `github:` alone would be null.
    const unset = children.every((line) => line.trimStart().startsWith('#'))
    out.push(...wrap(sentence, pad), `${pad}${unset ? '# ' : ''}${key}:`, ...children)
    return
  }
  const empty = isEmpty(schema.default)
  const keys = itemKeys(schema)
  const unset = 'Not set by default; for example:'
  out.push(...wrap(empty && keys.length === 0 ? `${sentence} ${unset}` : sentence, pad))
  if (keys.length > 0) {
    out.push(`${pad}# ${schema.items?.anyOf ? 'Each is an id, or a mapping of:' : 'Each entry:'}`)
    for (const line of keys) out.push(`${pad}# ${line}`)
    if (empty) out.push(`${pad}# ${unset}`)
  }
  // Note: an option without a default is shown commented out, so removing `# ` gives valid YAML at the
  // right indentation.
  if (empty) out.push(...yamlLines(key, configExamples[path] ?? `<${schema.type ?? 'value'}>`, `${pad}# `))
  else out.push(...yamlLines(key, schema.default, pad))
}

/**
 * The `postmortem.config.yaml` that `init` writes: every option of the config schema, each with its
 * description, its default as the value, and an example where the default is empty. Generated from
 * the schema, so a new option appears without anyone remembering to add it here.
 */
export function configText(schemaPath: string): string {
  const schema = jsonSchemas().config as JsonSchema
  const out = [
    `# yaml-language-server: $schema=${schemaPath}`,
    '# postmortem configuration. Every option is listed with its default value; change what your team',
    '# needs and delete the rest if you like (a missing option takes its default). Reference:',
    `# node_modules/${packageName()}/docs/config-format.md`,
  ]
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    out.push('')
    option(key, s, key, '', out)
  }
  return `${out.join('\n')}\n`
}
