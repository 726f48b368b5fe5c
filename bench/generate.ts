// A deterministic generator of synthetic incident records in our schema, for benchmarks.
// Same seed, same bytes: ~8–9 KB of YAML per record, 25 timeline events, 6 action items, 2 metrics.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** mulberry32: a tiny seeded PRNG, so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const words =
  'database connection pool latency replica failover cache queue worker deploy config rollout region network partition certificate dns load balancer timeout retry backlog memory disk cpu saturation index shard leader election quota throttle canary alert dashboard runbook'.split(
    ' ',
  )
const kinds = ['detect', 'escalate', 'diagnose', 'mitigate', 'communicate', 'deploy', 'note'] as const
const services = ['api', 'checkout', 'search', 'auth', 'payments', 'storefront', 'notifications', 'billing']

function sentence(rnd: () => number, n: number): string {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(words[Math.floor(rnd() * words.length)]!)
  const s = out.join(' ')
  return s.charAt(0).toUpperCase() + s.slice(1) + '.'
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

/** The YAML text of synthetic record number `i`. */
export function syntheticRecord(i: number, seed = 1): { id: string; text: string } {
  const rnd = random(seed * 1_000_003 + i)
  const start =
    Date.UTC(2020, 0, 1) + Math.floor(rnd() * 5 * 365) * 86_400_000 + Math.floor(rnd() * 86_400) * 1000
  const day = new Date(start).toISOString().slice(0, 10)
  const id = `${day}-synthetic-${String(i).padStart(5, '0')}`
  const minute = 60_000
  const detected = start + Math.floor(rnd() * 10) * minute
  const resolved = detected + (60 + Math.floor(rnd() * 180)) * minute
  const severity = `SEV${1 + Math.floor(rnd() * 4)}`
  const lines: string[] = [
    `id: ${id}`,
    `title: ${JSON.stringify(sentence(rnd, 6))}`,
    'status: published',
    'visibility: public',
    `severity: ${severity}`,
    `services: [${services[i % services.length]}, ${services[(i + 3) % services.length]}]`,
    'tags: [synthetic, benchmark]',
    'people:',
    '  incident_commander: "@ic-bot"',
    '  responders: ["@alpha", "@beta"]',
    'timestamps:',
    `  impact_started: ${iso(start)}`,
    `  detected: ${iso(detected)}`,
    `  acknowledged: ${iso(detected + 2 * minute)}`,
    `  mitigated: ${iso(resolved - 20 * minute)}`,
    `  resolved: ${iso(resolved)}`,
    'summary: |',
    ...[0, 1, 2].map(() => `  ${sentence(rnd, 24)}`),
    'impact:',
    `  summary: ${JSON.stringify(sentence(rnd, 18))}`,
    `  users_affected: ${Math.floor(rnd() * 100000)}`,
    'root_cause:',
    `  summary: ${JSON.stringify(sentence(rnd, 14))}`,
    '  details: |',
    ...[0, 1, 2, 3].map(() => `    ${sentence(rnd, 22)}`),
    '  contributing_factors:',
    ...[0, 1, 2].map(() => `    - text: ${JSON.stringify(sentence(rnd, 10))}\n      category: process`),
    'lessons:',
    `  went_well: [${JSON.stringify(sentence(rnd, 8))}]`,
    `  went_wrong: [${JSON.stringify(sentence(rnd, 8))}]`,
    'timeline:',
  ]
  const span = resolved - detected
  for (let e = 0; e < 25; e++) {
    const at = detected + Math.floor((span * e) / 25)
    const kind = e === 0 ? 'detect' : e === 24 ? 'resolve' : kinds[Math.floor(rnd() * kinds.length)]!
    lines.push(`  - at: ${iso(at)}`, `    kind: ${kind}`, `    text: ${JSON.stringify(sentence(rnd, 12))}`)
  }
  lines.push('metrics:')
  for (const name of ['latency_p99', 'error_rate']) {
    lines.push(`  - name: ${name}`, `    unit: ${name === 'error_rate' ? '"%"' : 'ms'}`, '    series:')
    for (let p = 0; p < 12; p++)
      lines.push(
        `      - { at: ${iso(start + Math.floor((span * p) / 12))}, value: ${Math.round(rnd() * 1000) / 10} }`,
      )
  }
  lines.push('action_items:')
  for (let a = 1; a <= 6; a++)
    lines.push(
      `  - id: AI-${a}`,
      `    title: ${JSON.stringify(sentence(rnd, 7))}`,
      `    type: ${['prevent', 'detect', 'mitigate', 'repair', 'process'][a % 5]}`,
      `    priority: P${a % 4}`,
      '    owner: "@alpha"',
      '    due: 2030-01-01',
      `    status: ${a % 3 === 0 ? 'done' : 'open'}`,
    )
  return { id, text: `${lines.join('\n')}\n` }
}

/** Writes `count` records into `dir/incidents/` and returns that folder. */
export function writeSyntheticRepo(dir: string, count: number, seed = 1): string {
  const folder = join(dir, 'incidents')
  mkdirSync(folder, { recursive: true })
  for (let i = 0; i < count; i++) {
    const { id, text } = syntheticRecord(i, seed)
    writeFileSync(join(folder, `${id}.yaml`), text)
  }
  return folder
}
