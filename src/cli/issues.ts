import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import { UsageError } from '../errors.js'
import { managedLabel } from '../github/desired.js'
import type { SyncRecord } from '../github/sync-job.js'
import { syncCheck } from '../github/sync-job.js'
import { octokitTracker } from '../github/octokit-tracker.js'
import type { Plan, PlanStep } from '../github/plan.js'
import { planCounts } from '../github/plan.js'
import type { WriteBack } from '../github/sync.js'
import { syncIssues } from '../github/sync.js'
import type { RecordEdit } from '../load/edit-record.js'
import { writeRecordEdits } from '../load/edit-record.js'
import { packageVersion } from '../paths.js'
import { hashBytes } from '../site/build-cache.js'
import { loadTemplates } from '../render/templates.js'
import { recordLimits } from '../validate/validate-files.js'
import { commandConfig, loadRecords } from './context.js'
import type { CliIO } from './io.js'
import { colorsFor, sanitize } from './io.js'
import type { OutputFlags } from './output.js'
import { output } from './output.js'
import { formatText } from './report.js'

interface SyncFlags extends OutputFlags {
  dryRun?: boolean
  pull?: boolean
  repo?: string
  format: string
  config?: string
}

const repoPattern = /^[\w.-]+\/[\w.-]+$/

function describeStep(step: PlanStep): string {
  const item = `${step.desired.key}`
  switch (step.kind) {
    case 'create':
      return `+ create  ${item}  "${step.desired.title}"`
    case 'update':
      return `~ update  ${item}  #${step.issue.number} (${Object.keys(step.patch).join(', ')})`
    case 'close':
      return `- close   ${item}  #${step.issue.number} as ${step.patch.stateReason === 'not_planned' ? 'not planned' : 'completed'}`
    case 'reopen':
      return `↺ reopen  ${item}  #${step.issue.number}`
    case 'pull':
      return `← pull    ${item}  #${step.issue.number} closed on GitHub → ${step.status.replace('_', ' ')}`
    case 'skip':
      return `  skip    ${item}  (${step.reason})`
    default:
      return `  same    ${item}  #${step.issue.number}`
  }
}

function planText(plan: Plan, dryRun: boolean): string {
  const c = planCounts(plan)
  const lines = plan.steps.filter((s) => s.kind !== 'unchanged').map((s) => sanitize(describeStep(s)))
  for (const w of plan.warnings) lines.push(`! issue #${w.issue}: ${sanitize(w.message)}`)
  lines.push(
    `${dryRun ? 'Plan' : 'Sync'}: create ${c.create}, update ${c.update}, close ${c.close}, reopen ${c.reopen}, pull ${c.pull}, unchanged ${c.unchanged}, skipped ${c.skip}${dryRun ? ' (dry run: nothing sent)' : ''}`,
  )
  return `${lines.join('\n')}\n`
}

function planJson(plan: Plan, failures: Array<{ step: PlanStep; message: string }>, requests: number) {
  return {
    counts: planCounts(plan),
    steps: plan.steps.map((s) => ({
      kind: s.kind,
      item: s.desired.key,
      title: s.desired.title,
      ...('issue' in s && { issue: s.issue.number }),
      ...('patch' in s && { changes: Object.keys(s.patch) }),
      ...(s.kind === 'skip' && { reason: s.reason }),
    })),
    warnings: plan.warnings,
    failures: failures.map((f) => ({ item: f.step.desired.key, message: f.message })),
    requests,
  }
}

/**
 * Writes sync results back into the record files: one edit per item, checked and atomic. A record is
 * edited only while its file holds the bytes that were validated (their hash), then the bytes just
 * written.
 */
function recordWriter(records: ReadonlyMap<string, NonNullable<SyncRecord['sync']>>, cwd: string) {
  const expected = new Map<string, string>()
  for (const { incident, hash } of records.values()) expected.set(incident.file, hash)
  return {
    async write(change: WriteBack) {
      const incident = records.get(change.incidentId)?.incident
      const index = incident?.action_items?.findIndex((a) => a.id === change.actionId) ?? -1
      if (!incident || index < 0) return
      const edits: RecordEdit[] = []
      if (change.issue) edits.push({ op: 'set', path: ['action_items', index, 'issue'], value: change.issue })
      if (change.status)
        edits.push({ op: 'set', path: ['action_items', index, 'status'], value: change.status })
      if (change.not_doing_reason && !incident.action_items![index]!.not_doing_reason)
        edits.push({
          op: 'set',
          path: ['action_items', index, 'not_doing_reason'],
          value: change.not_doing_reason,
        })
      const file = resolve(cwd, incident.file)
      await writeRecordEdits(file, { sha256: expected.get(incident.file)! }, edits)
      // The next edit of this file starts from what was just written.
      expected.set(incident.file, hashBytes(await readFile(file)))
    },
  }
}

