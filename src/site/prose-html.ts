import type { Root } from 'mdast'
import rehypeSanitize from 'rehype-sanitize'
import rehypeStringify from 'rehype-stringify'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { plainValue } from '../render/markdown.js'
import { simpleHtml } from './simple-html.js'

// Note: remark-rehype without allowDangerousHtml drops raw HTML, but keeps `javascript:` links, so
// rehype-sanitize (GitHub's schema) runs last; nothing that adds HTML runs after it.
const processor = unified().use(remarkRehype).use(rehypeSanitize).use(rehypeStringify)

/**
 * A prose field's tree (parsed once by `parseProse`, shared with the Markdown output) as sanitised
 * HTML: no script, no event handlers, no `javascript:`/`data:` URLs, no iframes or styles.
 */
export function proseHtml(tree: Root): string {
  // A plain paragraph has no `&`, `<` or `>` (that is what makes it plain): nothing to convert.
  const plain = plainValue(tree)
  if (plain !== undefined) return `<p>${plain}</p>`
  return simpleHtml(tree) ?? remarkProseHtml(tree)
}

/** `proseHtml` by the unified pipeline alone: the reference `simpleHtml` is tested against. */
export function remarkProseHtml(tree: Root): string {
  // runSync builds a new hast tree and leaves the mdast tree as it was for the other outputs (a
  // property test checks it): no copy needed, which saved ~0.4 ms a record.
  const hast = processor.runSync(tree)
  return processor.stringify(hast)
}
