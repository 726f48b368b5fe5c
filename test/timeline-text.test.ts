import { beforeAll, describe, expect, it } from 'vitest'
import { loadExample } from './helpers/example.js'
import type { TextColors } from '../src/render/timeline-text.js'
import { timelineText } from '../src/render/timeline-text.js'
import type { Incident } from '../src/validate/normalize.js'

let example: Incident

beforeAll(async () => {
  example = await loadExample()
})

const same = (s: string) => s
const plain: TextColors = { bold: same, dim: same, red: same, yellow: same, green: same, cyan: same }
/** Marks each colour visibly, so tests can see what was painted how. */
const tagged: TextColors = {
  bold: (s) => `<b>${s}</b>`,
  dim: (s) => `<dim>${s}</dim>`,
  red: (s) => `<red>${s}</red>`,
  yellow: (s) => `<yellow>${s}</yellow>`,
  green: (s) => `<green>${s}</green>`,
  cyan: (s) => `<cyan>${s}</cyan>`,
}
const pt = (hhmm: string) => Date.parse(`2025-01-22T${hhmm}:00-08:00`)
const lineAt = (text: string, time: string, kind = '') =>
  text.split('\n').find((l) => l.startsWith(`${time} `) && l.includes(kind))

describe('timelineText: the §9 example', () => {
  let text: string
  beforeAll(() => {
    text = timelineText(example, { color: plain })
  })

  it('starts with a header and the response times', () => {
    const lines = text.split('\n')
    expect(lines[0]).toBe('API and web app outage caused by database connection pool exhaustion')
    expect(lines[1]).toBe('SEV1 · outage · published · times in America/Los_Angeles (UTC-08:00)')
    expect(lines[2]).toBe('time to detect 0m · acknowledge 44m · mitigate 2h 59m · resolve 3h 44m')
    expect(lines[3]).toBe('phases: detect 0m · acknowledge 44m · mitigate 2h 15m · resolve 45m')
    expect(lines[5]).toBe('Wed 22 Jan 2025')
  })

  it('prints one line per event in local time, with its phase, kind, text and actor', () => {
    expect(text.split('\n').filter((l) => /^\d\d:\d\d {2}/.test(l))).toHaveLength(example.timeline.length)
    expect(lineAt(text, '12:03')).toBe(
      '12:03  ▐ detect       detect       First anomalies: API p99 latency rose from ~20…  Grafana Alerting',
    )
    expect(lineAt(text, '11:45')).toContain('· before       trigger ')
    expect(lineAt(text, '12:47', 'communicate')).toBe(
      '12:47  ▐ acknowledge  communicate  Status page incident opened as "Investigating".  @priya-raman',
    )
    expect(lineAt(text, '13:15')).toContain('▐ mitigate     diagnose     Root cause identified')
    expect(lineAt(text, '15:47', 'resolve ')).toContain('▐ resolve      resolve      Full restoration')
    expect(lineAt(text, '16:47')).toContain('· after        note ')
  })

  it('keeps every line within the width', () => {
    for (const width of [40, 60, 100, 140]) {
      const lines = timelineText(example, { color: plain, width }).split('\n')
      for (const line of lines) expect(Array.from(line).length, line).toBeLessThanOrEqual(width)
    }
  })

  it('paints phases, important events and actors', () => {
    const painted = timelineText(example, { color: tagged })
    expect(lineAt(painted, '12:03')).toMatch(/^12:03 {2}<yellow>▐ detect {5}<\/yellow> {2}detect {7}<b>First/)
    expect(lineAt(painted, '12:08')).toContain('<red>▐ acknowledge</red>')
    expect(lineAt(painted, '15:02')).toContain('<cyan>▐ mitigate   </cyan>')
    expect(lineAt(painted, '15:47', 'resolve ')).toContain('<green>▐ resolve    </green>')
    expect(lineAt(painted, '11:45')).toContain('<dim>· before     </dim>')
    expect(lineAt(painted, '12:08')).toMatch(/ {2}<dim>@dkowalski<\/dim>$/)
  })
})

describe('timelineText: other records', () => {
  it('gives key timestamps without an event a marker line', () => {
    const text = timelineText(example, { color: plain, events: [] })
    expect(text).toContain('12:03  ── impact started · detected ──')
    expect(text).toContain('12:47  ── acknowledged ──')
    expect(text).toContain('13:15  ── cause identified ──')
    expect(text).toContain('15:02  ── mitigated ──')
    expect(text).toContain('15:47  ── resolved ──')
    expect(text).not.toContain('impact ended')
    // With the events of the record, every key timestamp has one.
    expect(timelineText(example, { color: plain })).not.toContain('──')
  })

  it('prints record text terminal-safe', () => {
    const incident: Incident = {
      ...example,
      title: 'Outage \u001b[2J\u202Egnp.exe',
      timeline: [
        {
          at: pt('12:10'),
          kind: 'note',
          text: 'Red \u001b[31malert\u001b[0m and a bell\u0007 and \u202Eevil\nsecond line',
          actor: '@a\u202Eb',
        },
      ],
    }
    const text = timelineText(incident, { color: plain, width: 200 })
    // eslint-disable-next-line no-control-regex -- the control characters must be gone
    expect(text).not.toMatch(/[\u001b\u0007\u202E]/)
    expect(text).toContain('Outage \\u001b[2J\\u202egnp.exe')
    expect(lineAt(text, '12:10')).toBe(
      '12:10  ▐ acknowledge  note         Red \\u001b[31malert\\u001b[0m and a bell\\u0007 and \\u202eevil …  @a\\u202eb',
    )
  })

  it('prints the date whenever it changes, and an open phase', () => {
    const incident: Incident = {
      ...example,
      timestamps: {
        impact_started: pt('23:30'),
        detected: pt('23:40'),
        acknowledged: null,
        cause_identified: null,
        mitigated: null,
        resolved: null,
        impact_ended: null,
      },
      timeline: [
        { at: pt('23:40'), kind: 'detect', text: 'Alert.' },
        { at: pt('23:40') + 60 * 60_000, kind: 'escalate', text: 'Paged.' },
      ],
    }
    const text = timelineText(incident, { color: plain })
    expect(text).toContain('time to detect 10m · acknowledge — · mitigate — · resolve —')
    expect(text).toContain('phases: detect 10m · acknowledge ongoing')
    expect(text).toContain('\nWed 22 Jan 2025\n23:30  ── impact started ──\n23:40  ▐ detect ')
    expect(text).toContain('\nThu 23 Jan 2025\n00:40  ▐ acknowledge  escalate     Paged.')
  })

  it('shows the offset on each line when it changes during the incident', () => {
    const at = (iso: string) => Date.parse(iso)
    const incident: Incident = {
      ...example,
      timestamps: {
        impact_started: at('2025-03-09T01:30:00-08:00'),
        detected: at('2025-03-09T01:45:00-08:00'),
        acknowledged: null,
        cause_identified: null,
        mitigated: null,
        resolved: at('2025-03-09T03:15:00-07:00'),
        impact_ended: at('2025-03-09T03:15:00-07:00'),
      },
      timeline: [{ at: at('2025-03-09T01:45:00-08:00'), kind: 'detect', text: 'Alert.' }],
    }
    const text = timelineText(incident, { color: plain })
    expect(text).toContain('(UTC-08:00, -07:00)')
    expect(text).toContain('01:45 -08:00  ▐ detect ')
    expect(text).toContain('03:15 -07:00  ── resolved ──')
  })
})
