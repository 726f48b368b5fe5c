/**
 * The shipped templates and layouts compiled ahead of time, by `precompiledKey` of their text.
 * Empty here: `scripts/bundle.ts` fills it in the bundled CLI with `Handlebars.precompile` of every
 * `.hbs` file under `templates/` and `site/layouts/`, so a process that renders a page does not
 * compile them first (~70 ms of a one-edit `build`). A template whose text differs — a theme's, or a
 * shipped file edited after the build — is not found and is compiled as before.
 */
import { createHash } from 'node:crypto'
import type Handlebars from 'handlebars'

/** A `Handlebars.precompile` result, evaluated: what `Handlebars.template` takes. */
export type TemplateSpec = Parameters<typeof Handlebars.template>[0]

export const precompiled: ReadonlyMap<string, TemplateSpec> = new Map()

/** What a template is compiled with, as `compile` in `templates.ts` does. */
export function compileOptions(html: boolean): { noEscape: boolean; strict: true } {
  return { noEscape: !html, strict: true }
}

/** The key of a template's text compiled for HTML layouts or for Markdown. */
export function precompiledKey(text: string, html: boolean): string {
  return createHash('sha256')
    .update(`${html ? 'html' : 'markdown'}\0${text}`)
    .digest('hex')
}
