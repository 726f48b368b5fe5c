// Writes one record's SVG timeline to stdout, to look at in a browser:
//   node --import tsx scripts/preview-timeline.ts incidents/<id>.yaml [--public] [--static] [--width N] > out.svg
// `--public` draws only the events a public site shows; `--static` draws a non-interactive picture.
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/load/load-config.js'
import { timelineSvg } from '../src/site/timeline-svg.js'
import { validateFiles } from '../src/validate/validate-files.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { public: { type: 'boolean' }, static: { type: 'boolean' }, width: { type: 'string' } },
})
const file = positionals[0]
if (!file) {
  process.stderr.write('usage: preview-timeline.ts <record.yaml> [--public] [--static] [--width N]\n')
  process.exit(2)
}
const cwd = process.cwd()
const { config } = await loadConfig(cwd)
const report = await validateFiles([file], cwd, { config, at: 0 })
const incident = report.incidents[0]
if (!incident) {
  for (const d of report.diagnostics) process.stderr.write(`${d.file}:${d.line ?? 0}: ${d.message}\n`)
  process.exit(1)
}
process.stdout.write(
  timelineSvg(incident, {
    ...(values.width !== undefined && { width: Number(values.width) }),
    ...(values.public && { events: incident.timeline.filter((e) => e.visibility !== 'internal') }),
    interactive: !values.static,
  }),
)
