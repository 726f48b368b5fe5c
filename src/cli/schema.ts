import { Command, Argument } from 'commander'
import { jsonSchemas, schemaFileText } from '../validate/json-schema.js'
import type { CliIO } from './io.js'
import { output } from './output.js'

/** `postmortem schema [incident|config]`: print a JSON Schema (draft-07). */
export function schemaCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('schema')
    .description('print the JSON Schema (draft-07) of incident records or of postmortem.config.yaml')
    .addArgument(new Argument('[which]', 'which schema').choices(['incident', 'config']).default('incident'))
    .action((which: 'incident' | 'config', _options: unknown, command: Command) => {
      const out = output(io, command.optsWithGlobals())
      const text = schemaFileText(jsonSchemas()[which])
      out.result(text)
      out.detail(
        `${which} schema: JSON Schema draft-07, ${text.length} characters; the package ships it as schema/${which}.schema.json\n`,
      )
      done(0)
    })
}
