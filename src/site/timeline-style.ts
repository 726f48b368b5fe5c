import type { SymbolType } from 'd3-shape'
import {
  symbol,
  symbolCircle,
  symbolCross,
  symbolDiamond,
  symbolSquare,
  symbolStar,
  symbolTriangle,
  symbolWye,
} from 'd3-shape'
import type { TimelineEvent } from '../validate/normalize.js'

type Kind = TimelineEvent['kind']

/**
 * The timeline's stylesheet, embedded in each SVG (or, with `embedStyle: false`, once in the page).
 *
 * Note: every rule is scoped by `.pm-timeline` because a `<style>` inside an inline SVG applies to the
 * whole HTML page. Text uses `currentColor`, so an inline chart takes the page's text colour; only a
 * chart opened on its own (`:root`) sets its colours and background.
 */
export const timelineCss = `
.pm-timeline{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:12px;max-width:100%;height:auto}
:root.pm-timeline{color:#1f2328;background:#fff}
.pm-timeline text{fill:currentColor}
.pm-timeline .pm-muted{fill-opacity:.75}
.pm-timeline .pm-strong{font-weight:600}
.pm-timeline .pm-axis-line,.pm-timeline .pm-tick{stroke:currentColor;stroke-opacity:.6}
.pm-timeline .pm-grid{stroke:currentColor;stroke-opacity:.1}
.pm-timeline .pm-key{stroke:currentColor;stroke-opacity:.35;stroke-dasharray:3 3}
.pm-timeline .pm-stem{stroke:currentColor;stroke-opacity:.22}
.pm-timeline .pm-leader{stroke:currentColor;stroke-opacity:.5}
.pm-timeline .pm-band rect{fill-opacity:.2;stroke-width:1}
.pm-timeline .pm-band line{stroke-width:2}
.pm-timeline .pm-band-open rect{stroke-dasharray:4 3}
.pm-timeline .pm-band-detect{fill:#bf8700;stroke:#9a6700}
.pm-timeline .pm-band-acknowledge{fill:#cf222e;stroke:#cf222e}
.pm-timeline .pm-band-mitigate{fill:#0969da;stroke:#0969da}
.pm-timeline .pm-band-resolve{fill:#1a7f37;stroke:#1a7f37}
.pm-timeline .pm-band text{stroke:none}
.pm-timeline .pm-mark{stroke:none}
.pm-timeline .pm-event-trigger{fill:#cf222e}
.pm-timeline .pm-event-detect{fill:#9a6700}
.pm-timeline .pm-event-escalate{fill:#8250df}
.pm-timeline .pm-event-diagnose{fill:#0969da}
.pm-timeline .pm-event-mitigate{fill:#0e7c86}
.pm-timeline .pm-event-communicate{fill:#bf3989}
.pm-timeline .pm-event-resolve{fill:#1a7f37}
.pm-timeline .pm-event-deploy{fill:#953800}
.pm-timeline .pm-event-note{fill:#59636e}
.pm-timeline .pm-event-note .pm-mark{fill:none;stroke:#59636e;stroke-width:1.5}
.pm-timeline .pm-hit{fill:transparent}
.pm-timeline .pm-ring{fill:none;stroke:currentColor;stroke-width:2;visibility:hidden}
.pm-timeline a.pm-event{cursor:pointer}
.pm-timeline .pm-event:focus{outline:none}
.pm-timeline .pm-event:hover .pm-ring,.pm-timeline .pm-event:focus .pm-ring{visibility:visible}
.pm-timeline .pm-tip{visibility:hidden;pointer-events:none}
.pm-timeline .pm-event:hover .pm-tip,.pm-timeline .pm-event:focus .pm-tip{visibility:visible}
.pm-timeline .pm-tip rect{fill:#1f2328;stroke:none}
.pm-timeline .pm-tip text{fill:#fff}
@media (prefers-color-scheme:dark){
:root.pm-timeline{color:#e6edf3;background:#0d1117}
.pm-timeline .pm-band-detect{fill:#d29922;stroke:#d29922}
.pm-timeline .pm-band-acknowledge{fill:#f85149;stroke:#f85149}
.pm-timeline .pm-band-mitigate{fill:#4493f8;stroke:#4493f8}
.pm-timeline .pm-band-resolve{fill:#3fb950;stroke:#3fb950}
.pm-timeline .pm-band rect{fill-opacity:.25}
.pm-timeline .pm-event-trigger{fill:#ff7b72}
.pm-timeline .pm-event-detect{fill:#d29922}
.pm-timeline .pm-event-escalate{fill:#bc8cff}
.pm-timeline .pm-event-diagnose{fill:#58a6ff}
.pm-timeline .pm-event-mitigate{fill:#39c5cf}
.pm-timeline .pm-event-communicate{fill:#f778ba}
.pm-timeline .pm-event-resolve{fill:#3fb950}
.pm-timeline .pm-event-deploy{fill:#f0883e}
.pm-timeline .pm-event-note{fill:#9198a1}
.pm-timeline .pm-event-note .pm-mark{stroke:#9198a1}
.pm-timeline .pm-tip rect{fill:#e6edf3}
.pm-timeline .pm-tip text{fill:#1f2328}
}
`.trim()

