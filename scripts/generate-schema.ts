// Writes schema/incident.schema.json and schema/config.schema.json from the zod schemas.
// Run with `npm run schema`; a test fails when the committed files are stale.
import { writeFileSync } from 'node:fs'
import { jsonSchemas, schemaFileText } from '../src/validate/json-schema.js'

const schemas = jsonSchemas()
for (const which of ['incident', 'config'] as const) {
  const file = new URL(`../schema/${which}.schema.json`, import.meta.url)
  writeFileSync(file, schemaFileText(schemas[which]))
  console.log(`wrote schema/${which}.schema.json`)
}
