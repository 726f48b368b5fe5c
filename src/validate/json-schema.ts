import * as z from 'zod'
import { configSchema, incidentSchema } from './schema.js'

/** Draft-07 JSON Schemas (what editors' YAML extensions read), as published in `schema/`. */
export function jsonSchemas(): { incident: object; config: object } {
  const options = { target: 'draft-7', io: 'input', unrepresentable: 'any' } as const
  return { incident: z.toJSONSchema(incidentSchema, options), config: z.toJSONSchema(configSchema, options) }
}

/** The text of a published schema file. */
export function schemaFileText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}
