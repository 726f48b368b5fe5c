import * as z from 'zod'
import { configSchema, incidentSchema } from './schema.js'

/** The parts of a draft-07 JSON Schema node that the generated docs and the `init` config read. */
export interface JsonSchemaNode {
  type?: string
  description?: string
  enum?: unknown[]
  const?: unknown
  default?: unknown
  properties?: Record<string, JsonSchemaNode>
  required?: string[]
  items?: JsonSchemaNode
  anyOf?: JsonSchemaNode[]
  additionalProperties?: JsonSchemaNode | boolean
  pattern?: string
  maxItems?: number
  maxLength?: number
}

/** Draft-07 JSON Schemas (what editors' YAML extensions read), as published in `schema/`. */
export function jsonSchemas(): { incident: object; config: object } {
  const options = { target: 'draft-7', io: 'input', unrepresentable: 'any' } as const
  return { incident: z.toJSONSchema(incidentSchema, options), config: z.toJSONSchema(configSchema, options) }
}

/** The text of a published schema file. */
export function schemaFileText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}
