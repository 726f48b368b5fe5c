import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CachedRecord } from '../src/site/build-cache.js'
import { overdueIds, overdueUnchanged } from '../src/site/record-job.js'
import type { Incident } from '../src/validate/normalize.js'
import { defaultConfig } from '../src/validate/schema.js'

const day = 86_400_000
const resolved = Date.UTC(2025, 0, 22)

describe('overdueUnchanged', () => {
  it('is true exactly when the items overdue at a time are those the record was built with', () => {
    const config = defaultConfig()
    const item = fc.record({
      status: fc.constantFrom('open', 'in_progress', 'done', 'not_doing'),
      due: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    })
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 5 }),
        fc.constantFrom('SEV1', 'SEV2', 'SEV3'),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 70 }),
        (items, severity, builtDay, nowDay) => {
          const facts = {
            severity,
            timestamps: { resolved } as unknown as Incident['timestamps'],
            action_items: items.map((it, i) => ({
              id: `AI-${i + 1}`,
              status: it.status as 'open',
              ...(it.due !== undefined && {
                due: new Date(resolved + it.due * day).toISOString().slice(0, 10),
              }),
            })),
          }
          const built = overdueIds(facts, config, resolved + builtDay * day)
          const record = { facts, overdue: built, summary: null } as unknown as CachedRecord
          const now = overdueIds(facts, config, resolved + nowDay * day)
          expect(overdueUnchanged(record, config, resolved + nowDay * day)).toBe(
            now.length === built.length && now.every((id, i) => id === built[i]),
          )
        },
      ),
      { numRuns: 1000 },
    )
  })
})
