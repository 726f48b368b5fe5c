// A deterministic generator of synthetic incident records in our schema, for benchmarks (issue 7).
// Record `i` depends only on (`i`, seed): the first 100 records of a 10,000 repository are the 100-record
// repository. Each is ~9 KB of YAML with 25 timeline events and three GFM tables in its prose, links,
// a list and some emphasis, and a realistic mix of severities, services, types and statuses; most are
// public and published.

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

const words = (
  'database connection pool latency replica failover cache queue worker deploy config rollout region ' +
  'network partition certificate dns balancer timeout retry backlog memory disk cpu saturation index ' +
  'shard leader election quota throttle canary alert dashboard runbook primary standby consumer ' +
  'producer lag heartbeat circuit breaker endpoint request response error budget traffic peak batch ' +
  'job schedule storage volume snapshot migration schema lock contention thread heap garbage ' +
  'collector upstream downstream gateway proxy session token cluster node pod autoscaler'
).split(' ')
const services = [
  'api',
  'web-app',
  'checkout',
  'search',
  'auth',
  'payments',
  'notifications',
  'billing',
  'webhooks',
  'core-db',
  'cdn',
  'mobile-api',
]
const tags = ['database', 'network', 'capacity', 'deploy', 'config', 'dns', 'certificate', 'third-party']
const kinds = ['escalate', 'diagnose', 'mitigate', 'deploy', 'note'] as const
const impacts = ['outage', 'partial', 'degraded'] as const
const regions = ['us-west', 'us-east', 'eu-west', 'eu-central', 'ap-southeast', 'sa-east']
const handles = ['@alpha', '@beta', '@gamma', '@delta', '@epsilon', '@zeta']
const minute = 60_000

/** Picks by weight: `weighted(rnd, [['a', 3], ['b', 1]])` returns `a` three times in four. */
function weighted<T>(rnd: () => number, choices: ReadonlyArray<readonly [T, number]>): T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0)
  let x = rnd() * total
  for (const [value, w] of choices) if ((x -= w) < 0) return value
  return choices.at(-1)![0]
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!
}

function sentence(rnd: () => number, n: number): string {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const word = pick(rnd, words)
    // A little inline Markdown, as real prose has.
    const r = rnd()
    out.push(r < 0.04 ? `\`${word}\`` : r < 0.06 ? `**${word}**` : r < 0.075 ? `*${word}*` : word)
  }
  const s = out.join(' ')
  return s.charAt(0).toUpperCase() + s.slice(1) + '.'
}

const paragraph = (rnd: () => number, sentences: number, length: number) =>
  Array.from({ length: sentences }, () => sentence(rnd, length)).join(' ')

/** A sentence pointing at a dashboard, a pull request or a runbook, as postmortems do. */
function linkSentence(rnd: () => number): string {
  const n = 100 + Math.floor(rnd() * 9_900)
  const [text, url] = pick(rnd, [
    [`the ${pick(rnd, words)} dashboard`, `https://grafana.example.com/d/${pick(rnd, services)}-${n}`],
    [`pull request ${n}`, `https://github.com/example/${pick(rnd, services)}/pull/${n}`],
    [
      `the ${pick(rnd, services)} runbook`,
      `https://wiki.example.com/runbooks/${pick(rnd, services)}#step-${n % 9}`,
    ],
  ] as const)
  return `${pick(rnd, ['See', 'Details in', 'Tracked in'])} [${text}](${url}).`
}

/** UTC, whole seconds: `2024-03-12T09:41:07Z`. */
function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** A GFM table of `rows` rows under `header`, cells from `cell(row, column)`. */
function table(header: string[], rows: number, cell: (row: number, column: number) => string): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...Array.from({ length: rows }, (_, r) => `| ${header.map((_, c) => cell(r, c)).join(' | ')} |`),
  ]
}

/** Indents lines of a block scalar. */
const block = (indent: string, lines: string[]) => lines.map((l) => (l === '' ? '' : indent + l))

