import { describe, expect, it } from 'vitest'
import { jsonSchemas, schemaFileText } from '../src/validate/json-schema.js'
import { runCli } from './helpers/run-cli.js'

const draft07 = 'http://json-schema.org/draft-07/schema#'

interface JsonSchema {
  $schema: string
  type: string
  title: string
  properties: Record<string, unknown>
  required?: string[]
  additionalProperties: unknown
}

describe('schema', () => {
  it.each([
    ['schema', ['schema']],
    ['schema incident', ['schema', 'incident']],
  ])('`%s` prints the incident record schema', async (_name, argv) => {
    const result = await runCli(argv)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const schema = JSON.parse(result.stdout) as JsonSchema
    expect(schema.$schema).toBe(draft07)
    expect(schema.title).toBe('postmortem incident record')
    expect(schema.properties).toHaveProperty('timeline')
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'status', 'severity']))
    expect(result.stdout).toBe(schemaFileText(jsonSchemas().incident))
  })

  it('`schema config` prints the configuration schema', async () => {
    const result = await runCli(['schema', 'config'])
    expect(result.code).toBe(0)
    const schema = JSON.parse(result.stdout) as JsonSchema
    expect(schema.$schema).toBe(draft07)
    expect(schema.title).toBe('postmortem configuration')
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['incidents', 'timezone', 'severities', 'slos', 'policy']),
    )
    expect(schema.additionalProperties).toBe(false)
  })

  it.each([
    ['an unknown schema', ['schema', 'bogus'], /bogus/],
    ['two arguments', ['schema', 'incident', 'config'], /too many arguments/],
    ['an unknown option', ['schema', '--bogus'], /--bogus/],
  ])('exits 2 for %s', async (_name, argv, message) => {
    const result = await runCli(argv)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(message)
  })

  it('has help', async () => {
    const result = await runCli(['schema', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: postmortem schema')
    expect(result.stdout).toMatch(/incident.*config/s)
  })
})
