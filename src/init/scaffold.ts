import { randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { configFileName } from '../load/find-config.js'
import { findRecordFiles } from '../load/find-files.js'
import { schemaReference } from '../paths.js'
import type { Config } from '../validate/schema.js'
import { configText } from './config-text.js'
import { exampleId, exampleRecordText } from './example-record.js'
import { workflowText } from './workflow.js'

/** One file `init` creates, extends or leaves alone. */
export type InitStep =
  | { kind: 'create'; file: string; text: string }
  | { kind: 'append'; file: string; text: string; added: string[] }
  | { kind: 'skip'; file: string; reason: string }

/** What `init` will do in a folder, before anything is written. */
export interface InitPlan {
  dir: string
  /** The branch whose pushes deploy the site and sync issues. */
  branch: string
  steps: InitStep[]
  /** The folder is inside a git repository whose root is elsewhere (GitHub reads workflows there). */
  gitRoot?: string
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

/** A path relative to `dir` with forward slashes, as it goes into YAML and .gitignore. */
const portable = (dir: string, path: string) => relative(dir, resolve(dir, path)).split(sep).join('/')

/** The nearest folder at or above `dir` holding `.git`, if any. */
async function findGitRoot(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    if (await exists(join(d, '.git'))) return d
    if (dirname(d) === d) return undefined
  }
}

/**
 * The repository's default branch as far as git knows without a network: origin's HEAD in a clone,
 * else the checked-out branch (right for a new repository), else `main`.
 */
export async function detectBranch(gitRoot: string | undefined): Promise<string> {
  if (!gitRoot) return 'main'
  let gitDir = join(gitRoot, '.git')
  // A worktree or submodule has a `.git` file naming the real folder.
  const pointer = /^gitdir: (.+)$/m.exec(await readFile(gitDir, 'utf8').catch(() => ''))
  if (pointer) gitDir = resolve(gitRoot, pointer[1]!.trim())
  const common = await readFile(join(gitDir, 'commondir'), 'utf8').then(
    (c) => resolve(gitDir, c.trim()),
    () => gitDir,
  )
  const read = (file: string) => readFile(file, 'utf8').catch(() => '')
  const origin = /^ref: refs\/remotes\/origin\/(.+)$/m.exec(
    await read(join(common, 'refs/remotes/origin/HEAD')),
  )
  const head = /^ref: refs\/heads\/(.+)$/m.exec(await read(join(gitDir, 'HEAD')))
  const branch = (origin ?? head)?.[1]?.trim()
  return branch && /^[\w./-]+$/.test(branch) ? branch : 'main'
}

/** Normalises a .gitignore line for comparison: `/dist`, `dist/` and `/dist/` all mean `dist`. */
const ignoreKey = (line: string) => line.trim().replace(/^\/+|\/+$/g, '')

/** The .gitignore step: create it, append the missing entries, or skip when all are there. */
async function gitignoreStep(file: string, entries: string[]): Promise<InitStep> {
  const current = await readFile(file, 'utf8').catch(() => undefined)
  if (current === undefined)
    return { kind: 'create', file, text: `# postmortem output and dependencies\n${entries.join('\n')}\n` }
  const present = new Set(current.split(/\r?\n/).map(ignoreKey))
  const added = entries.filter((e) => !present.has(ignoreKey(e)))
  if (added.length === 0) return { kind: 'skip', file, reason: `already ignores ${entries.join(', ')}` }
  const eol = current.includes('\r\n') ? '\r\n' : '\n'
  const separator = current === '' || current.endsWith('\n') ? '' : eol
  return {
    kind: 'append',
    file,
    added,
    text: `${current}${separator}${['# postmortem output and dependencies', ...added].join(eol)}${eol}`,
  }
}

/**
 * Plans `init` in `dir` with the configuration in force there (the defaults, or the folder's own
 * `postmortem.config.yaml`): which files to create, which to extend, which to leave alone.
 */
export async function planInit(options: { dir: string; config: Config; branch?: string }): Promise<InitPlan> {
  const { dir, config } = options
  const gitRoot = await findGitRoot(dir)
  const branch = options.branch ?? (await detectBranch(gitRoot))
  const steps: InitStep[] = []
  const createUnlessExists = async (file: string, text: () => Promise<string> | string) => {
    steps.push(
      (await exists(file))
        ? { kind: 'skip', file, reason: 'exists' }
        : { kind: 'create', file, text: await text() },
    )
  }

  const configFile = join(dir, configFileName)
  await createUnlessExists(configFile, async () =>
    configText(await schemaReference('config.schema.json', dir, dir)),
  )

  const incidents = resolve(dir, config.incidents)
  const record = join(incidents, `${exampleId}.yaml`)
  const { files: records } = await findRecordFiles([incidents], dir)
  if (records.length > 0 && !records.includes(record))
    steps.push({ kind: 'skip', file: record, reason: `${basename(incidents)}/ already holds records` })
  else {
    const levels = config.severities.map((s) => s.name)
    const first = config.services?.[0]
    await createUnlessExists(record, async () =>
      exampleRecordText({
        schema: await schemaReference('incident.schema.json', incidents, dir),
        severity: levels[1] ?? levels[0]!,
        service: first === undefined ? 'checkout' : typeof first === 'string' ? first : first.id,
      }),
    )
  }

  // Note: paths with characters a shell or YAML would need quoting for fall back to the whole tree.
  const safe = (path: string, fallback: string) => (/^[\w./-]+$/.test(path) ? path : fallback)
  await createUnlessExists(join(dir, '.github', 'workflows', 'postmortem.yml'), () =>
    workflowText({
      branch,
      incidents: safe(portable(dir, config.incidents), '.'),
      out: safe(portable(dir, config.out), 'dist'),
    }),
  )

  const out = portable(dir, config.out)
  const entries = [
    ...(isAbsolute(out) || out.startsWith('../') || out === '' ? [] : [`${out}/`]),
    'node_modules/',
  ]
  steps.push(await gitignoreStep(join(dir, '.gitignore'), entries))
  return { dir, branch, steps, ...(gitRoot && gitRoot !== dir && { gitRoot }) }
}

/**
 * Writes a new file atomically and never over an existing one: the text goes to a temporary sibling,
 * which is then hard-linked to the name (`link` fails if the name exists, even in a race).
 * Returns false when the file already exists.
 */
async function writeNewFile(file: string, text: string): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true })
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx')
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await link(temp, file)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // Note: some file systems have no hard links; an exclusive write is the next best thing.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP')
      return writeFile(file, text, { flag: 'wx' }).then(
        () => true,
        (e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? false : Promise.reject(e)),
      )
    throw error
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}

/** Carries out a plan. A file that appeared since the plan was made is skipped, never overwritten. */
export async function applyInit(plan: InitPlan): Promise<InitStep[]> {
  const done: InitStep[] = []
  for (const step of plan.steps) {
    if (step.kind === 'create')
      done.push(
        (await writeNewFile(step.file, step.text))
          ? step
          : { kind: 'skip', file: step.file, reason: 'exists' },
      )
    else if (step.kind === 'append') {
      // .gitignore is replaced as a whole, atomically: readers never see half a file.
      await writeFileAtomic(step.file, step.text)
      done.push(step)
    } else done.push(step)
  }
  return done
}
