import { mkdir } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { Command } from 'commander'
import writeFileAtomic from 'write-file-atomic'
import { deriveFigures } from '../model/figures.js'
import { isPublic, renderPostmortem } from '../render/render-postmortem.js'
import { loadTemplates } from '../render/templates.js'
import { commandConfig, loadRecords, referenceTime, resolveTargets, whyNotPublic } from './context.js'
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
    .action(async (targets: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        OutputFlags & { out?: string; internal?: boolean; at?: string; config?: string }
      >()
      const say = output(io, options)
      const loaded = await commandConfig(io, options.config, say)
      const { config } = loaded
      const at = referenceTime(options.at)
      const { paths, diagnostics: unknown } = await resolveTargets(targets, loaded, io.cwd)
      const report = await loadRecords(io, say, loaded, { paths, at })
      const errors = [...unknown, ...report.diagnostics.filter((d) => d.severity === 'error')]
      const c = colorsFor(io.stderr, io.env)
      if (errors.length > 0) say.error(formatText(errors, c))

      const templates = await loadTemplates({
        ...(config.templates && { overrides: resolve(loaded.root, config.templates) }),
        cwd: io.cwd,
      })
      const out = options.out ? resolve(io.cwd, options.out) : join(loaded.root, config.out, 'postmortems')
      const audience = options.internal ? 'internal' : 'public'
      const chosen = report.incidents.filter((incident) => audience === 'internal' || isPublic(incident))
      const skipped = report.incidents.length - chosen.length
      const shown = new Set(chosen)
      for (const incident of report.incidents)
        if (!shown.has(incident)) say.detail(`left out ${sanitize(incident.id)}: ${whyNotPublic(incident)}\n`)
      await mkdir(out, { recursive: true })
      for (const incident of chosen) {
        const markdown = renderPostmortem(incident, deriveFigures(incident, config, at), config, {
          templates,
          audience,
        })
        const file = join(out, `${incident.id}.md`)
        // Note: atomic (a temporary file renamed into place) but not fsync'ed: output can be rebuilt,
        // and a sync per file made rendering 1,000 records twice as slow.
        await writeFileAtomic(file, markdown, { fsync: false })
        say.info(`wrote ${sanitize(relative(io.cwd, file))}\n`)
      }
      if (skipped > 0)
        say.info(
          `skipped ${skipped} record${skipped === 1 ? '' : 's'} that ${skipped === 1 ? 'is' : 'are'} not public and published (add --internal to include ${skipped === 1 ? 'it' : 'them'})\n`,
        )
      done(errors.length > 0 ? 1 : 0)
    })
}
