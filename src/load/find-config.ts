import { access } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** The name of the configuration file. */
export const configFileName = 'postmortem.config.yaml'

/** The nearest `postmortem.config.yaml` at or above `cwd`, or undefined. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  let dir = cwd
  for (;;) {
    const candidate = join(dir, configFileName)
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}
