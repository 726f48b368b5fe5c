import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generatedFiles } from '../scripts/generated-files.js'

describe('generated files', () => {
  for (const [path, expected] of Object.entries(generatedFiles()))
    it(`${path} is up to date (run \`npm run generate\` after changing src/)`, () => {
      const committed = readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
      expect(committed).toBe(expected)
    })

  it('publishes draft-07 schemas that reject unknown keys', () => {
    const files = generatedFiles()
    for (const name of ['schema/incident.schema.json', 'schema/config.schema.json']) {
      const schema = JSON.parse(files[name]!) as { $schema: string; additionalProperties: unknown }
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#')
      expect(schema.additionalProperties).toBe(false)
    }
  })
})
