import { stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { Command } from 'commander'
import type { InitStep } from '../init/scaffold.js'
import { applyInit, planInit } from '../init/scaffold.js'
import { configFileName } from '../load/find-config.js'
import { defaultConfig } from '../validate/schema.js'
import { commandConfig } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'

/** Reads one answer from the terminal: yes unless it starts with "n". */
async function confirm(io: CliIO, question: string): Promise<boolean> {
  io.stdout.write(question)
  const lines = createInterface({ input: io.stdin!, terminal: false })
  const answer = await new Promise<string>((answered) => {
    lines.once('line', answered)
    lines.once('close', () => answered('n'))
  })
  lines.close()
  return !/^\s*n/i.test(answer)
}

/**
 * `postmortem init [dir]`: the config, an example record, the GitHub Actions workflow and .gitignore
 * entries, never overwriting a file. On a terminal it shows the plan and asks once; with `--yes`, or
 * when standard input is not a terminal (CI, scripts), it goes ahead without asking.
 */
export function initCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('init')
    .description('set up a repository: config, an example record, a GitHub Actions workflow, .gitignore')
    .argument('[dir]', 'folder to set up, created if missing', '.')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--branch <name>', 'branch whose pushes deploy the site and sync issues (default: detected)')
    .action(async (dir: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ yes?: boolean; branch?: string } & OutputFlags>()
      const say = output(io, options)
      const target = resolve(io.cwd, dir)
      // The folder's own config, when it has one, says where records and output go.
      const own = join(target, configFileName)
      const hasConfig = await stat(own).then(
        () => true,
        () => false,
      )
      const config = hasConfig ? (await commandConfig(io, own)).config : defaultConfig()
      const plan = await planInit({ dir: target, config, ...(options.branch && { branch: options.branch }) })
      const c = colorsFor(io.stdout, io.env)
      const shown = (file: string) => sanitize(relative(io.cwd, file) || '.')
      const line = (step: InitStep, verb: string) =>
        step.kind === 'create'
          ? `${c.green(verb === 'plan' ? 'create ' : 'created')}  ${shown(step.file)}`
          : step.kind === 'append'
            ? `${c.green(verb === 'plan' ? 'update ' : 'updated')}  ${shown(step.file)} (adds ${step.added.join(', ')})`
            : `${c.dim(verb === 'plan' ? 'skip   ' : 'skipped')}  ${shown(step.file)} (${sanitize(step.reason)})`

      const writes = plan.steps.some((s) => s.kind !== 'skip')
      if (writes && !options.yes && io.stdin?.isTTY && !io.env.CI) {
        say.result(`${plan.steps.map((s) => line(s, 'plan')).join('\n')}\n`)
        if (!(await confirm(io, 'Write these files? [Y/n] '))) {
          say.info('Nothing was written.\n')
          return done(1)
        }
      }
      const steps = await applyInit(plan)
      say.info(`${steps.map((s) => line(s, 'done')).join('\n')}\n`)
      if (plan.gitRoot)
        say.info(
          `${c.yellow('note')}: GitHub runs workflows only from the repository root (${shown(plan.gitRoot)}): move .github/ there and adjust its paths.\n`,
        )
      const cd = dir === '.' ? '' : `cd ${sanitize(dir)} && `
      say.info(
        [
          '',
          ...(steps.some((s) => s.kind === 'create' && s.file.endsWith('postmortem.yml'))
            ? [
                `The workflow validates pull requests and, on pushes to ${sanitize(plan.branch)}, deploys the site to GitHub Pages (Settings → Pages → Source: GitHub Actions) and syncs issues.`,
              ]
            : []),
          'Next (README: "Getting started"):',
          `  ${cd}npx postmortem validate`,
          `  npx postmortem build        # then open ${sanitize(join(config.out, 'site', 'index.html'))}`,
          '  npx postmortem issues sync --dry-run   # needs GITHUB_TOKEN and GITHUB_REPOSITORY',
          '',
        ].join('\n'),
      )
      done(0)
    })
}