/** The YAML text of synthetic record number `i`. */
export function syntheticRecord(i: number, seed = 1): { id: string; text: string } {
  const rnd = random(seed * 1_000_003 + i)
  const start =
    Date.UTC(2019, 0, 1) + Math.floor(rnd() * 6 * 365) * 86_400_000 + Math.floor(rnd() * 86_400) * 1000
  const severity = weighted(rnd, [
    ['SEV1', 5],
    ['SEV2', 20],
    ['SEV3', 45],
    ['SEV4', 30],
  ])
  const status = weighted(rnd, [
    ['published', 82],
    ['closed', 8],
    ['in_review', 6],
    ['draft', 4],
  ])
  const visibility = rnd() < 0.9 ? 'public' : 'internal'
  const type = weighted(rnd, [
    ['outage', 45],
    ['degradation', 45],
    ['security', 4],
    ['maintenance', 6],
  ])
  const title = sentence(rnd, 6).replace(/[`*]/g, '').slice(0, -1)
  const slug = title.toLowerCase().split(' ').slice(0, 3).join('-')
  const id = `${iso(start).slice(0, 10)}-${slug}-${String(i).padStart(5, '0')}`
  const detected = start + Math.floor(rnd() * 20) * minute
  const resolved = detected + (45 + Math.floor(rnd() * (severity === 'SEV1' ? 300 : 150))) * minute
  const span = resolved - detected
  const affected = [...new Set([pick(rnd, services), pick(rnd, services), pick(rnd, services)])]
  const slo = rnd() < 0.7
  const lines: string[] = [
    'schema_version: 1',
    `id: ${id}`,
    `title: ${JSON.stringify(title)}`,
    `status: ${status}`,
    `visibility: ${visibility}`,
    `type: ${type}`,
    `severity: ${severity}`,
    'services:',
    ...affected.map((s) => `  - id: ${s}\n    impact: ${pick(rnd, impacts)}`),
    `tags: [${[...new Set([pick(rnd, tags), pick(rnd, tags)])].join(', ')}]`,
    'people:',
    `  incident_commander: "${pick(rnd, handles)}"`,
    `  postmortem_owner: "${pick(rnd, handles)}"`,
    `  responders: [${handles.slice(0, 2 + Math.floor(rnd() * 4)).map((h) => `"${h}"`)}]`,
    'timestamps:',
    `  impact_started: ${iso(start)}`,
    `  detected: ${iso(detected)}`,
    `  acknowledged: ${iso(detected + (2 + Math.floor(rnd() * 10)) * minute)}`,
    `  cause_identified: ${iso(detected + Math.floor(span / 3))}`,
    `  mitigated: ${iso(resolved - 20 * minute)}`,
    `  resolved: ${iso(resolved)}`,
    'summary: |',
    ...block('  ', [paragraph(rnd, 2, 18), '', `${paragraph(rnd, 2, 14)} ${linkSentence(rnd)}`]),
    'impact:',
    '  summary: |',
    ...block('    ', [
      sentence(rnd, 16),
      '',
      ...table(['Region', 'Failed requests', 'p99 latency'], 4, (r, c) =>
        c === 0
          ? regions[r]!
          : c === 1
            ? String(Math.floor(rnd() * 900_000))
            : `${Math.floor(rnd() * 4000)} ms`,
      ),
    ]),
    `  users_affected: ${Math.floor(rnd() * 200_000)}`,
    `  requests_failed_pct: ${Math.round(rnd() * 500) / 10}`,
    `  support_tickets: ${Math.floor(rnd() * 900)}`,
    ...(slo ? ['  slo:', '    - id: api-availability'] : []),
    'detection:',
    `  method: ${pick(rnd, ['alert', 'monitoring', 'user_report', 'support'])}`,
    `  source: ${JSON.stringify(sentence(rnd, 8).replace(/[`*]/g, ''))}`,
    `trigger: ${JSON.stringify(sentence(rnd, 20))}`,
    'root_cause:',
    `  summary: ${JSON.stringify(sentence(rnd, 18))}`,
    '  details: |',
    ...block('    ', [
      paragraph(rnd, 2, 16),
      '',
      ...[0, 1, 2].map(() => `- ${sentence(rnd, 6)}`),
      '',
      ...table(['Setting', 'Before', 'After'], 3, (r, c) =>
        c === 0 ? `\`${pick(rnd, words)}_${pick(rnd, words)}\`` : String(Math.floor(rnd() * 512) * (c + r)),
      ),
      '',
      sentence(rnd, 14),
    ]),
    '  contributing_factors:',
    ...[0, 1, 2].map(
      () =>
        `    - text: ${JSON.stringify(sentence(rnd, 10))}\n      category: ${pick(rnd, ['process', 'capacity', 'tooling'])}`,
    ),
    'resolution: |',
    ...block('  ', [
      `${sentence(rnd, 14)} ${linkSentence(rnd)}`,
      '',
      ...table(['Step', 'At (UTC)', 'Result'], 3, (r, c) =>
        c === 0
          ? String(r + 1)
          : c === 1
            ? iso(resolved - (3 - r) * 15 * minute).slice(11, 16)
            : sentence(rnd, 5),
      ),
    ]),
    'lessons:',
    `  went_well: [${JSON.stringify(sentence(rnd, 8))}]`,
    `  went_wrong: [${JSON.stringify(sentence(rnd, 8))}, ${JSON.stringify(sentence(rnd, 7))}]`,
    'timeline:',
  ]
  for (let e = 0; e < 25; e++) {
    const at = detected + Math.floor((span * e) / 25)
    const communicate = e % 5 === 2
    const kind = e === 0 ? 'detect' : e === 24 ? 'resolve' : communicate ? 'communicate' : pick(rnd, kinds)
    lines.push(`  - at: ${iso(at)}`, `    kind: ${kind}`, `    text: ${JSON.stringify(sentence(rnd, 8))}`)
    if (rnd() < 0.3) lines.push(`    actor: "${pick(rnd, handles)}"`)
    if (kind === 'note' && rnd() < 0.5) lines.push('    visibility: internal')
  }
  lines.push('metrics:')
  for (const name of ['latency_p99', 'error_rate']) {
    lines.push(`  - name: ${name}`, `    unit: ${name === 'error_rate' ? '"%"' : 'ms'}`, '    series:')
    for (let p = 0; p < 8; p++)
      lines.push(
        `      - { at: ${iso(start + Math.floor((span * p) / 8))}, value: ${Math.round(rnd() * 1000) / 10} }`,
      )
  }
  lines.push('action_items:')
  for (let a = 1; a <= 5; a++) {
    const done = rnd() < 0.8
    lines.push(
      `  - id: AI-${a}`,
      `    title: ${JSON.stringify(sentence(rnd, 7).replace(/[`*]/g, ''))}`,
      `    type: ${['prevent', 'detect', 'mitigate', 'repair', 'process'][a % 5]}`,
      `    priority: P${a % 4}`,
      `    owner: "${pick(rnd, handles)}"`,
      `    due: ${iso(resolved + 60 * 86_400_000).slice(0, 10)}`,
      `    status: ${done ? 'done' : 'open'}`,
    )
  }
  return { id, text: `${lines.join('\n')}\n` }
}

/** The configuration written next to the synthetic records (the SLO they reference, the site's title and URL). */
export const syntheticConfig = `incidents: incidents
timezone: UTC
slos:
  api-availability: { target: 99.9, window: 30d }
site:
  title: Synthetic incident history
  base_url: https://status.example.com/
`
