// A synthetic incident repository on disk: config, records, one git commit (records live in git, and the
// feeds date entries from git history, so the build's git step is part of what we time).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { syntheticConfig, syntheticRecord } from './generate.js'

/** What the harness needs to know about one record. */
export interface RecordFile {
  id: string
  file: string
  /** Public and published or closed: it gets a page on the public site. */
  onSite: boolean
  /** impact_started, ISO 8601: the site and the peers list incidents newest first by it. */
  started: string
}

/** Writes `count` records and the config into `dir` and commits them; returns the records. */
export function writeSyntheticRepo(dir: string, count: number, seed = 1): RecordFile[] {
  const folder = join(dir, 'incidents')
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(dir, 'postmortem.config.yaml'), syntheticConfig)
  const records: RecordFile[] = []
  for (let i = 0; i < count; i++) {
    const { id, text } = syntheticRecord(i, seed)
    const file = join(folder, `${id}.yaml`)
    writeFileSync(file, text)
    records.push({
      id,
      file,
      onSite: /^visibility: public$/m.test(text) && /^status: (published|closed)$/m.test(text),
      started: /^ {2}impact_started: (\S+)$/m.exec(text)![1]!,
    })
  }
  commitAll(dir)
  return records
}

/** `git init` and one commit with fixed names and dates, so the repository is the same every time. */
function commitAll(dir: string): void {
  const date = '2026-01-01T00:00:00Z'
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' })
  git('init', '--quiet', '--initial-branch=main')
  git('add', '--all')
  git('commit', '--quiet', '--no-gpg-sign', '--message', 'Synthetic incidents')
}

/** The record every "one edit" scenario changes: the newest one on the site, so index and feeds show it. */
export function recordToEdit(records: readonly RecordFile[]): RecordFile {
  const onSite = records.filter((r) => r.onSite)
  if (onSite.length === 0) throw new Error('no synthetic record reaches the public site')
  return onSite.reduce((newest, r) => (r.started > newest.started ? r : newest))
}

/**
 * The edit: gives the record a new title ending in `marker` (its `title:` line, in YAML or in Markdown
 * front matter alike). A title is on the incident's page, the index and the feeds, so a rebuild that
 * leaves any of them stale shows.
 */
export function retitle(file: string, marker: string): void {
  const text = readFileSync(file, 'utf8')
  const edited = text.replace(/^title: "(.*?)(?: edit-[a-z0-9-]+)?"$/m, `title: "$1 ${marker}"`)
  if (edited === text) throw new Error(`no title line to edit in ${file}`)
  writeFileSync(file, edited)
}
