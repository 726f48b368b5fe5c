import { mkdir } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import type { Diagnostic } from '../diagnostics.js'
import type { PostmortemEnv } from '../render/postmortem-job.js'
import { postmortemCheck } from '../render/postmortem-job.js'
import { loadTemplates } from '../render/templates.js'
import { StagedFiles } from '../site/write-site.js'
import { recordLimits } from '../validate/validate-files.js'
import {
  commandConfig,
  jobsOption,
  loadRecords,
  parseJobs,
  referenceTime,
  resolveTargets,
} from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'
import { formatText } from './report.js'

/** `postmortem render [paths·ids…]`: Markdown postmortems, one file per valid record. */
export function renderCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('render')
    .description('write Markdown postmortems to dist/postmortems/<id>.md')
    .argument(
      '[targets...]',
      'record files, folders or incident ids (default: the config’s incidents folder)',
    )
    .option('--out <dir>', 'output folder (default: <config out>/postmortems)')
    .option('--internal', 'include internal and unpublished records, and internal timeline events')
    .option('--at <time>', 'reference time for overdue action items (default: now)')
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .option(...jobsOption('parsing, validating and rendering'))
    .action(async (targets: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        OutputFlags & { out?: string; internal?: boolean; at?: string; config?: string; jobs?: string }
      >()
      const say = output(io, options)
      const loaded = await commandConfig(io, options.config, say)
      const { config } = loaded
      const at = referenceTime(options.at)
      const jobs = parseJobs(options.jobs)
      const { paths, diagnostics: unknown } = await resolveTargets(targets, loaded, io.cwd)
      const templates = await loadTemplates({
        ...(config.templates && { overrides: resolve(loaded.root, config.templates) }),
        cwd: io.cwd,
      })
      const out = options.out ? resolve(io.cwd, options.out) : join(loaded.root, config.out, 'postmortems')
      const audience = options.internal ? 'internal' : 'public'
      const env: PostmortemEnv = { config, at, limits: recordLimits(config), templates, audience }

      // Each postmortem is written into a hidden folder inside the output as it is rendered (none is
      // held in memory), then moved into place once the checks across records have passed for it.
      const staged = new StagedFiles(out)
      const outcomes = new Map<string, { id: string; staged: string } | { id: string; leftOut: string }>()
      let errors: Diagnostic[]
      try {
        const report = await loadRecords(io, say, loaded, {
          paths,
          at,
          keepIncidents: false,
          jobs,
          check: {
            ...postmortemCheck(env),
            onRecord: async (file, { postmortem }) => {
              if (!postmortem) return
              if ('leftOut' in postmortem) return void outcomes.set(file, postmortem)
              // Note: named by arrival, not id: two records with one id (an error) must not collide.
              const name = `${outcomes.size}.md`
              outcomes.set(file, { id: postmortem.id, staged: name })
              await staged.write(name, postmortem.markdown)
            },
          },
        })
        errors = [...unknown, ...report.diagnostics.filter((d) => d.severity === 'error')]
        if (errors.length > 0) say.error(formatText(errors, colorsFor(io.stderr, io.env)))
        const failed = new Set(errors.map((d) => d.file))
        await mkdir(out, { recursive: true })
        let skipped = 0
        for (const file of report.files) {
          const outcome = outcomes.get(file)
          if (!outcome || failed.has(file)) continue
          if ('leftOut' in outcome) {
            skipped += 1
            say.detail(`left out ${sanitize(outcome.id)}: ${outcome.leftOut}\n`)
            continue
          }
          const target = `${outcome.id}.md`
          await staged.publish(outcome.staged, target)
          say.info(`wrote ${sanitize(relative(io.cwd, join(out, target)))}\n`)
        }
        if (skipped > 0)
          say.info(
            `skipped ${skipped} record${skipped === 1 ? '' : 's'} that ${skipped === 1 ? 'is' : 'are'} not public and published (add --internal to include ${skipped === 1 ? 'it' : 'them'})\n`,
          )
      } finally {
        await staged.discard()
      }
      done(errors.length > 0 ? 1 : 0)
    })
}
