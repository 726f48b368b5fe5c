import { expect } from 'vitest'

/**
 * Checks, without an XML parser, that an SVG is well-formed and that record text stayed text: every
 * tag has the strict form `<name a="v">`, tags balance, and text between tags holds no `<`/`>` and
 * only the entities `escapeXml` writes.
 */
export function expectWellFormedSvg(svg: string): void {
  const stack: string[] = []
  const tag = /^<(\/)?([A-Za-z][\w:.-]*)((?:\s[\w:.-]+="[^"<>]*")*)\s*(\/)?>$/
  let last = 0
  for (const m of svg.matchAll(/<[^<>]*>/g)) {
    const text = svg.slice(last, m.index)
    expect(text).not.toMatch(/[<>]/)
    expect(text.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&')
    last = m.index + m[0].length
    const parts = tag.exec(m[0])
    expect(parts, m[0]).not.toBeNull()
    const [, close, name, , selfClose] = parts!
    if (close) expect(stack.pop()).toBe(name)
    else if (!selfClose) stack.push(name!)
  }
  expect(stack).toEqual([])
}

/** Attributes of every tag, as `name=value` pairs. */
export function attributes(svg: string): Array<[string, string]> {
  return [...svg.matchAll(/<[A-Za-z][^<>]*>/g)].flatMap((m) =>
    [...m[0].matchAll(/\s([\w:.-]+)="([^"]*)"/g)].map((a): [string, string] => [a[1]!, a[2]!]),
  )
}
