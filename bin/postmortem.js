#!/usr/bin/env node
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'

// V8 moves what a place in the code allocates straight to the old generation once most of what it
// made survived a young collection; a record's job (parse, validate, render), run thousands of times,
// is mostly short-lived, and those guesses, made early, kept whole records alive until a full
// collection. Set before anything is compiled (the code cache is made under the same flags) and for
// the process, so the worker threads too.
setFlagsFromString('--no-allocation-site-pretenuring')

// The command-line tool is one bundled CommonJS file (`npm run build:lib`): it starts in half the time
// of ~780 modules loaded one by one, and faster again from a V8 code cache (lib/cli/load-bundle.js).
const bundle = fileURLToPath(new URL('../lib/postmortem.cjs', import.meta.url))
let cli
if (process.argv.includes('--debug')) {
  // --debug prints stack traces: point them at the sources, not the bundle. Node reads the source map
  // of a file it loads itself, so the bundle is loaded without the code cache.
  process.setSourceMapsEnabled(true)
  ;({ cli } = createRequire(import.meta.url)(bundle))
} else {
  const { codeCacheDir, loadBundle } = await import('../lib/cli/load-bundle.js')
  // Each command keeps its own cache: the first word that is not an option.
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-')) ?? 'none'
  const packageRoot = fileURLToPath(new URL('..', import.meta.url))
  ;({ cli } = loadBundle(bundle, { cacheDir: codeCacheDir(packageRoot), variant: command }).exports)
}

// A reader that stops early (`postmortem stats | head`) closes the pipe: that is not an error.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })

process.exitCode = await cli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
})
