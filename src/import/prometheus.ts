/**
 * Prometheus: a range query's response (`GET /api/v1/query_range`): `{status: "success", data:
 * {resultType: "matrix", result: [{metric: {labels}, values: [[<unix seconds>, "<value>"], …]}]}}`.
 *
 * Each series becomes a metric named `--name` (plus the labels that tell the series apart, when there
 * are several) or after its labels: `__name__` and the labels that differ between the series, e.g.
 * `http_requests_total{instance="api-2"}`. Sample values are strings; `NaN`, `+Inf` and `-Inf` cannot be
 * charted and are reported and skipped. Values are kept to 6 significant digits.
 */
import { JsonSource, formatJsonPath } from './json-source.js'
import type { ImportedMetric, SourceResult } from './source.js'
import { emptyResult, oneLine } from './source.js'

/** Options of the Prometheus reader. */
export interface PrometheusOptions {
  /** How the file is named in diagnostics. */
  file: string
  /** Metric name (default: from the labels). */
  name?: string
  /** Unit shown on the chart's axis (default none). */
  unit?: string
}

/** Reads a Prometheus range-query response into metric series. */
export function readPrometheus(text: string, options: PrometheusOptions): SourceResult {
  const result = emptyResult()
  const json = JsonSource.parse(text, options.file)
  if (!(json instanceof JsonSource)) return { ...result, diagnostics: [json] }
  const hint =
    'Save the JSON response of `/api/v1/query_range` (for example with `curl -G …/api/v1/query_range`).'
  const top = json.object(json.data, [], hint)
  if (top && top.status !== 'success')
    json.problem(
      ['status'],
      `is ${typeof top.status === 'string' ? `\`${top.status}\`` : 'missing'}: the query did not succeed${typeof top.error === 'string' ? ` (${top.error})` : ''}`,
      'Run the query again and save a response with `"status": "success"`.',
    )
  const data = top && json.object(top.data, ['data'], hint)
  if (data && data.resultType !== 'matrix')
    json.problem(
      ['data', 'resultType'],
      `must be \`matrix\` (a range query), got ${JSON.stringify(data.resultType) ?? 'nothing'}`,
      'Use `/api/v1/query_range` (not `/api/v1/query`), which returns a matrix.',
    )
  if (json.diagnostics.length > 0) return { ...result, diagnostics: json.diagnostics }
  const series = json.array(data!.result, ['data', 'result']) ?? []
  const labelSets: Array<Record<string, string>> = []
  for (const [s, value] of series.entries()) {
    const path = ['data', 'result', s]
    const entry = json.object(value, path)
    const labels = entry && json.object(entry.metric ?? {}, [...path, 'metric'])
    const values = entry && json.array(entry.values, [...path, 'values'])
    if (!labels || !values) continue
    labelSets.push(Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])))
    const metric: ImportedMetric = {
      name: '',
      unit: options.unit ?? '',
      points: [],
      origin: formatJsonPath(path),
    }
    for (const [p, sample] of values.entries()) {
      const at = [...path, 'values', p]
      if (
        !Array.isArray(sample) ||
        sample.length !== 2 ||
        typeof sample[0] !== 'number' ||
        typeof sample[1] !== 'string'
      ) {
        json.problem(at, 'must be a sample `[<unix seconds>, "<value>"]`')
        continue
      }
      const [seconds, text] = sample as [number, string]
      // Prometheus writes non-finite values as `NaN`, `+Inf` and `-Inf`.
      const special = ({ NaN: Number.NaN, '+Inf': Infinity, '-Inf': -Infinity } as Record<string, number>)[
        text
      ]
      const number = special ?? Number(text)
      if (text.trim() === '' || (Number.isNaN(number) && special === undefined)) {
        json.problem([...at, 1], `must be a number in a string, got \`${text}\``, undefined, 'IMPORT_VALUE')
        continue
      }
      if (!Number.isFinite(number)) {
        result.skipped.push({
          reason: 'not-a-number',
          origin: formatJsonPath(at),
          at: seconds * 1000,
          detail: `value \`${text}\``,
        })
        continue
      }
      metric.points.push({ at: Math.round(seconds * 1000), value: Number(number.toPrecision(6)) })
    }
    metric.points.sort((a, b) => a.at - b.at)
    result.metrics.push(metric)
  }
  const names = seriesNames(labelSets, options.name)
  result.metrics.forEach((metric, i) => (metric.name = names[i]!))
  result.diagnostics.push(...json.diagnostics)
  return result
}

/** Names for series: `--name` or `__name__`, plus the labels whose values differ between the series. */
export function seriesNames(labelSets: ReadonlyArray<Record<string, string>>, name?: string): string[] {
  const keys = [...new Set(labelSets.flatMap((l) => Object.keys(l)))].filter((k) => k !== '__name__').sort()
  const differing = keys.filter((k) => new Set(labelSets.map((l) => l[k])).size > 1)
  return labelSets.map((labels) => {
    const base = name ?? labels.__name__ ?? 'series'
    // One series without --name: all its labels, so the chart says what it is.
    const shown = labelSets.length === 1 && name === undefined && !labels.__name__ ? keys : differing
    const parts = shown.filter((k) => labels[k] !== undefined).map((k) => `${k}="${labels[k]}"`)
    return oneLine(parts.length > 0 ? `${base}{${parts.join(', ')}}` : base) ?? 'series'
  })
}
