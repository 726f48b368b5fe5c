import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import Handlebars from 'handlebars'
import { PostmortemError } from '../errors.js'
import { packagePath } from '../paths.js'
import { formatHelpers, helpers, registerHelpers } from './helpers.js'
import { compileOptions, precompiled, precompiledKey } from './precompiled.js'
import { rowPartialIsPure } from './row-partials.js'

/** A template that failed to parse or to render, named by file and line. */
export class TemplateError extends PostmortemError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    /** What went wrong, without the place. */
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`)
    this.name = 'TemplateError'
  }
}

/** Compiled templates by name (`postmortem.md`, `issue.md`), with their partials registered. */
export interface Templates {
  /** Renders template `name`; `runtime.helpers` stand in for registered helpers of the same names. */
  render(
    name: string,
    view: object,
    runtime?: { helpers?: Record<string, Handlebars.HelperDelegate> },
  ): string
  /** The registered partial `name` (`base`, not `partials/base.html`), as Handlebars calls it. */
  partial(name: string): Handlebars.TemplateDelegate | undefined
  /** True when partial `name` prints only what its context and `@root.site` hold (`rowPartialIsPure`). */
  pureRow(name: string): boolean
  /** Where each template and partial came from, for messages and overrides. */
  files: ReadonlyMap<string, string>
  /** A hash of every template's name and text: equal fingerprints render equal output. */
  fingerprint: string
  /** What they were compiled from: `compileTemplates(sources)` makes the same templates elsewhere (a worker). */
  sources: TemplateSources
}

/** Template texts by name, with what compiling them needs; plain data, so it can cross to a worker thread. */
export interface TemplateSources {
  templates: Array<{ name: string; file: string; text: string }>
  /** HTML layouts (escaping on), not Markdown templates. */
  html: boolean
  /** What file names in messages are relative to. */
  cwd: string
}

const extension = '.hbs'

/**
 * Fields a view may give as getters on its prototype, read only when a template reads them: the rows
 * of the index and the action items (`IndexRow`, `ActionRow`) read titles and prose when drawn, not
 * when made. Handlebars reads only a view's own properties, and those of prototypes it is told of.
 */
export const viewGetters: Readonly<Record<string, true>> = {
  title: true,
  summary: true,
  incident_title: true,
  type: true,
  priority: true,
  owner: true,
  issue: true,
}

async function listTemplates(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (const sub of ['', 'partials']) {
    const entries = await readdir(join(dir, sub)).catch(() => [] as string[])
    for (const entry of entries)
      if (entry.endsWith(extension))
        found.set(`${sub ? 'partials/' : ''}${entry.slice(0, -extension.length)}`, join(dir, sub, entry))
  }
  return found
}

function lineOf(error: unknown): number | undefined {
  const e = error as { lineNumber?: number; message?: string }
  if (typeof e.lineNumber === 'number') return e.lineNumber
  const m = /on line (\d+)/.exec(e.message ?? '')
  return m ? Number(m[1]) : undefined
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error)
    .split('\n')[0]!
    .replace(/ - \d+:\d+$/, '')
}

/**
 * Loads the shipped Markdown templates and lets a user folder shadow any template or partial by
 * name (`postmortem.md.hbs`, `partials/timeline.md.hbs`). Compiled with `noEscape` (the output is
 * Markdown, escaped by context through helpers) and `strict` (a misspelt field is an error, not a blank).
 *
 * @param options - `overrides`: a folder of templates that shadow the shipped ones (the config's
 *   `templates`); `cwd`: what file names in messages are relative to.
 * @returns The compiled templates, for `renderPostmortem`, `buildSite` and `syncIssues`.
 * @throws `TemplateError` when a template does not parse, naming its file and line.
 *
 * @example
 * ```ts
 * const templates = await loadTemplates({ overrides: 'my-templates' })
 * ```
 */
export async function loadTemplates(
  options: {
    /** A folder whose templates shadow the shipped ones by file name. */
    overrides?: string
    /** What file names in messages are relative to (default `process.cwd()`). */
    cwd?: string
    /** Shipped folder (default `templates/`); the site's layouts live in `site/layouts/`. */
    dir?: string
    /**
     * HTML layouts: Handlebars' HTML escaping stays on and only the plain formatting helpers are
     * registered (sanitised HTML and SVG reach a layout as SafeStrings).
     */
    html?: boolean
  } = {},
): Promise<Templates> {
  const files = await listTemplates(options.dir ?? packagePath('templates'))
  if (options.overrides)
    for (const [name, file] of await listTemplates(options.overrides)) files.set(name, file)
  const templates = []
  for (const [name, file] of files) templates.push({ name, file, text: await readFile(file, 'utf8') })
  return compileTemplates({ templates, html: options.html ?? false, cwd: options.cwd ?? process.cwd() })
}

// Note: `serve` loads the templates again on every rebuild; compiling them (Handlebars compiles each
// on its first render) cost each one-edit rebuild tens of milliseconds (the edited record's render:
// ~50 ms, ~30 ms without compiling). Unchanged sources get the templates compiled last time.
const compiledBefore = new Map<string, Templates>()
const keepCompiled = 8

/** Compiles templates read by `loadTemplates` (in this thread or another); the same sources again are not compiled twice. */
export function compileTemplates(sources: TemplateSources): Templates {
  const key = createHash('sha256').update(JSON.stringify(sources)).digest('hex')
  const known = compiledBefore.get(key)
  if (known) return known
  const templates = compile(sources)
  if (compiledBefore.size >= keepCompiled) compiledBefore.delete(compiledBefore.keys().next().value!)
  compiledBefore.set(key, templates)
  return templates
}

/**
 * `{{rows list "partial"}}` in a layout: the partial once for each item of `list`, one after another, as
 * `{{#each list}}{{> partial}}{{/each}}` would draw it — the item as its context, `@index`, `@first`
 * and `@last`, the page as `@root` — except that `../` leads nowhere. The index and the action items
 * draw their rows this way, so that a build can keep the rows of unchanged records (`PageRows`).
 */
export function rowsHelper(
  partial: (name: string) => Handlebars.TemplateDelegate | undefined,
): Handlebars.HelperDelegate {
  return (list: unknown, name: unknown, options: Handlebars.HelperOptions) => {
    const template = typeof name === 'string' ? partial(name) : undefined
    if (!template) throw new Error(`\`rows\` needs the name of a partial, got ${String(name)}`)
    if (!Array.isArray(list)) throw new Error('`rows` needs a list')
    const html = list.map((row: unknown, i) => template(row, { data: rowData(options, i, list.length) }))
    return new Handlebars.SafeString(html.join(''))
  }
}

/** The `@`-variables of row `index` of `length` drawn by `rows`. */
export function rowData(options: Handlebars.HelperOptions, index: number, length: number): unknown {
  const data = Handlebars.createFrame(options.data) as Record<string, unknown>
  data.index = index
  data.first = index === 0
  data.last = index === length - 1
  return data
}

function compile(sources: TemplateSources): Templates {
  const shown = (file: string) => relative(sources.cwd, file) || file
  const hb = Handlebars.create()
  registerHelpers(hb, sources.html ? formatHelpers : helpers)
  if (sources.html)
    hb.registerHelper(
      'rows',
      rowsHelper((name) => partials.get(name)?.template),
    )
  const compiled = new Map<string, Handlebars.TemplateDelegate>()
  const partials = new Map<string, { template: Handlebars.TemplateDelegate; source: string }>()
  const pure = new Map<string, boolean>()
  const helperNames = new Set(Object.keys(sources.html ? formatHelpers : helpers))
  const hash = createHash('sha256')
  for (const { name, file, text: source } of sources.templates) {
    hash.update(`${name}\0${source}\0`)
    const spec = precompiled.get(precompiledKey(source, sources.html))
    if (!spec)
      try {
        hb.parse(source)
      } catch (error) {
        throw new TemplateError(shown(file), lineOf(error), firstLine(error))
      }
    const template = spec ? hb.template<unknown>(spec) : hb.compile(source, compileOptions(sources.html))
    // Note: errors are rethrown with the file name of the innermost template that raised them.
    const wrapped = ((context: unknown, runtime?: Handlebars.RuntimeOptions) => {
      try {
        return template(context, { allowedProtoProperties: viewGetters, ...runtime })
      } catch (error) {
        if (error instanceof TemplateError) throw error
        throw new TemplateError(shown(file), lineOf(error), firstLine(error))
      }
    }) as Handlebars.TemplateDelegate
    if (name.startsWith('partials/')) {
      const partial = name.slice('partials/'.length).replace(/\.(md|html)$/, '')
      hb.registerPartial(partial, wrapped)
      partials.set(partial, { template: wrapped, source })
    } else compiled.set(name, wrapped)
  }
  return {
    files: new Map(sources.templates.map((t) => [t.name, t.file])),
    fingerprint: hash.digest('hex'),
    sources,
    render(name, view, runtime) {
      const template = compiled.get(name)
      if (!template) throw new PostmortemError(`no template named ${name}${extension}`)
      return template(view, runtime)
    },
    partial: (name) => partials.get(name)?.template,
    pureRow(name) {
      const partial = partials.get(name)
      if (!partial) return false
      let known = pure.get(name)
      if (known === undefined) pure.set(name, (known = rowPartialIsPure(partial.source, helperNames)))
      return known
    },
  }
}
