// Part of `npm run build:lib` (and `prepare`): bundles the command-line tool into lib/postmortem.cjs
// and its worker threads' module into lib/worker.js with esbuild. Loading ~780 modules one by
// one cost the CLI ~0.3 s of every start; one file halves the start-up (`postmortem --version`
// 0.50 → 0.21 s here). The CLI's bundle is CommonJS so that bin/postmortem.js can compile it with a
// V8 code cache (src/cli/load-bundle.ts); the worker's stays an ES module, which piscina imports.
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

await build({
  ...shared,
  entryPoints: { postmortem: 'src/cli/index.ts' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // The two modules that locate files by their own URL: in CommonJS, the file's URL from `__filename`.
  define: { 'import.meta.url': '__postmortemUrl' },
  banner: { js: "const __postmortemUrl = require('node:url').pathToFileURL(__filename).href;" },
})

await build({
  ...shared,
  entryPoints: { worker: 'src/jobs/worker.ts' },
  format: 'esm',
  // CommonJS dependencies bundled into an ES module still call `require` for Node's built-ins, and
  // write-file-atomic seeds its temporary names with `__filename`.
  banner: {
    js: [
      "import { createRequire as __postmortemRequire } from 'node:module';",
      "import { fileURLToPath as __postmortemPath } from 'node:url';",
      'const require = __postmortemRequire(import.meta.url);',
      'const __filename = __postmortemPath(import.meta.url);',
    ].join(' '),
  },
})
