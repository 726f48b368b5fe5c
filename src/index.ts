// The public API: re-exports only. The pipeline, in order: load and validate records → derive figures
// → render postmortems / build the site / sync GitHub issues. test/exports.test.ts pins the names.

// Problems in user files are data: every one is a Diagnostic.
export type { DataPath, Diagnostic, DiagnosticCode, LintCode } from './diagnostics.js'
export { diagnosticCodes, formatPath, lintCodes } from './diagnostics.js'
export { PostmortemError, UsageError, exitCodes } from './errors.js'
export type { ProgressCallback } from './progress.js'

// Load: configuration and record files.
export type { ParsedSource, SourceLimits } from './load/parse-source.js'
export { defaultLimits, locate, parseSource } from './load/parse-source.js'
export { readSource } from './load/read-source.js'
export type { LoadedConfig } from './load/load-config.js'
export { loadConfig } from './load/load-config.js'

// Validate: schema → normalise → rules → lint.
export type { LoadIncidentsOptions, LoadedIncidents } from './validate/load-incidents.js'
export { loadIncidents } from './validate/load-incidents.js'
export type { Config, IncidentRecord } from './validate/schema.js'
export { configSchema, defaultConfig, incidentSchema } from './validate/schema.js'
export { jsonSchemas } from './validate/json-schema.js'
export type {
  ContributingFactor,
  Incident,
  KeyTimes,
  Metric,
  RootCause,
  Service,
  TimelineEvent,
} from './validate/normalize.js'
export type { ValidatedFile, ValidateOptions } from './validate/validate-incident.js'
export { validateIncident, validateSource } from './validate/validate-incident.js'
export type { ValidationReport } from './validate/validate-files.js'
export { validateFiles } from './validate/validate-files.js'
export type { Instant } from './validate/timestamps.js'
export { parseTimestamp } from './validate/timestamps.js'

// Model: pure figures.
export type { Figures } from './model/figures.js'
export { deriveFigures } from './model/figures.js'
export type { ActionItemHealth } from './model/action-items.js'
export type { Communications } from './model/communications.js'
export type { Durations } from './model/durations.js'
export type { BudgetBurn } from './model/error-budget.js'
export type { BudgetWindow, Distribution, IncidentFigures, Rollups } from './model/rollups.js'
export { summarize } from './model/rollups.js'

// Render: Markdown postmortems.
export type { RenderOptions } from './render/render-postmortem.js'
export { renderPostmortem } from './render/render-postmortem.js'
export type { Templates } from './render/templates.js'
export { loadTemplates, TemplateError } from './render/templates.js'
export type { Audience } from './render/view-model.js'

// Site.
export type { BuildSiteOptions, BuildSiteResult } from './site/build-site.js'
export { buildSite, DeniedTermError } from './site/build-site.js'

// GitHub issues for action items.
export type { DesiredIssue, ExistingIssue, IssuePatch, Plan, PlanStep, PlanWarning } from './github/plan.js'
export { planSync } from './github/plan.js'
export type { SyncIncident } from './github/desired.js'
export { desiredIssues, managedLabel } from './github/desired.js'
export type { IssueTracker, TrackerOptions } from './github/octokit-tracker.js'
export { GitHubError, octokitTracker } from './github/octokit-tracker.js'
export type { SyncOptions, SyncResult, WriteBack } from './github/sync.js'
export { syncIssues } from './github/sync.js'

// Timeline import.
export type { ImportKind, ImportOptions, ImportResult } from './import/import-timeline.js'
export { importKinds, importTimeline } from './import/import-timeline.js'
export type { MergePlan, MetricChange, TimestampChange, WrittenEvent } from './import/merge.js'
export type { SkippedItem, SkipReason } from './import/source.js'

// The command line, in-process.
export { cli } from './cli/index.js'
export type { CliIO } from './cli/io.js'
