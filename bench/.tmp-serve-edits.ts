import { join } from 'node:path'
import { readdirSync } from 'node:fs'
import { measureServeEdits } from '/work/main/bench/serve-edit.js'
const repo = process.argv[2]!
const edits = Number(process.argv[3] ?? 5)
const file = join(repo, 'incidents', readdirSync(join(repo, 'incidents')).find((f) => f.includes('08479')) ?? readdirSync(join(repo, 'incidents'))[5]!)
const id = file.replace(/.*\//, '').replace(/\.yaml$/, '')
const outputs: string[] = []
const result = await measureServeEdits(
  {
    command: (port) => ({ argv: [process.execPath, '/work/main/bin/postmortem.js', 'serve', '--timings', '--port', String(port)], cwd: repo }),
    page: `/incidents/${id}/`,
    aggregates: ['/', '/action-items/', '/feed.xml'],
    file,
    reported: (output) => { if (!/Built the/.test(output)) return undefined; outputs.push(output.split('\n').filter((l) => /aggregates|commit|save|total/.test(l)).join('\n')); return 0 },
  },
  { edits, timeoutMs: 600_000, label: 'serve' },
)
console.log(outputs.join('\n=====\n'))
console.log(result.process, JSON.stringify({ rebuilds: result.rebuilds_s, median: result.rebuild_s, stale: result.stale, startup: result.startup_s }))
