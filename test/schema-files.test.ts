import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './helpers/run-cli.js'

const which = ['incident', 'config'] as const

const committed = (name: (typeof which)[number]) =>
  readFile(join(repoRoot, 'schema', `${name}.schema.json`), 'utf8')

/** Every sub-schema that declares `properties`, with its JSON pointer. */
function objectSchemas(node: unknown, pointer = '#'): Array<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== 'object') return []
  const found: Array<[string, Record<string, unknown>]> = []
  const record = node as Record<string, unknown>
  if ('properties' in record && typeof record.properties === 'object') found.push([pointer, record])
  for (const [key, value] of Object.entries(record)) found.push(...objectSchemas(value, `${pointer}/${key}`))
  return found
}

describe('the published JSON Schemas', () => {
  it.each(which)('schema/%s.schema.json is draft-07 and closed to unknown keys', async (name) => {
    const schema = JSON.parse(await committed(name)) as Record<string, unknown>
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#')
    expect(schema.type).toBe('object')
    expect(schema.additionalProperties).toBe(false)
    // Typos must not pass silently in editors either: every nested object is closed too.
    const open = objectSchemas(schema)
      .filter(([, s]) => s.additionalProperties !== false)
      .map(([pointer]) => pointer)
    expect(open).toEqual([])
  })

  it('requires the keys SPEC §3 marks as required', async () => {
    const schema = JSON.parse(await committed('incident')) as {
      required: string[]
      properties: Record<string, { required?: string[] }>
    }
    expect(schema.required).toEqual(
      expect.arrayContaining(['id', 'title', 'status', 'severity', 'timestamps', 'summary', 'timeline']),
    )
    // Keys with defaults or required only past `draft` are not required by the schema.
    for (const key of ['visibility', 'type', 'root_cause', 'schema_version'])
      expect(schema.required).not.toContain(key)
    expect(schema.properties.timestamps!.required).toEqual(
      expect.arrayContaining(['impact_started', 'detected']),
    )
    expect(schema.properties.timestamps!.required).not.toContain('resolved')
  })

  it('documents the closed sets of values SPEC §3 lists', async () => {
    const schema = JSON.parse(await committed('incident')) as {
      properties: Record<string, { enum?: string[] }>
    }
    expect(schema.properties.status!.enum).toEqual(['draft', 'in_review', 'published', 'closed'])
    expect(schema.properties.visibility!.enum).toEqual(['public', 'internal'])
    expect(schema.properties.type!.enum).toEqual(['outage', 'degradation', 'security', 'maintenance'])
  })

  it('is the schema new records and the examples point at', async () => {
    const examples = (await readdir(join(repoRoot, 'incidents'))).filter((f) => f.endsWith('.yaml'))
    expect(examples).toContain('2025-01-22-connection-pool-exhaustion.yaml')
    for (const file of examples) {
      const text = await readFile(join(repoRoot, 'incidents', file), 'utf8')
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/incident.schema.json')
    }
    const config = await readFile(join(repoRoot, 'postmortem.config.yaml'), 'utf8')
    expect(config.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/config.schema.json')
  })
})
