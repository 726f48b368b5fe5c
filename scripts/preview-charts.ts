// Writes an HTML page with every chart (the §9 example's metrics and impact groups, and sample stats),
// at the default width and at 360 px, to look at in a browser:
//   node --import tsx scripts/preview-charts.ts /tmp/charts.html
//   chromium --headless --no-sandbox --disable-gpu --screenshot=/tmp/c.png --window-size=1000,1400 file:///tmp/charts.html
// The page follows the browser's colour scheme (`--force-dark-mode` shows the dark one).
import { writeFile } from 'node:fs/promises'
import { loadConfig } from '../src/load/load-config.js'
import { barChartSvg, lineChartSvg, stackedColumnsSvg } from '../src/site/bar-chart-svg.js'
import { chartCss } from '../src/site/chart-style.js'
import { metricChartSvg, metricTable } from '../src/site/metric-chart-svg.js'
import { escapeXml } from '../src/site/svg.js'
import { validateFiles } from '../src/validate/validate-files.js'

const out = process.argv[2]
if (!out) {
  process.stderr.write('usage: preview-charts.ts <out.html>\n')
  process.exit(2)
}
const cwd = process.cwd()
const { config } = await loadConfig(cwd)
const file = 'incidents/2025-01-22-connection-pool-exhaustion.yaml'
const report = await validateFiles([file], cwd, { config, at: 0 })
const incident = report.incidents[0]
if (!incident) {
  for (const d of report.diagnostics) process.stderr.write(`${d.file}:${d.line ?? 0}: ${d.message}\n`)
  process.exit(1)
}

const hour = 3_600_000
const severities = config.severities.map((s) => s.name)
const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`)
// Sample stats: incidents per month and severity (months 2 and 8 without any), and a mean time to
// resolve per month (null where there was no resolved incident).
const counts = [
  [1, 0, 2, 1],
  [0, 0, 0, 0],
  [0, 1, 3, 2],
  [0, 2, 1, 0],
  [1, 1, 0, 4],
  [0, 0, 2, 1],
  [0, 3, 2, 2],
  [0, 0, 0, 0],
  [2, 1, 1, 0],
  [0, 0, 1, 1],
  [0, 1, 4, 3],
  [1, 0, 0, 1],
]
const columns = months.map((label, m) => ({
  label,
  segments: severities.map((key, k) => ({ key, value: counts[m]?.[k] ?? 0 })),
}))
const mttr = months.map((label, m) => ({
  label,
  value: m === 1 || m === 7 ? null : [3.73, 0, 2.1, 1.4, 4.6, 0.8, 2.9, 0, 1.2, 0.6, 3.3, 2.2][m]! * hour,
}))
const budget = [
  { label: 'api-availability', value: 574.1, unit: '%' },
  { label: 'search-latency', value: 42.5, unit: '%' },
]
const groups = (incident.impact?.groups ?? []).map((g) => ({
  label: g.name,
  value: g.value,
  ...(g.unit && { unit: g.unit }),
}))

function charts(width: number, suffix: string): string[] {
  const opts = (id: string) => ({ width, idPrefix: `${id}-${suffix}`, embedStyle: false })
  return [
    ...incident!.metrics.map((metric, i) => {
      const svg = metricChartSvg(metric, incident!, { ...opts(`m${i}`), phases: i === 2 })
      const rows = metricTable(metric, incident!)
      return `<h2>${escapeXml(metric.name)}</h2>${svg}<details><summary>Data</summary><table>${rows
        .map((r) => `<tr><td>${escapeXml(r.time)}</td><td>${escapeXml(r.value)}</td></tr>`)
        .join('')}</table></details>`
    }),
    `<h2>Impact by group</h2>${barChartSvg(groups, { title: 'Impact by group', ...opts('groups') })}`,
    `<h2>Incidents per month</h2>${stackedColumnsSvg(columns, { title: 'Incidents per month by severity', keys: severities, ...opts('months') })}`,
    `<h2>Mean time to resolve</h2>${lineChartSvg(mttr, { title: 'Mean time to resolve per month', unit: 'duration', ...opts('mttr') })}`,
    `<h2>Error budget burned</h2>${barChartSvg(budget, { title: 'Error budget burned per SLO', ...opts('budget') })}`,
  ]
}

// Edge cases: a series across midnight, one sample, and empty or all-zero data.
const night = (hhmm: string, day: number) => Date.parse(`2025-01-${day}T${hhmm}:00-08:00`)
const overnight = {
  name: 'queue_depth',
  unit: 'jobs',
  threshold: 1000,
  series: [
    ['21:00', 22, 120],
    ['23:10', 22, 900],
    ['00:40', 23, 2400],
    ['02:30', 23, 1500],
    ['04:00', 23, 200],
  ].map(([hhmm, day, value]) => ({ at: night(hhmm as string, day as number), value: value as number })),
}
const edges = [
  metricChartSvg(overnight, incident, { width: 360, idPrefix: 'e1', embedStyle: false, markers: [] }),
  metricChartSvg(
    { name: 'one', unit: 'ms', baseline: 10, series: [{ at: night('12:00', 22), value: 42 }] },
    incident,
    {
      width: 360,
      idPrefix: 'e2',
      embedStyle: false,
    },
  ),
  barChartSvg([], { title: 'No bars', width: 360, idPrefix: 'e3', embedStyle: false }),
  stackedColumnsSvg(
    [
      { label: '2025-01', segments: [] },
      { label: '2025-02', segments: [] },
    ],
    {
      title: 'No incidents',
      keys: severities,
      width: 360,
      idPrefix: 'e4',
      embedStyle: false,
    },
  ),
  lineChartSvg(
    months.slice(0, 4).map((label) => ({ label, value: null })),
    { title: 'All null', unit: 'duration', width: 360, idPrefix: 'e5', embedStyle: false },
  ),
]

const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark">
<title>Chart preview</title>
<style>
body{font-family:system-ui,sans-serif;margin:16px;color:#1f2328;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}}
.cols{display:flex;gap:24px;align-items:flex-start}
.wide{flex:0 0 auto;width:580px}.narrow{flex:0 0 auto;width:360px}
h2{font-size:14px;margin:16px 0 4px}.edges{display:flex;flex-wrap:wrap;gap:16px;width:960px}details{font-size:12px}
</style>
<style>${chartCss}</style></head><body>
<div class="cols"><div class="wide">${charts(580, 'w').join('\n')}</div>
<div class="narrow">${charts(360, 'n').join('\n')}</div></div>
<h2>Edge cases</h2><div class="edges">${edges.join('\n')}</div>
</body></html>
`
await writeFile(out, html)
