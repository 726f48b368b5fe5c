// Our own commands, as a user runs them: `node bin/postmortem.js <command>` in the synthetic repository.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RecordFile } from '../synthetic-repo.js'
import { retitle } from '../synthetic-repo.js'
import type { Command } from '../time-process.js'
import type { Tool } from '../tool.js'
import { countPages, editMarker, lastNumber } from '../tool.js'

/** Where the build cache lives, relative to the repository: a cold run deletes it (and `dist/`). */
export const cacheDirs = ['dist/.cache'] as const

/** Reference time for "overdue", so every run validates and renders the same thing. */
export const referenceTime = '2026-12-04T00:00:00Z'

const bin = fileURLToPath(new URL('../../bin/postmortem.js', import.meta.url))
const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

/** Files, under the output folder, that show an incident's title besides its own page. */
const aggregates = [
  'site/index.html',
  'site/action-items/index.html',
  'site/feed.xml',
  'site/rss.xml',
  'site/feed.json',
  'site/incidents.json',
  'site/search.json',
]

/** `validate`, `render`, `build` cold, warm and after one edit, `stats`, and the `serve` one-edit rebuild. */
export function postmortemTool(repo: string, edited: RecordFile): Tool {
  const dist = join(repo, 'dist')
  const command = (...args: string[]): Command => ({ argv: [process.execPath, bin, ...args], cwd: repo })
  const clearCaches = () => {
    for (const dir of cacheDirs) rmSync(join(repo, dir), { recursive: true, force: true })
  }
  let edits = 0
  let marker = ''
  const staleOutputs = () =>
    [
      `site/incidents/${edited.id}/index.html`,
      `site/incidents/${edited.id}/postmortem.md`,
      `postmortems/${edited.id}.md`,
      ...aggregates,
    ].filter((file) => !readFileSync(join(dist, file), 'utf8').includes(marker))
  return {
    name: 'postmortem',
    version: `postmortem ${version.version}`,
    steps: [
      // validate and render have no output to keep: they run without any cache, as in CI.
      {
        name: 'validate',
        before: clearCaches,
        command: command('validate', '--format', 'json', '--at', referenceTime),
      },
      {
        name: 'render',
        before: () => {
          clearCaches()
          rmSync(join(dist, 'postmortems'), { recursive: true, force: true })
        },
        command: command('render', '--at', referenceTime),
      },
      {
        name: 'build',
        before: () => {
          clearCaches()
          rmSync(dist, { recursive: true, force: true })
        },
        command: command('build', '--at', referenceTime),
      },
      { name: 'build-warm', command: command('build', '--at', referenceTime) },
      {
        name: 'build-edit',
        before: () => {
          marker = editMarker('build', ++edits)
          retitle(edited.file, marker)
        },
        command: command('build', '--at', referenceTime),
        stale: staleOutputs,
      },
      // After a build, unchanged records keep the diagnostics it found (the build cache).
      {
        name: 'validate-cached',
        command: command('validate', '--format', 'json', '--at', referenceTime),
      },
      // The figures and roll-ups of every record (no cache: each record is validated again).
      { name: 'stats', command: command('stats', '--format', 'json', '--at', referenceTime) },
    ],
    serve: {
      // Note: `serve` has no --at; its reference time is now, which changes no page of an old record.
      command: (port) => command('serve', '--port', String(port)),
      page: `/incidents/${edited.id}/`,
      aggregates: ['/', '/action-items/', '/feed.xml', '/rss.xml', '/feed.json', '/search.json'],
      file: edited.file,
      reported: (output) => lastNumber(/^Built the .*\((\d+) ms\)\.$/gm, output, 1000),
    },
    pages: () => countPages(join(dist, 'site', 'incidents')),
  }
}
