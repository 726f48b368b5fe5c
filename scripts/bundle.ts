// Part of `npm run build:lib` (and `prepare`): bundles the command-line tool into lib/postmortem.cjs
// and its worker threads' code into lib/worker.cjs with esbuild. Loading ~780 modules one by
// one cost the CLI ~0.3 s of every start; one file halves the start-up (`postmortem --version`
// 0.50 → 0.21 s here). Both are CommonJS so that they can be compiled with a V8 code cache
// (src/cli/load-bundle.ts): bin/postmortem.js loads the CLI's, and lib/worker.js (the module piscina
// imports in each worker thread, from src/jobs/worker-thread.ts) the workers'.
// The library (lib/index.js, from tsc) stays unbundled.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { BuildOptions, Plugin } from 'esbuild'
import { build } from 'esbuild'
import Handlebars from 'handlebars'
import { compileOptions, precompiledKey } from '../src/render/precompiled.js'

/** Every `.hbs` file under `dir`. */
function hbsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return hbsFiles(path)
    return name.endsWith('.hbs') ? [path] : []
  })
}

// The shipped templates (Markdown) and layouts (HTML) compiled now, into `src/render/precompiled.ts`'s
// map: a process that renders a page then skips compiling them (~70 ms of a one-edit build).
const precompiledTemplates: Plugin = {
  name: 'precompiled-templates',
  setup(build) {
    build.onLoad({ filter: /src[\\/]render[\\/]precompiled\.ts$/ }, (args) => {
      const entries = [
        ...hbsFiles('templates').map((file) => ({ file, html: false })),
        ...hbsFiles('site/layouts').map((file) => ({ file, html: true })),
      ].map(({ file, html }) => {
        const text = readFileSync(file, 'utf8')
        const spec = Handlebars.precompile(text, compileOptions(html)) as string
        return `[${JSON.stringify(precompiledKey(text, html))}, ${spec}]`
      })
      const source = readFileSync(args.path, 'utf8')
      const empty = 'export const precompiled: ReadonlyMap<string, TemplateSpec> = new Map()'
      if (!source.includes(empty)) throw new Error(`${args.path} no longer declares the map this fills`)
      return {
        contents: source.replace(
          empty,
          `export const precompiled = new Map<string, TemplateSpec>([\n${entries.join(',\n')}\n])`,
        ),
        loader: 'ts',
      }
    })
  },
}

/** What both bundles are built with. */
const shared = {
  // Note: directly in lib/: src/paths.ts finds the package root as `..` of its module, and the job
  // runner finds `worker.js` beside its own.
  outdir: 'lib',
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Some dependencies ship a UMD `main` that requires files by relative path: take their ES modules.
  mainFields: ['module', 'main'],
  // piscina starts workers from its own files and hands them `workerData` through its module: it
  // must stay one copy, loaded from node_modules.
  external: ['piscina'],
  // Maps for --debug's stack traces; without the sources' text (the paths are enough), a third the size.
  sourcemap: 'linked',
  sourcesContent: false,
  plugins: [precompiledTemplates],
  logLevel: 'warning',
} satisfies BuildOptions

// The CLI and its workers' code: CommonJS, run from a V8 code cache (src/cli/load-bundle.ts).
await build({
  ...shared,
  entryPoints: { postmortem: 'src/cli/index.ts', worker: 'src/jobs/worker.ts' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // The two modules that locate files by their own URL: in CommonJS, the file's URL from `__filename`.
  define: { 'import.meta.url': '__postmortemUrl' },
  banner: { js: "const __postmortemUrl = require('node:url').pathToFileURL(__filename).href;" },
})

// What piscina starts each worker with: an ES module that runs lib/worker.cjs from its code cache.
await build({
  ...shared,
  entryPoints: { worker: 'src/jobs/worker-thread.ts' },
  format: 'esm',
})
