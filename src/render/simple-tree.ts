// What the simple readers and writers of prose share (`simple-prose`, `simple-markdown`, `simple-html`).
import type { List, Paragraph } from 'mdast'

/** `fn` of every item, or undefined as soon as one gives undefined. */
export function mapAll<T, R>(items: readonly T[], fn: (item: T) => R | undefined): R[] | undefined {
  const out: R[] = []
  for (const item of items) {
    const result = fn(item)
    if (result === undefined) return undefined
    out.push(result)
  }
  return out
}

/**
 * The paragraphs of a tight bullet list whose items are one non-empty paragraph each (what `- `
 * lines make), or undefined for any other list.
 */
export function tightItems(list: List): Paragraph[] | undefined {
  if (list.ordered || list.spread || list.children.length === 0) return undefined
  return mapAll(list.children, (item) => {
    const [paragraph] = item.children
    if (item.spread || item.checked != null || item.children.length !== 1) return undefined
    return paragraph?.type === 'paragraph' && paragraph.children.length > 0 ? paragraph : undefined
  })
}