/** `postmortem issues sync`. */
export function issuesCommand(io: CliIO, done: (code: number) => void): Command {
  const sync = new Command('sync')
    .description('plan and apply GitHub issues for the action items of every non-draft incident')
    .option('--dry-run', 'print the plan; send no write')
    .option(
      '--pull',
      'let GitHub win: an issue closed there marks its item done (or not doing) in the record',
    )
    .option('--repo <owner/name>', 'repository (default: GITHUB_REPOSITORY, then config github.repo)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--config <file>', 'use this config file instead of searching for postmortem.config.yaml')
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<SyncFlags>()
      const say = output(io, flags)
      const loaded = await commandConfig(io, flags.config, say)
      const { config } = loaded
      const repo = flags.repo ?? io.env.GITHUB_REPOSITORY ?? config.github.repo
      if (!repo || !repoPattern.test(repo))
        throw new UsageError(
          'set the repository: --repo owner/name, GITHUB_REPOSITORY, or github.repo in the config',
        )
      const token = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN
      if (!token)
        throw new UsageError(
          'set GITHUB_TOKEN (or GH_TOKEN) to a token with `issues: write` on the repository',
        )
      // What the sync reads of each record comes back from where it is validated (a worker thread,
      // maybe), not the whole record.
      const byFile = new Map<string, NonNullable<SyncRecord['sync']>>()
      const at = Date.now()
      const report = await loadRecords(io, say, loaded, {
        at,
        keepIncidents: false,
        check: {
          ...syncCheck({ config, at, limits: recordLimits(config) }),
          onRecord: async (file, { sync }) => void (sync && byFile.set(file, sync)),
        },
      })
      const errors = report.diagnostics.filter((d) => d.severity === 'error')
      if (errors.length > 0) {
        say.error(formatText(errors, colorsFor(io.stderr, io.env)))
        say.error('Nothing was synced: fix the records above first.\n')
        return done(1)
      }
      const records = new Map(
        report.files.flatMap((file) => {
          const record = byFile.get(file)
          return record ? [[record.incident.id, record] as const] : []
        }),
      )
      const spacingMs = Number(io.env.POSTMORTEM_GITHUB_SPACING_MS)
      const retryBaseMs = Number(io.env.POSTMORTEM_GITHUB_RETRY_BASE_MS)
      const tracker = octokitTracker({
        token,
        repo,
        baseUrl: (io.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, ''),
        label: managedLabel,
        userAgent: `postmortem/${packageVersion()}`,
        ...(Number.isFinite(spacingMs) && { spacing: { write: spacingMs, create: spacingMs } }),
        ...(Number.isFinite(retryBaseMs) && { retryBaseMs }),
        signal: AbortSignal.timeout(15 * 60_000),
      })
      const templates = await loadTemplates({
        ...(config.templates && { overrides: resolve(loaded.root, config.templates) }),
        cwd: io.cwd,
      })
      const writer = recordWriter(records, io.cwd)
      const dryRun = flags.dryRun ?? false
      const bar = say.progress('syncing')
      const result = await syncIssues({
        incidents: [...records.values()].map((r) => r.incident),
        config,
        templates,
        tracker,
        dryRun,
        pull: flags.pull ?? false,
        now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        writeBack: (change) => writer.write(change),
        ...(flags.format === 'text' && {
          onStep: (step: PlanStep, outcome: 'done' | 'failed', message?: string) => {
            const line = `${outcome === 'done' ? '✓' : '✗'} ${sanitize(describeStep(step))}${message ? `: ${sanitize(message)}` : ''}\n`
            if (outcome === 'done') say.note(line)
            else say.error(line)
          },
        }),
        onProgress: bar.update,
      }).finally(() => bar.end())
      for (const step of result.plan.steps)
        if (step.kind === 'unchanged') say.detail(`${sanitize(describeStep(step))}\n`)
      say.detail(`${tracker.requests} GitHub API request${tracker.requests === 1 ? '' : 's'}\n`)
      if (flags.format === 'json')
        say.result(`${JSON.stringify(planJson(result.plan, result.failures, tracker.requests), null, 2)}\n`)
      else {
        // A dry run's plan is what was asked for; after a real sync the plan reports what was done.
        if (dryRun) say.result(planText(result.plan, dryRun))
        else say.info(planText(result.plan, dryRun))
        if (result.failures.length > 0)
          say.error(`${result.failures.length} step(s) failed; run again to retry them.\n`)
      }
      done(result.failures.length > 0 ? 3 : 0)
    })
  return new Command('issues').description('GitHub issues for action items').addCommand(sync)
}