const shapes: Record<Kind, SymbolType | 'bubble'> = {
  trigger: symbolDiamond,
  detect: symbolCircle,
  escalate: symbolTriangle,
  diagnose: symbolSquare,
  mitigate: symbolCross,
  communicate: 'bubble',
  resolve: symbolStar,
  deploy: symbolWye,
  note: symbolCircle,
}

/**
 * The marker of an event kind, centred on 0,0 and about `area` square px: each kind has its own shape,
 * so kinds are told apart without relying on colour.
 */
export function markerPath(kind: Kind, area: number): string {
  const key = `${kind} ${area}`
  let path = markers.get(key)
  if (path === undefined) markers.set(key, (path = drawMarker(kind, area)))
  return path
}

// Note: a few kinds and sizes, drawn once each: d3-shape's path builder cost a build 2 % of its time.
const markers = new Map<string, string>()

function drawMarker(kind: Kind, area: number): string {
  const shape = shapes[kind]
  if (shape !== 'bubble') return symbol(shape, area).digits(2)()!
  // A speech bubble: a box with a tail at the lower left.
  const h = Math.sqrt(area) * 0.6
  const r = (n: number) => Math.round(n * 100) / 100
  return `M${r(-h)},${r(-0.8 * h)}H${r(h)}V${r(0.5 * h)}H${r(-0.1 * h)}L${r(-0.6 * h)},${r(1.1 * h)}V${r(0.5 * h)}H${r(-h)}Z`
}

// Note: text is measured by an estimate (no fonts are loaded at build time): 0.6 em per character at
// 12 px is a little wider than most sans-serif faces, so an estimate that fits, fits.
const charWidth = 7.2
const boldCharWidth = 7.92

// Note: only text with a UTF-16 surrogate is split into its characters; the rest are its own
// units. `Array.from(text)` for every label and event line was 5 % of a timeline's time.
const surrogate = /[\ud800-\udfff]/
const characters = (text: string): string | string[] => (surrogate.test(text) ? Array.from(text) : text)

/** Estimated width of `text` in px at the chart's 12 px. */
export function textWidth(text: string, bold = false): number {
  return characters(text).length * (bold ? boldCharWidth : charWidth)
}

/** `text` cut to fit `maxWidth`, ending in `…` when cut. */
export function truncate(text: string, maxWidth: number): string {
  const chars = characters(text)
  const fit = Math.floor(maxWidth / charWidth)
  if (chars.length <= fit) return text
  const kept = chars.slice(0, Math.max(0, fit - 1))
  return `${(typeof kept === 'string' ? kept : kept.join('')).trimEnd()}…`
}

/** Joins `parts` with `separator` into lines that fit `width` (bold text). */
export function wrap(parts: readonly string[], separator: string, width: number): string[] {
  const lines: string[] = []
  for (const part of parts) {
    const current = lines.at(-1)
    if (current !== undefined && textWidth(current + separator + part, true) <= width)
      lines[lines.length - 1] = current + separator + part
    else lines.push(part)
  }
  return lines
}
