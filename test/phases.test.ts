import { describe, expect, it } from 'vitest'
import { phaseAt, phases } from '../src/model/phases.js'
import type { KeyTimes } from '../src/validate/normalize.js'

const at = (hhmm: string) => Date.parse(`2025-01-22T${hhmm}:00-08:00`)

/** The key timestamps of the §9 example. */
const example: KeyTimes = {
  impact_started: at('12:03'),
  detected: at('12:03'),
  acknowledged: at('12:47'),
  cause_identified: at('13:15'),
  mitigated: at('15:02'),
  resolved: at('15:47'),
  impact_ended: at('15:47'),
}
const none = {
  acknowledged: null,
  cause_identified: null,
  mitigated: null,
  resolved: null,
  impact_ended: null,
}

describe('phases', () => {
  it('gives the §9 example its four phases', () => {
    expect(phases(example).map((p) => [p.name, p.duration! / 60_000])).toEqual([
      ['detect', 0],
      ['acknowledge', 44],
      ['mitigate', 135],
      ['resolve', 45],
    ])
  })

  it('starts mitigation at detection when the record has no acknowledgement', () => {
    const list = phases({ ...example, acknowledged: null })
    expect(list.map((p) => p.name)).toEqual(['detect', 'mitigate', 'resolve'])
    expect(list[1]!.start).toBe(at('12:03'))
  })

  it('leaves the phase in progress open in an unresolved incident', () => {
    expect(phases({ ...example, ...none }).at(-1)).toEqual({
      name: 'acknowledge',
      start: at('12:03'),
      end: null,
      duration: null,
    })
    expect(phases({ ...example, ...none, acknowledged: at('12:47') }).at(-1)?.name).toBe('mitigate')
    expect(phases({ ...example, resolved: null, impact_ended: null }).at(-1)?.name).toBe('resolve')
  })
})

describe('phaseAt', () => {
  const list = phases(example)
  it.each([
    ['11:45', 'before'],
    ['12:03', 'detect'],
    ['12:15', 'acknowledge'],
    ['12:47', 'acknowledge'],
    ['12:48', 'mitigate'],
    ['15:02', 'mitigate'],
    ['15:47', 'resolve'],
    ['16:47', 'after'],
  ])('%s is in %s', (time, phase) => {
    expect(phaseAt(list, at(time))).toBe(phase)
  })

  it('places everything after the start of an open phase in it', () => {
    expect(phaseAt(phases({ ...example, ...none }), at('23:00'))).toBe('acknowledge')
  })
})
