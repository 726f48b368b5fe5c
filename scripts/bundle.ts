// Part of `npm run build:lib` (and `prepare`): bundles the command-line tool into lib/postmortem.js
// and its worker threads' module into lib/worker.js with esbuild. Loading ~780 modules one by
// one cost the CLI ~0.3 s of every start; one file halves the start-up (`postmortem --version`
// 0.50 → 0.21 s here). The library (lib/index.js, from tsc) stays unbundled.
import { build } from 'esbuild'

await build({
  entryPoints: { postmortem: 'src/cli/index.ts', worker: 'src/jobs/worker.ts' },
  // Note: both files directly in lib/: src/paths.ts finds the package root as `..` of its module, and
  // the job runner finds `worker.js` beside its own.
  outdir: 'lib',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Some dependencies ship a UMD `main` that requires files by relative path: take their ES modules.
  mainFields: ['module', 'main'],
  // piscina starts workers from its own files and hands them `workerData` through its module: it
  // must stay one copy, loaded from node_modules.
  external: ['piscina'],
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
  // Maps for --debug's stack traces; without the sources' text (the paths are enough), a third the size.
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
})
