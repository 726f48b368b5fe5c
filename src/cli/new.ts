import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { Command } from 'commander'
import { PostmortemError, UsageError } from '../errors.js'
import { limits } from '../validate/schema.js'
import { newRecordText, recordId } from '../validate/skeleton.js'
import { schemaReference } from '../paths.js'
import type { CliIO } from './io.js'
import { sanitize } from './io.js'
import { commandConfig, incidentsFolder, referenceTime } from './context.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'

/** `postmortem new <title>`: a draft record skeleton that validates, never overwriting a file. */
export function newCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('new')
    .description('create incidents/<date>-<slug>.yaml: a draft record to fill in')
    .argument('<title>', 'one-line incident title')
    .option('--severity <level>', 'severity level (default: the third configured level, e.g. SEV3)')
    .option('--at <time>', 'when impact started, ISO 8601 with offset (default: now)')
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .action(async (title: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<
        OutputFlags & { severity?: string; at?: string; config?: string }
      >()
      const say = output(io, options)
      const loaded = await commandConfig(io, options.config, say)
      const { config } = loaded
      const levels = config.severities.map((s) => s.name)
      const severity = options.severity ?? levels[Math.min(2, levels.length - 1)]!
      if (!levels.includes(severity))
        throw new UsageError(`--severity must be one of ${levels.join(', ')}, got ${severity}`)
      // eslint-disable-next-line no-control-regex -- a title is one line of printable text
      if (title.trim() === '' || /[\u0000-\u001f\u007f]/.test(title))
        throw new UsageError('the title must be one non-empty line without control characters')
      if (title.trim().length > limits.line)
        throw new UsageError(
          `the title must be at most ${limits.line} characters; put the detail in the summary`,
        )
      const at = referenceTime(options.at)
      const id = recordId(title, at, config.timezone)
      const file = join(incidentsFolder(loaded), `${id}.yaml`)
      const schema = await schemaReference('incident.schema.json', dirname(file), loaded.root)
      const text = newRecordText({ id, title: title.trim(), severity, at, timezone: config.timezone, schema })
      await mkdir(dirname(file), { recursive: true })
      const shown = relative(io.cwd, file)
      try {
        // Note: 'wx' fails if the file exists, so a record is never overwritten, even in a race.
        await writeFile(file, text, { flag: 'wx' })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw new PostmortemError(`${shown} already exists; choose another title or edit that record`)
        throw error
      }
      say.detail(`id: ${id}; severity: ${sanitize(severity)}; schema comment: ${sanitize(schema)}\n`)
      say.info(`Created ${sanitize(shown)}\nFill it in, then run: postmortem validate ${sanitize(shown)}\n`)
      done(0)
    })
}
