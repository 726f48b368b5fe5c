import { describe, expect, it } from 'vitest'
import { replaceWithin, unchanged } from '../src/site/replace-within.js'

const upper = (v: unknown) => (typeof v === 'string' && v.startsWith('x') ? v.toUpperCase() : unchanged)

describe('replaceWithin', () => {
  it('returns the value itself when nothing inside is replaced', () => {
    const value = { a: [1, { b: 'keep' }], c: { d: null, e: true } }
    expect(replaceWithin(value, upper)).toBe(value)
  })

  it('copies only the objects and arrays on the way to a replacement', () => {
    const untouched = { b: 'keep' }
    const value = { a: [untouched, { b: 'xy' }], c: { d: 'keep' } }
    const out = replaceWithin(value, upper) as typeof value
    expect(out).toEqual({ a: [{ b: 'keep' }, { b: 'XY' }], c: { d: 'keep' } })
    expect(out).not.toBe(value)
    expect(out.a).not.toBe(value.a)
    expect(out.a[0]).toBe(untouched)
    expect(out.c).toBe(value.c)
    expect(value.a[1]).toEqual({ b: 'xy' })
  })

  it('does not look inside what it replaced', () => {
    const seen: unknown[] = []
    const out = replaceWithin({ tree: { type: 'root', children: ['x'] } }, (v) => {
      seen.push(v)
      return typeof v === 'object' && v !== null && 'type' in v ? 'html' : unchanged
    })
    expect(out).toEqual({ tree: 'html' })
    expect(seen).not.toContain('x')
  })

  it('copies other objects into plain ones of their own fields, as before', () => {
    class Box {
      constructor(readonly inside: string) {}
      get shown() {
        return 'no'
      }
    }
    const out = replaceWithin({ box: new Box('keep') }, upper) as { box: unknown }
    expect(Object.getPrototypeOf(out.box)).toBe(Object.prototype)
    expect(out.box).toEqual({ inside: 'keep' })
    const bare = Object.assign(Object.create(null) as object, { a: 'xa' })
    expect(Object.getPrototypeOf(replaceWithin(bare, upper))).toBe(Object.prototype)
    expect(replaceWithin(bare, upper)).toEqual({ a: 'XA' })
  })

  it('replaces the value itself, and keeps leaves that are not replaced', () => {
    expect(replaceWithin('xa', upper)).toBe('XA')
    expect(replaceWithin(3, upper)).toBe(3)
    expect(replaceWithin(null, upper)).toBeNull()
  })
})
