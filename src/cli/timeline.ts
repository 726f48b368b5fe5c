import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import writeFileAtomic from 'write-file-atomic'
import { deriveFigures } from '../model/figures.js'
import { timelineText } from '../render/timeline-text.js'
import { loadTemplates } from '../render/templates.js'
import { postmortemView, visibleEvents } from '../render/view-model.js'
import { timelineSvg } from '../site/timeline-svg.js'
import { commandConfig, loadRecords, referenceTime, resolveTargets } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'
import { formatText } from './report.js'

/** `postmortem timeline <id>`: one incident's timeline in the terminal, as Markdown or as SVG. */
export function timelineCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('timeline')
    .description('show one incident’s timeline with its phases: in the terminal, as Markdown or as SVG')
    .argument('<id>', 'incident id, or the path of a record file')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'md', 'svg']).default('text'),
    )
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--public', 'leave out internal events and use public wording, as on the public site')
    .option('--width <n>', 'terminal width for --format text (default: the terminal’s, else 100)')
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .action(async (id: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        OutputFlags & { format: string; out?: string; public?: boolean; width?: string; config?: string }
      >()
      const say = output(io, options)
      const loaded = await commandConfig(io, options.config, say)
      const at = referenceTime(undefined)
      const { paths, diagnostics: unknown } = await resolveTargets([id], loaded, io.cwd)
      const report = await loadRecords(io, say, loaded, { paths, at })
      const errors = [...unknown, ...report.diagnostics.filter((d) => d.severity === 'error')]
      const incident = report.incidents[0]
      if (errors.length > 0 || !incident) {
        say.error(formatText(errors, colorsFor(io.stderr, io.env)))
        return done(1)
      }
      const audience = options.public ? 'public' : 'internal'
      const events = visibleEvents(incident, audience)
      say.detail(`${events.length} of ${incident.timeline.length} events shown (${audience} view)\n`)
      let text: string
      if (options.format === 'svg') text = timelineSvg(incident, { events, interactive: false })
      else if (options.format === 'md') {
        const templates = await loadTemplates({
          ...(loaded.config.templates && { overrides: resolve(loaded.root, loaded.config.templates) }),
          cwd: io.cwd,
        })
        const view = postmortemView(
          incident,
          deriveFigures(incident, loaded.config, at),
          loaded.config,
          audience,
        )
        text = `${templates.render('timeline.md', view).trimEnd()}\n`
      } else {
        const width = Number(options.width ?? (io.stdout as { columns?: number }).columns ?? 100)
        const color = options.out ? colorsFor({}, io.env) : colorsFor(io.stdout, io.env)
        text = timelineText(incident, { color, width: Number.isFinite(width) ? width : 100, events })
      }
      if (options.out) {
        const file = resolve(io.cwd, options.out)
        await writeFileAtomic(file, text)
        say.info(`wrote ${sanitize(options.out)}\n`)
      } else say.result(text)
      done(0)
    })
}
