import { execFile } from 'node:child_process'
import { copyFile, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { makeTempDir, removeTempDirs, repoRoot } from './helpers/run-cli.js'

afterAll(removeTempDirs)

const run = promisify(execFile)
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')

/** The TypeScript example under the README's `## API` heading. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8')
  const example = /^## API\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readme)?.[1]
  if (!example) throw new Error('README.md has no ```ts example under ## API')
  return example
}

// Exported types, pinned like the values in exports.test.ts: adding or removing one is deliberate.
const types = [
  'ActionItemHealth',
  'Audience',
  'BudgetBurn',
  'BudgetWindow',
  'BuildSiteOptions',
  'BuildSiteResult',
  'CliIO',
  'Communications',
  'Config',
  'ContributingFactor',
  'DataPath',
  'DesiredIssue',
  'Diagnostic',
  'DiagnosticCode',
  'Distribution',
  'Durations',
  'ExistingIssue',
  'Figures',
  'ImportKind',
  'ImportOptions',
  'ImportResult',
  'Incident',
  'IncidentFigures',
  'IncidentRecord',
  'Instant',
  'IssuePatch',
  'IssueTracker',
  'KeyTimes',
  'LintCode',
  'LoadIncidentsOptions',
  'LoadedConfig',
  'LoadedIncidents',
  'MergePlan',
  'Metric',
  'MetricChange',
  'ParsedSource',
  'Plan',
  'PlanStep',
  'PlanWarning',
  'ProgressCallback',
  'RenderOptions',
  'Rollups',
  'RootCause',
  'Service',
  'SkipReason',
  'SkippedItem',
  'SourceLimits',
  'SyncIncident',
  'SyncOptions',
  'SyncResult',
  'Templates',
  'TimelineEvent',
  'TimestampChange',
  'TrackerOptions',
  'ValidateOptions',
  'ValidatedFile',
  'ValidationReport',
  'WriteBack',
  'WrittenEvent',
]

// The functions issue 8 names: each documents every parameter, what it returns, and has an example.
const main = [
  'loadIncidents',
  'validateIncident',
  'deriveFigures',
  'summarize',
  'renderPostmortem',
  'buildSite',
  'planSync',
  'syncIssues',
  'importTimeline',
]

describe('the public API’s documentation and types', () => {
  const program = ts.createProgram([join(repoRoot, 'src/index.ts')], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  const exports = checker
    .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(join(repoRoot, 'src/index.ts'))!)!)
    .map((symbol) => ({
      name: symbol.name,
      symbol: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    }))

  it('exports exactly these types', () => {
    const typeOnly = exports.filter(({ symbol }) => !(symbol.flags & ts.SymbolFlags.Value))
    expect(typeOnly.map((e) => e.name).sort()).toEqual(types)
  })

  it('documents every export with TSDoc', () => {
    const undocumented = exports
      .filter(({ symbol }) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '')
      .map((e) => e.name)
    expect(undocumented).toEqual([])
  })

  it.each(main)('documents %s’s parameters and result, with an example', (name) => {
    const { symbol } = exports.find((e) => e.name === name)!
    const declaration = symbol.valueDeclaration as ts.FunctionDeclaration
    const tags = symbol.getJsDocTags(checker)
    const params = tags.filter((t) => t.name === 'param').map((t) => t.text?.[0]?.text)
    expect(params).toEqual(declaration.parameters.map((p) => p.name.getText()))
    expect(tags.map((t) => t.name)).toEqual(expect.arrayContaining(['returns', 'example']))
  })

  it('type-checks a consumer against the emitted declarations and package.json `exports`', async () => {
    // A package folder like the installed one: package.json, declarations emitted now from src.
    const pkg = await makeTempDir()
    await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--declarationMap', 'false'].concat([
        '--sourceMap',
        'false',
        '--outDir',
        join(pkg, 'lib'),
      ]),
      { cwd: repoRoot },
    )
    await copyFile(join(repoRoot, 'package.json'), join(pkg, 'package.json'))
    await symlink(join(repoRoot, 'node_modules'), join(pkg, 'node_modules'), 'dir')
    // Note: a module inside the package imports it by name (self-reference), resolved through `exports`.
    await writeFile(
      join(pkg, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['readme-example.ts', 'consumer.ts'],
      }),
    )
    await writeFile(join(pkg, 'readme-example.ts'), await readmeExample())
    await writeFile(
      join(pkg, 'consumer.ts'),
      [
        `import type { ${types.join(', ')} } from 'postmortem'`,
        `import { loadIncidents, deriveFigures, validateIncident, readSource } from 'postmortem'`,
        `export type All = [${types.join(', ')}]`,
        `const loaded: LoadedIncidents = await loadIncidents({ paths: ['incidents'], at: 0 })`,
        `const figures: Figures = deriveFigures(loaded.incidents[0]!, loaded.config, loaded.at)`,
        `const result: ValidatedFile = validateIncident(await readSource('a.yaml', 'a.yaml'), loaded)`,
        `const first: Diagnostic | undefined = result.diagnostics[0]`,
        `const ms: number | null = figures.durations.time_to_resolve`,
        `// @ts-expect-error: \`at\` is an instant (ms), not a string — the types are real, not any`,
        `deriveFigures(loaded.incidents[0]!, loaded.config, 'now')`,
        `console.log(first, ms)`,
      ].join('\n'),
    )
    const checked = await run(process.execPath, [tsc, '-p', pkg]).catch((error: { stdout: string }) => error)
    expect(checked.stdout).toBe('')
  }, 240_000)

  it('runs the README example against the example repository', async () => {
    const dir = await makeTempDir()
    const file = join(dir, 'readme-example.ts')
    const src = pathToFileURL(join(repoRoot, 'src/index.ts')).href
    await writeFile(file, (await readmeExample()).replace("from 'postmortem'", `from '${src}'`))
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      await import(pathToFileURL(file).href)
      const lines = log.mock.calls.map((call) => String(call[0]))
      expect(lines[0]).toMatch(/^3 incidents, median time to resolve \d+ ms$/)
      expect(lines.slice(1)).toEqual([
        '# API and web app outage caused by database connection pool exhaustion',
        '# Container registry deploy token exposed in public CI build logs',
        '# Slow and failing product search during a planned search index rebuild',
      ])
      // Warnings depend on today's date (overdue action items); errors would mean a broken example.
      for (const [line] of error.mock.calls) expect(String(line)).toMatch(/^\S+:\d+:\d+ warning /)
    } finally {
      log.mockRestore()
      error.mockRestore()
    }
  })
})
