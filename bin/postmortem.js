#!/usr/bin/env node
// --debug prints stack traces: point them at the sources, not the bundle (only modules loaded from
// now on get their source maps read).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true)

// The command-line tool as one bundled file (`npm run build:lib`): it starts in half the time.
const { cli } = await import('../lib/postmortem.js')

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
