// Every generated file the repository commits, with its expected text; `npm run generate` writes them
// and a test fails when one is stale.
import { jsonSchemas, schemaFileText } from '../src/validate/json-schema.js'
import { diagnosticReference, keyReference } from './reference-docs.js'

/** Path (relative to the repository root) → text. */
export function generatedFiles(): Record<string, string> {
  const schemas = jsonSchemas()
  return {
    'schema/incident.schema.json': schemaFileText(schemas.incident),
    'schema/config.schema.json': schemaFileText(schemas.config),
    'docs/record-format.md': keyReference(
      'The incident record',
      'One YAML file per incident, `incidents/<id>.yaml`. Unknown keys are errors. List items are shown as `key[].item`. Timestamps are ISO 8601 with an offset, or without one when the record sets `timezone`. JSON Schema: [`schema/incident.schema.json`](../schema/incident.schema.json).',
      schemas.incident,
    ),
    'docs/config-format.md': keyReference(
      'postmortem.config.yaml',
      'Optional; found by walking up from the working directory. Every key has a default. JSON Schema: [`schema/config.schema.json`](../schema/config.schema.json).',
      schemas.config,
    ),
    'docs/diagnostics.md': diagnosticReference(),
  }
}
