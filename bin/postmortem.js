#!/usr/bin/env node
import { cli } from '../lib/cli/index.js'

process.exitCode = await cli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
})
