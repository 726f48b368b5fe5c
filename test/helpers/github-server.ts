/**
 * A GitHub-compatible REST server for tests: node:http on 127.0.0.1, issues and labels with GitHub's shapes,
 * status codes, `Link` pagination and rate-limit headers. Every request (path, query, JSON body) and every
 * response body is validated against GitHub's official OpenAPI description (`@octokit/openapi`,
 * `api.github.com.json`), compiled lazily per served operation. Requests that don't validate are answered
 * like GitHub would (404 / 400 / 422) and recorded in `violations`; a response that doesn't validate is a bug
 * in this fake and is raised as an uncaught error (the test run fails) and recorded in `responseErrors`.
 *
 * Decisions about GitHub behaviour:
 * - Every request needs `authorization: token X` or `Bearer X` (401 `Requires authentication` / `Bad credentials`).
 * - Error bodies are `{message, documentation_url, status}` (status as a string, as GitHub sends it today);
 *   statuses an operation doesn't declare (401, rate limits, 5xx) are validated as GitHub's `basic-error`.
 * - The issues list returns pull requests too (with a `pull_request` object), as GitHub does.
 * - `Link` headers point at `/repositories/{id}/…` URLs like api.github.com does (option `linkStyle`), with
 *   the query of the request preserved and `page` replaced; there is no `Link` header for a single page.
 * - Unknown labels on create/update are created (color `ededed`), as GitHub does for users with push access.
 * - An assignee who can't be assigned: 422 `{resource:'Issue', field:'assignees', code:'invalid'}` (what a
 *   token with push access gets; option `invalidAssignees: 'drop'` models a token without push access, where
 *   GitHub drops them silently as the OpenAPI description says).
 * - `state_reason` is ignored unless `state` changes (as documented); reopening sets it to `reopened`.
 * - Unknown query parameters and unknown top-level body properties are recorded as violations but the request
 *   proceeds (GitHub ignores them); schema errors get GitHub's `Invalid request.` 422.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createRequire } from 'node:module'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

// ---------------------------------------------------------------------------------------------------------
// Public API

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export type IssueState = 'open' | 'closed'
export type StateReason = 'completed' | 'not_planned' | 'reopened' | 'duplicate'

export interface TokenSpec {
  token: string
  /** The authenticated user (default `postmortem-bot`). */
  login?: string
  /** Whether the token may write (`issues: write`); without it writes get GitHub's 403 (default true). */
  write?: boolean
}

export interface GitHubServerOptions {
  /** Repositories `owner/name` (default `['acme/incidents']`); the first is the default for helpers. */
  repos?: string[]
  /** Valid tokens (default `['test-token']`, user `postmortem-bot`, may write). */
  tokens?: Array<string | TokenSpec>
  /** Users who can be assigned, besides the token users (default `['octocat', 'hubot']`). */
  assignableUsers?: string[]
  /** Unassignable assignees: `reject` (422, default) or `drop` silently (a token without push access). */
  invalidAssignees?: 'reject' | 'drop'
  /** Labels named on an issue that don't exist: `create` them (GitHub, default) or `reject` with 422. */
  missingLabels?: 'create' | 'reject'
  /** Seed GitHub's nine default labels in each repository (default true). */
  defaultLabels?: boolean
  /** `Link` URLs: `repositories` (`/repositories/{id}/issues`, like api.github.com, default) or `repos`. */
  linkStyle?: 'repositories' | 'repos'
  /** Primary rate limit per token per window (default 5000 requests per 3600 s). */
  rateLimit?: { limit?: number; windowSeconds?: number }
  /** Host of `html_url`s (default `https://github.com`). */
  htmlBaseUrl?: string
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number
  /** A response that fails validation: `throw` as an uncaught error (default) or only `record` it. */
  onInvalidResponse?: 'throw' | 'record'
  /** Compile the validators of every served operation at start instead of on first use (default false). */
  precompile?: boolean
}

export interface RecordedRequest {
  method: string
  /** The path as requested, without the query string. */
  path: string
  query: Record<string, string>
  /** The parsed JSON body (`undefined` when there was none). */
  body: unknown
  /** Lower-cased request headers, without `authorization`. */
  headers: Record<string, string>
  /** `issues/create`, … (`undefined` when no served operation matched). */
  operationId: string | undefined
  /** The status answered; `null` for a reset or hung connection. */
  status: number | null
}

export interface ProtocolViolation {
  method: string
  path: string
  operationId: string | undefined
  errors: string[]
}

export interface ResponseError {
  method: string
  path: string
  operationId: string
  status: number
  errors: string[]
}

export interface LabelSnapshot {
  id: number
  name: string
  color: string
  description: string | null
  default: boolean
}

export interface IssueSnapshot {
  id: number
  node_id: string
  number: number
  title: string
  body: string | null
  state: IssueState
  state_reason: StateReason | null
  /** Label names. */
  labels: string[]
  /** Assignee logins. */
  assignees: string[]
  /** Author login. */
  user: string
  url: string
  html_url: string
  created_at: string
  updated_at: string
  closed_at: string | null
  /** Whether this is a pull request (the issues list returns those too). */
  pull_request: boolean
}

export interface IssueSeed {
  title: string
  body?: string | null
  state?: IssueState
  /** Default for closed issues: `completed`. */
  state_reason?: StateReason | null
  /** Label names; missing labels are created. */
  labels?: string[]
  assignees?: string[]
  /** Author login (default `octocat`: a hand-made issue). */
  user?: string
  /** Seed a pull request instead of an issue. */
  pull_request?: boolean
  created_at?: string
  updated_at?: string
  closed_at?: string
}

export interface LabelSeed {
  name: string
  color?: string
  description?: string | null
}

/** Which requests a fault or filter applies to. `path` is matched against the path without the query. */
export interface RequestMatcher {
  method?: HttpMethod
  path?: RegExp | string
}

export type FaultSpec = RequestMatcher & {
  /** How many matching requests fail (default 1; `Infinity` for all). */
  times?: number
} & (
    | {
        /** 403 (or 429) "You have exceeded a secondary rate limit" with `retry-after`. */
        kind: 'secondary-limit'
        /** Seconds for `retry-after`, may be fractional for tests (default 1); `null` omits the header. */
        retryAfter?: number | null
        status?: 403 | 429
      }
    | {
        /**
         * 403 (or 429) "API rate limit exceeded" with `x-ratelimit-remaining: 0`; the token's quota stays
         * exhausted until `x-ratelimit-reset` (now + `resetAfter` seconds), for every request of that token.
         */
        kind: 'primary-limit'
        resetAfter?: number
        status?: 403 | 429
      }
    | {
        /** Performs the request (the issue is created), then answers 502. */
        kind: 'bad-gateway-after-create'
      }
    | {
        /** Destroys the connection without an answer; with `afterWrite`, after performing the request. */
        kind: 'reset'
        afterWrite?: boolean
      }
    | {
        /** 500 (or 502/503/504) "Server Error"; with `afterWrite`, after performing the request. */
        kind: 'server-error'
        status?: 500 | 502 | 503 | 504
        afterWrite?: boolean
      }
    | {
        /** 422 with the given body (default: a `Validation Failed` with one `custom` error). */
        kind: 'unprocessable'
        body?: ValidationErrorBody
      }
    | {
        /** Never answers (until the client gives up or the server closes): for client timeouts. */
        kind: 'hang'
      }
  )

export type FaultKind = FaultSpec['kind']

export interface ValidationErrorBody {
  message: string
  documentation_url: string
  status?: string
  errors?: Array<{ resource?: string; field?: string; code: string; message?: string; value?: unknown }>
}

export interface FaultHandle {
  /** How many requests this fault has hit. */
  readonly hits: number
  /** How many more requests it will hit. */
  readonly remaining: number
  cancel(): void
}

export interface FailAfterOptions {
  /** Which writes count (default: every performed write). */
  match?: RequestMatcher
  /** How every later request fails (default `reset`: the connection is destroyed without an answer). */
  kind?: 'reset' | 'server-error'
}

export interface CutOffHandle {
  /** Whether the cut-off has started (the n-th counted write was performed). */
  readonly triggered: boolean
  /** Ends the cut-off (the "process" can be started again). */
  cancel(): void
}

export interface WriteEvent {
  method: string
  path: string
  operationId: string
  repo: string
  /** The status GitHub would have answered for the performed write. */
  status: number
  /** The issue created or updated, if any. */
  issue: IssueSnapshot | undefined
  /** Performed writes so far (this one included). */
  count: number
}

export interface GitHubServer {
  /** `http://127.0.0.1:<port>` — use as Octokit's `baseUrl` / `GITHUB_API_URL`. */
  readonly baseUrl: string
  readonly requests: readonly RecordedRequest[]
  readonly violations: readonly ProtocolViolation[]
  readonly responseErrors: readonly ResponseError[]
  /** Write requests (POST/PATCH/PUT/DELETE) received, whatever their outcome. */
  writes(filter?: RequestMatcher): number
  /** Snapshot of a repository's issues and pull requests, by number (default: the first repository). */
  issues(repo?: string): IssueSnapshot[]
  labels(repo?: string): LabelSnapshot[]
  seedIssue(repo: string, seed: IssueSeed): IssueSnapshot
  /** Seeds `count` issues; a template object's title gets ` 1` … ` n` appended, a function gets the index. */
  seedIssues(
    repo: string,
    count: number,
    template: IssueSeed | ((index: number) => IssueSeed),
  ): IssueSnapshot[]
  seedLabel(repo: string, label: LabelSeed): LabelSnapshot
  /** Queues a fault for matching requests; faults are tried in the order they were added. */
  fail(spec: FaultSpec): FaultHandle
  /** After `writes` more performed writes, every further request fails (a client process "killed"). */
  failAfter(writes: number, options?: FailAfterOptions): CutOffHandle
  /** Called synchronously after each performed write, before the answer is sent. Returns an unsubscribe. */
  onWrite(listener: (event: WriteEvent) => void): () => void
  clearFaults(): void
  /** Forgets recorded requests and violations (the state of the repositories is kept). */
  resetRecording(): void
  close(): Promise<void>
}

// ---------------------------------------------------------------------------------------------------------
// OpenAPI → Ajv

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }
type Schema = { [key: string]: unknown }

interface OpenApiDescription {
  info: { version: string }
  paths: Record<string, Record<string, unknown>>
  components: {
    schemas: Record<string, Schema>
    parameters: Record<string, Schema>
    responses: Record<string, Schema>
  }
}

const DESCRIPTION_PATH = createRequire(import.meta.url).resolve(
  '@octokit/openapi/generated/api.github.com.json',
)
const SCHEMA_BASE = 'https://github-server.test/schemas/'

/** Keywords copied from an OpenAPI 3.0 schema object; the rest (nullable, discriminator, example, x-…) is converted or dropped. */
const KEPT_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'required',
  'minProperties',
  'maxProperties',
  'default',
])

let description: OpenApiDescription | undefined
let bodyAjv: Ajv | undefined
let paramsAjv: Ajv | undefined
const addedComponents = new Set<string>()
const operations = new Map<string, CompiledOperation>()

/** Time spent loading the description and compiling validators in this process (ms), for reports. */
export const openApiCost = { loadMs: 0, compileMs: 0, operations: 0 }

function loadDescription(): OpenApiDescription {
  if (!description) {
    const start = performance.now()
    description = JSON.parse(readFileSync(DESCRIPTION_PATH, 'utf8')) as OpenApiDescription
    openApiCost.loadMs = performance.now() - start
  }
  return description
}

function ajvs(): { body: Ajv; params: Ajv } {
  if (!bodyAjv || !paramsAjv) {
    // strictSchema catches a conversion that leaves an OpenAPI-only keyword behind; the type checks are
    // GitHub's business (its schemas use `properties` without `type: object` and the like).
    const common = { allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false } as const
    bodyAjv = new Ajv({ ...common, strictRequired: false })
    paramsAjv = new Ajv({ ...common, strictRequired: false, coerceTypes: true, useDefaults: true })
    addFormats(bodyAjv)
    addFormats(paramsAjv)
  }
  return { body: bodyAjv, params: paramsAjv }
}

/**
 * Converts an OpenAPI 3.0 schema object to JSON Schema (draft-07) for Ajv:
 * - `nullable: true` with a `type` becomes `type: [type, 'null']` (and `null` joins an `enum`); without a
 *   `type` (a `oneOf`/`allOf`/… schema) it becomes `anyOf: [schema, {type: 'null'}]`. `nullable: false` goes.
 * - A `oneOf` whose branches are nullable (GitHub's `validation-error.value`) would match `null` in several
 *   branches, which `oneOf` forbids: the nullability moves up to the `oneOf` itself.
 * - `$ref: '#/components/schemas/X'` becomes a reference to a separately added schema `X` (converted on
 *   demand, so only what the served operations reach is ever converted and compiled).
 * - OpenAPI-only keywords (`discriminator`, `example`, `xml`, `externalDocs`, `x-…`) and annotations are dropped;
 *   the boolean `exclusiveMinimum`/`exclusiveMaximum` of 3.0 become draft-07 numbers.
 */
export function toJsonSchema(schema: Schema, refs: Set<string>, formats: Set<string>): Schema {
  const ref = schema.$ref
  if (typeof ref === 'string') {
    const name = componentName(ref, 'schemas')
    refs.add(name)
    return { $ref: SCHEMA_BASE + name }
  }
  let nullable = schema.nullable === true
  const out: Schema = {}
  for (const [key, value] of Object.entries(schema)) {
    if (KEPT_KEYWORDS.has(key)) out[key] = value
    if (key === 'format' && typeof value === 'string') formats.add(value)
  }
  if (isSchema(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, sub]) => [
        name,
        toJsonSchema(asSchema(sub), refs, formats),
      ]),
    )
  }
  if (isSchema(schema.items)) out.items = toJsonSchema(schema.items, refs, formats)
  if (isSchema(schema.not)) out.not = toJsonSchema(schema.not, refs, formats)
  if (typeof schema.additionalProperties === 'boolean') out.additionalProperties = schema.additionalProperties
  else if (isSchema(schema.additionalProperties))
    out.additionalProperties = toJsonSchema(schema.additionalProperties, refs, formats)
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[key]
    if (!Array.isArray(branches)) continue
    let list = branches.map(asSchema)
    if (key !== 'allOf' && list.some((branch) => branch.nullable === true)) {
      nullable = true
      list = list.map((branch) => ({ ...branch, nullable: false }))
    }
    out[key] = list.map((branch) => toJsonSchema(branch, refs, formats))
  }
  for (const key of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum'
    if (schema[key] === true && typeof schema[bound] === 'number') {
      out[key] = schema[bound]
      delete out[bound]
    } else if (typeof schema[key] === 'number') out[key] = schema[key]
  }
  if (!nullable) return out
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null']
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null]
    return out
  }
  if (Array.isArray(out.type)) {
    if (!out.type.includes('null')) out.type = [...(out.type as unknown[]), 'null']
    return out
  }
  const { default: fallback, ...rest } = out
  return fallback === undefined
    ? { anyOf: [rest, { type: 'null' }] }
    : { anyOf: [rest, { type: 'null' }], default: fallback }
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asSchema(value: unknown): Schema {
  if (!isSchema(value))
    throw new Error(`github-server: expected a schema object, got ${JSON.stringify(value)}`)
  return value
}

function componentName(ref: string, kind: 'schemas' | 'parameters' | 'responses'): string {
  const prefix = `#/components/${kind}/`
  if (!ref.startsWith(prefix)) throw new Error(`github-server: unsupported $ref ${ref}`)
  return ref.slice(prefix.length)
}

function resolve(value: unknown, kind: 'parameters' | 'responses'): Schema {
  const schema = asSchema(value)
  if (typeof schema.$ref !== 'string') return schema
  const target = loadDescription().components[kind][componentName(schema.$ref, kind)]
  if (!target) throw new Error(`github-server: dangling $ref ${schema.$ref}`)
  return target
}

/** Converts a schema and adds every component it reaches (transitively) to `ajv`, once. */
function prepare(ajv: Ajv, schema: Schema): Schema {
  const refs = new Set<string>()
  const formats = new Set<string>()
  const converted = toJsonSchema(schema, refs, formats)
  const pending = [...refs]
  const components = loadDescription().components.schemas
  while (pending.length > 0) {
    const name = pending.pop() as string
    const key = `${ajv === paramsAjv ? 'p' : 'b'}:${name}`
    if (addedComponents.has(key)) continue
    addedComponents.add(key)
    const component = components[name]
    if (!component) throw new Error(`github-server: no component schema ${name}`)
    const more = new Set<string>()
    ajv.addSchema({ $id: SCHEMA_BASE + name, ...toJsonSchema(component, more, formats) })
    pending.push(...more)
  }
  for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true)
  return converted
}

interface CompiledOperation {
  operationId: string
  docsUrl: string
  /** Path and query parameters, validated (coerced, defaults applied) as one object. */
  params: ValidateFunction
  queryNames: Set<string>
  body: { validate: ValidateFunction; required: boolean; names: Set<string> | undefined } | undefined
  /** Declared JSON responses by status; `null` for a declared response without a JSON body. */
  responses: Map<number, ValidateFunction | null>
}

function compileOperation(path: string, method: string): CompiledOperation {
  const key = `${method} ${path}`
  const cached = operations.get(key)
  if (cached) return cached
  const start = performance.now()
  const { body: ajvBody, params: ajvParams } = ajvs()
  const item = loadDescription().paths[path]
  const operation = item && isSchema(item[method]) ? item[method] : undefined
  if (!item || !operation) throw new Error(`github-server: no operation ${key} in the OpenAPI description`)

  const parameters = [
    ...(Array.isArray(item.parameters) ? item.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ].map((p) => resolve(p, 'parameters'))
  const properties: Schema = {}
  const required: string[] = []
  const queryNames = new Set<string>()
  for (const parameter of parameters) {
    const name = String(parameter.name)
    if (parameter.in === 'query') queryNames.add(name)
    else if (parameter.in !== 'path') continue
    properties[name] = prepare(ajvParams, asSchema(parameter.schema))
    if (parameter.required === true) required.push(name)
  }
  const params = ajvParams.compile({ type: 'object', properties, required })

  let body: CompiledOperation['body']
  const requestBody = isSchema(operation.requestBody) ? operation.requestBody : undefined
  const jsonBody =
    requestBody && isSchema(requestBody.content) ? requestBody.content['application/json'] : undefined
  if (isSchema(jsonBody) && isSchema(jsonBody.schema)) {
    const schema = jsonBody.schema
    const names =
      isSchema(schema.properties) && schema.additionalProperties === undefined
        ? new Set(Object.keys(schema.properties))
        : undefined
    body = {
      validate: ajvBody.compile(prepare(ajvBody, schema)),
      required: requestBody?.required === true,
      names,
    }
  }

  const responses = new Map<number, ValidateFunction | null>()
  for (const [status, value] of Object.entries(asSchema(operation.responses))) {
    const response = resolve(value, 'responses')
    const content = isSchema(response.content) ? response.content['application/json'] : undefined
    const schema = isSchema(content) && isSchema(content.schema) ? content.schema : undefined
    responses.set(Number(status), schema ? ajvBody.compile(prepare(ajvBody, schema)) : null)
  }
  const docs = isSchema(operation.externalDocs)
    ? String(operation.externalDocs.url)
    : 'https://docs.github.com/rest'
  const compiled: CompiledOperation = {
    operationId: String(operation.operationId),
    docsUrl: docs,
    params,
    queryNames,
    body,
    responses,
  }
  operations.set(key, compiled)
  openApiCost.compileMs += performance.now() - start
  openApiCost.operations += 1
  return compiled
}

let basicError: ValidateFunction | undefined
/** GitHub answers every error it doesn't declare per operation (401, rate limits, 5xx) with a basic-error. */
function basicErrorValidator(): ValidateFunction {
  basicError ??= ajvs().body.compile(prepare(ajvs().body, { $ref: '#/components/schemas/basic-error' }))
  return basicError
}

function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const at = `${where}${error.instancePath}`
    const detail =
      error.keyword === 'enum'
        ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})`
        : ''
    return `${at} ${error.message ?? error.keyword}${detail}`
  })
}

/** GitHub's wording for a request body that doesn't match its schema (`Invalid request.\n\n…`). */
function githubSchemaMessage(errors: ErrorObject[], data: unknown): string {
  const lines = errors.slice(0, 3).map((error) => {
    const pointer = error.instancePath
      .split('/')
      .filter(Boolean)
      .map((part) => `properties/${part}`)
      .join('/')
    if (error.keyword === 'required')
      return `"${(error.params as { missingProperty: string }).missingProperty}" wasn't supplied.`
    const value = JSON.stringify(pick(data, error.instancePath))
    if (error.keyword === 'enum') return `For '${pointer}', ${value} is not a member of enum.`
    if (error.keyword === 'type')
      return `For '${pointer}', ${value} is not ${[(error.params as { type: string | string[] }).type]
        .flat()
        .map((t) => `a ${t}`)
        .join(' or ')}.`
    return `For '${pointer}', ${value} ${error.message ?? 'is invalid'}.`
  })
  return `Invalid request.\n\n${lines.join('\n')}`
}

function pick(data: unknown, pointer: string): unknown {
  let current = data
  for (const part of pointer.split('/').filter(Boolean)) {
    current = isSchema(current) ? current[part] : Array.isArray(current) ? current[Number(part)] : undefined
  }
  return current
}

// ---------------------------------------------------------------------------------------------------------
// State

interface LabelRecord {
  id: number
  name: string
  color: string
  description: string | null
  default: boolean
}

interface IssueRecord {
  id: number
  number: number
  title: string
  body: string | null
  state: IssueState
  state_reason: StateReason | null
  labels: LabelRecord[]
  assignees: string[]
  user: string
  created_at: number
  updated_at: number
  closed_at: number | null
  closed_by: string | null
  pull_request: { merged_at: number | null } | null
}

interface RepoRecord {
  id: number
  owner: string
  name: string
  issues: IssueRecord[]
  labels: LabelRecord[]
  created_at: number
}

interface Token {
  login: string
  write: boolean
}

interface Quota {
  used: number
  limit: number
  resetAt: number
}

interface QueuedFault {
  spec: FaultSpec
  hits: number
  remaining: number
}

interface CutOff {
  after: number
  counted: number
  match: RequestMatcher | undefined
  kind: 'reset' | 'server-error'
  triggered: boolean
  active: boolean
}

interface Reply {
  status: number
  body: Json | undefined
  headers?: Record<string, string>
  /** Already validated against the OpenAPI description. */
  checked?: boolean
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message))
  }
}

interface Context {
  method: string
  url: URL
  /** The path with a `/repositories/{id}` alias resolved to `/repos/{owner}/{repo}`. */
  canonicalPath: string
  repo: RepoRecord | undefined
  params: Record<string, unknown>
  body: unknown
  actor: string
  operation: CompiledOperation
}

interface Route {
  method: HttpMethod
  template: string
  regex: RegExp
  names: string[]
  write: boolean
  handle: (context: Context) => Reply
}

const DEFAULT_LABELS: ReadonlyArray<[string, string, string]> = [
  ['bug', 'd73a4a', "Something isn't working"],
  ['documentation', '0075ca', 'Improvements or additions to documentation'],
  ['duplicate', 'cfd3d7', 'This issue or pull request already exists'],
  ['enhancement', 'a2eeef', 'New feature or request'],
  ['good first issue', '7057ff', 'Good for newcomers'],
  ['help wanted', '008672', 'Extra attention is needed'],
  ['invalid', 'e4e669', "This doesn't seem right"],
  ['question', 'd876e3', 'Further information is requested'],
  ['wontfix', 'ffffff', 'This will not be worked on'],
]

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
const RATE_LIMIT_DOCS =
  'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit'
const SECONDARY_DOCS =
  'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const nodeId = (type: string, id: number): string =>
  Buffer.from(`0${type.length}:${type}${id}`).toString('base64')

function parseIso(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw new Error(`github-server: not a timestamp: ${value}`)
  return ms
}

function matches(matcher: RequestMatcher | undefined, method: string, path: string): boolean {
  if (!matcher) return true
  if (matcher.method && matcher.method !== method) return false
  if (matcher.path === undefined) return true
  return typeof matcher.path === 'string' ? matcher.path === path : matcher.path.test(path)
}

// ---------------------------------------------------------------------------------------------------------
// The server

const SERVED: ReadonlyArray<[HttpMethod, string]> = [
  ['GET', '/user'],
  ['GET', '/repos/{owner}/{repo}'],
  ['GET', '/repos/{owner}/{repo}/issues'],
  ['POST', '/repos/{owner}/{repo}/issues'],
  ['GET', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['PATCH', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['GET', '/repos/{owner}/{repo}/labels'],
  ['POST', '/repos/{owner}/{repo}/labels'],
]

let nextRepoId = 700_000_001
let nextIssueId = 2_000_000_001
let nextLabelId = 6_000_000_001

class FakeGitHub implements GitHubServer {
  baseUrl = ''
  readonly requests: RecordedRequest[] = []
  readonly violations: ProtocolViolation[] = []
  readonly responseErrors: ResponseError[] = []

  private readonly server = createServer((req, res) => this.onRequest(req, res))
  private readonly sockets = new Set<Socket>()
  private readonly repos = new Map<string, RepoRecord>()
  private readonly tokens = new Map<string, Token>()
  private readonly assignable = new Set<string>()
  private readonly quotas = new Map<string, Quota>()
  private readonly faults: QueuedFault[] = []
  private readonly cutOffs: CutOff[] = []
  private readonly listeners = new Set<(event: WriteEvent) => void>()
  private readonly routes: Route[]
  private readonly now: () => number
  private performedWrites = 0

  constructor(private readonly options: GitHubServerOptions) {
    this.now = options.now ?? Date.now
    for (const spec of options.tokens ?? ['test-token']) {
      const token = typeof spec === 'string' ? { token: spec } : spec
      this.tokens.set(token.token, { login: token.login ?? 'postmortem-bot', write: token.write ?? true })
    }
    for (const login of options.assignableUsers ?? ['octocat', 'hubot'])
      this.assignable.add(login.toLowerCase())
    for (const token of this.tokens.values()) this.assignable.add(token.login.toLowerCase())
    for (const fullName of options.repos ?? ['acme/incidents']) this.addRepo(fullName)
    const handlers: Record<string, (context: Context) => Reply> = {
      'GET /user': (c) => this.getUser(c),
      'GET /repos/{owner}/{repo}': (c) => this.getRepo(c),
      'GET /repos/{owner}/{repo}/issues': (c) => this.listIssues(c),
      'POST /repos/{owner}/{repo}/issues': (c) => this.createIssue(c),
      'GET /repos/{owner}/{repo}/issues/{issue_number}': (c) => ({
        status: 200,
        body: this.issueJson(c, this.issue(c)),
      }),
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}': (c) => this.updateIssue(c),
      'GET /repos/{owner}/{repo}/labels': (c) => this.listLabels(c),
      'POST /repos/{owner}/{repo}/labels': (c) => this.createLabel(c),
    }
    this.routes = SERVED.map(([method, template]) => {
      const names: string[] = []
      const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name)
        return '([^/]+)'
      })
      const handle = handlers[`${method} ${template}`]
      if (!handle) throw new Error(`github-server: no handler for ${method} ${template}`)
      return {
        method,
        template,
        regex: new RegExp(`^${source}$`),
        names,
        write: WRITE_METHODS.has(method),
        handle,
      }
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    if (options.precompile)
      for (const [method, template] of SERVED) compileOperation(template, method.toLowerCase())
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    const { port } = this.server.address() as AddressInfo
    this.baseUrl = `http://127.0.0.1:${port}`
  }

  // --- helpers for tests --------------------------------------------------------------------------------

  writes(filter?: RequestMatcher): number {
    return this.requests.filter((r) => WRITE_METHODS.has(r.method) && matches(filter, r.method, r.path))
      .length
  }

  issues(repo?: string): IssueSnapshot[] {
    const record = this.repoOrThrow(repo)
    return [...record.issues].sort((a, b) => a.number - b.number).map((issue) => this.snapshot(record, issue))
  }

  labels(repo?: string): LabelSnapshot[] {
    return this.repoOrThrow(repo).labels.map((label) => ({ ...label }))
  }

  seedIssue(repo: string, seed: IssueSeed): IssueSnapshot {
    const record = this.repoOrThrow(repo)
    const now = this.now()
    const state = seed.state ?? 'open'
    const created = parseIso(seed.created_at, now)
    const closed = state === 'closed' ? parseIso(seed.closed_at, created) : null
    const issue: IssueRecord = {
      id: nextIssueId++,
      number: record.issues.length + 1,
      title: seed.title,
      body: seed.body === undefined ? null : seed.body,
      state,
      state_reason:
        seed.state_reason !== undefined ? seed.state_reason : state === 'closed' ? 'completed' : null,
      labels: (seed.labels ?? []).map(
        (name) => this.findLabel(record, name) ?? this.addLabel(record, { name }),
      ),
      assignees: seed.assignees ?? [],
      user: seed.user ?? 'octocat',
      created_at: created,
      updated_at: parseIso(seed.updated_at, closed ?? created),
      closed_at: closed,
      closed_by: closed === null ? null : (seed.user ?? 'octocat'),
      pull_request: seed.pull_request ? { merged_at: null } : null,
    }
    record.issues.push(issue)
    return this.snapshot(record, issue)
  }

  seedIssues(
    repo: string,
    count: number,
    template: IssueSeed | ((index: number) => IssueSeed),
  ): IssueSnapshot[] {
    return Array.from({ length: count }, (_, index) =>
      this.seedIssue(
        repo,
        typeof template === 'function'
          ? template(index)
          : { ...template, title: `${template.title} ${index + 1}` },
      ),
    )
  }

  seedLabel(repo: string, label: LabelSeed): LabelSnapshot {
    const record = this.repoOrThrow(repo)
    if (this.findLabel(record, label.name))
      throw new Error(`github-server: label ${label.name} exists in ${repo}`)
    return { ...this.addLabel(record, label) }
  }

  fail(spec: FaultSpec): FaultHandle {
    const fault: QueuedFault = { spec, hits: 0, remaining: spec.times ?? 1 }
    this.faults.push(fault)
    return {
      get hits() {
        return fault.hits
      },
      get remaining() {
        return fault.remaining
      },
      cancel: () => {
        fault.remaining = 0
      },
    }
  }

  failAfter(writes: number, options: FailAfterOptions = {}): CutOffHandle {
    const cutOff: CutOff = {
      after: writes,
      counted: 0,
      match: options.match,
      kind: options.kind ?? 'reset',
      triggered: writes <= 0,
      active: true,
    }
    this.cutOffs.push(cutOff)
    return {
      get triggered() {
        return cutOff.triggered
      },
      cancel: () => {
        cutOff.active = false
      },
    }
  }

  onWrite(listener: (event: WriteEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  clearFaults(): void {
    this.faults.length = 0
    for (const cutOff of this.cutOffs) cutOff.active = false
    this.cutOffs.length = 0
    this.quotas.clear()
  }

  resetRecording(): void {
    this.requests.length = 0
    this.violations.length = 0
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      for (const socket of this.sockets) socket.destroy()
    })
  }

  // --- request pipeline ---------------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      try {
        this.handle(req, res, Buffer.concat(chunks).toString('utf8'))
      } catch (error) {
        // A bug in this fake: answer 500 and let the test run fail loudly.
        if (!res.headersSent) this.send(res, { status: 500, body: { message: String(error) } })
        setImmediate(() => {
          throw error
        })
      }
    })
  }

  private handle(req: IncomingMessage, res: ServerResponse, text: string): void {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', this.baseUrl)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (name !== 'authorization' && value !== undefined)
        headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    const query: Record<string, string> = {}
    for (const [name, value] of url.searchParams) if (!(name in query)) query[name] = value
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      body: undefined,
      headers,
      operationId: undefined,
      status: null,
    }
    this.requests.push(recorded)
    const violation = (errors: string[]): void => {
      this.violations.push({ method, path: url.pathname, operationId: recorded.operationId, errors })
    }
    const answer = (reply: Reply, operation?: CompiledOperation): void => {
      const checked = this.checked(reply, operation, method, url.pathname)
      recorded.status = checked.status
      this.send(res, checked)
    }

    let body: unknown
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text)
        recorded.body = body
      } catch {
        recorded.body = text
        violation(['body is not JSON'])
        return answer({
          status: 400,
          body: {
            message: 'Problems parsing JSON',
            documentation_url: 'https://docs.github.com/rest',
            status: '400',
          },
        })
      }
    }

    // A "killed" client: every request after the cut-off fails.
    const cutOff = this.cutOffs.find((c) => c.active && c.triggered)
    if (cutOff) {
      if (cutOff.kind === 'reset') return void req.socket.destroy()
      return answer({ status: 500, body: { message: 'Server Error' } })
    }

    // Authentication.
    const authorization = req.headers.authorization ?? ''
    const tokenText = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization)?.[1]
    const token = tokenText === undefined ? undefined : this.tokens.get(tokenText)
    if (!token) {
      const quota = this.quota('', 60)
      quota.used += 1
      return answer({
        status: 401,
        body: {
          message: authorization ? 'Bad credentials' : 'Requires authentication',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        },
        headers: this.rateHeaders(quota),
      })
    }

    // Routing: /repositories/{id}/… is GitHub's alias (used in its Link headers) for /repos/{owner}/{repo}/….
    let pathname = url.pathname
    let aliasRepo: RepoRecord | undefined
    const alias = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname)
    if (alias) {
      aliasRepo = [...this.repos.values()].find((r) => r.id === Number(alias[1]))
      if (aliasRepo) pathname = `/repos/${aliasRepo.owner}/${aliasRepo.name}${alias[2] ?? ''}`
    }
    let route: Route | undefined
    let found: RegExpExecArray | null = null
    for (const candidate of this.routes) {
      if (candidate.method !== method) continue
      found = candidate.regex.exec(pathname)
      if (found) {
        route = candidate
        break
      }
    }
    const quota = this.quota(tokenText as string)
    quota.used += 1
    const rate = (): Record<string, string> => this.rateHeaders(quota)
    const match = found
    if (!route || !match) {
      violation([`${method} ${url.pathname} is not an operation this server serves`])
      return answer({
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
        headers: rate(),
      })
    }
    const operation = compileOperation(route.template, route.method.toLowerCase())
    recorded.operationId = operation.operationId
    const notFound = (): Reply => ({
      status: 404,
      body: { message: 'Not Found', documentation_url: operation.docsUrl, status: '404' },
      headers: rate(),
    })

    // Request validation: path, query, body.
    const params: Record<string, unknown> = {}
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? '')))
    const pathNames = new Set(route.names)
    for (const [name, value] of Object.entries(query)) if (!pathNames.has(name)) params[name] = value
    if (!operation.params(params)) {
      const errors = describeErrors('params', operation.params.errors)
      violation(errors)
      const inPath = (operation.params.errors ?? []).some((e) =>
        pathNames.has(e.instancePath.split('/')[1] ?? ''),
      )
      if (inPath) return answer(notFound(), operation)
      return answer(
        this.validationFailed(operation, `Invalid request.\n\n${errors.join('\n')}`, rate()),
        operation,
      )
    }
    const unknownQuery = Object.keys(query).filter((name) => !operation.queryNames.has(name))
    if (unknownQuery.length > 0)
      violation(unknownQuery.map((name) => `query parameter ${name} is not defined`))
    if (operation.body) {
      const value = body ?? (operation.body.required ? {} : undefined)
      if (value !== undefined && !operation.body.validate(value)) {
        const errors = operation.body.validate.errors ?? []
        violation(describeErrors('body', errors))
        return answer(this.validationFailed(operation, githubSchemaMessage(errors, value), rate()), operation)
      }
      const names = operation.body.names
      if (names && isSchema(body)) {
        const unknown = Object.keys(body).filter((name) => !names.has(name))
        if (unknown.length > 0) violation(unknown.map((name) => `body property ${name} is not defined`))
      }
    }

    // The repository.
    let repo: RepoRecord | undefined
    if (route.names.includes('owner')) {
      repo = aliasRepo ?? this.repos.get(`${String(params.owner)}/${String(params.repo)}`.toLowerCase())
      if (!repo) return answer(notFound(), operation)
    }

    // Rate limits: a quota exhausted by a primary-limit fault or by use.
    if (quota.used > quota.limit) return answer(this.primaryLimit(quota, 403), operation)

    // Permissions.
    if (route.write && !token.write) {
      return answer(
        {
          status: 403,
          body: {
            message: 'Resource not accessible by personal access token',
            documentation_url: operation.docsUrl,
            status: '403',
          },
          headers: { ...rate(), 'x-accepted-github-permissions': 'issues=write' },
        },
        operation,
      )
    }

    const context: Context = {
      method,
      url,
      canonicalPath: pathname,
      repo,
      params,
      body,
      actor: token.login,
      operation,
    }
    const perform = (): Reply => {
      let reply: Reply
      try {
        reply = route.handle(context)
      } catch (error) {
        if (!(error instanceof HttpError)) throw error
        reply = { status: error.status, body: error.body, headers: error.headers }
      }
      reply.headers = { ...rate(), ...reply.headers }
      if (route.write && reply.status < 300) this.performed(context, reply)
      return this.checked(reply, operation, method, url.pathname)
    }

    // Injected faults.
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (matches(f.spec, method, url.pathname) || matches(f.spec, method, pathname)),
    )
    if (fault) {
      fault.remaining -= 1
      fault.hits += 1
      const spec = fault.spec
      switch (spec.kind) {
        case 'secondary-limit': {
          const requestId = this.requestId()
          const headers = rate()
          if (spec.retryAfter !== null) headers['retry-after'] = String(spec.retryAfter ?? 1)
          headers['x-github-request-id'] = requestId
          return answer(
            {
              status: spec.status ?? 403,
              body: {
                message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
                documentation_url: SECONDARY_DOCS,
                status: String(spec.status ?? 403),
              },
              headers,
            },
            operation,
          )
        }
        case 'primary-limit': {
          quota.used = quota.limit + 1
          quota.resetAt = Math.ceil(this.now() / 1000 + (spec.resetAfter ?? 1))
          return answer(this.primaryLimit(quota, spec.status ?? 403), operation)
        }
        case 'bad-gateway-after-create':
          perform()
          return answer({ status: 502, body: { message: 'Server Error' }, headers: rate() }, operation)
        case 'reset':
          if (spec.afterWrite) perform()
          return void req.socket.destroy()
        case 'server-error':
          if (spec.afterWrite) perform()
          return answer(
            { status: spec.status ?? 500, body: { message: 'Server Error' }, headers: rate() },
            operation,
          )
        case 'unprocessable':
          return answer(
            {
              status: 422,
              body: (spec.body as unknown as Json | undefined) ?? {
                message: 'Validation Failed',
                errors: [
                  { resource: 'Issue', code: 'custom', field: 'body', message: 'injected by github-server' },
                ],
                documentation_url: operation.docsUrl,
                status: '422',
              },
              headers: rate(),
            },
            operation,
          )
        case 'hang':
          return
      }
    }

    answer(perform(), operation)
  }

  private performed(context: Context, reply: Reply): void {
    this.performedWrites += 1
    const path = context.url.pathname
    for (const cutOff of this.cutOffs) {
      if (!cutOff.active || cutOff.triggered) continue
      const hit =
        matches(cutOff.match, context.method, path) ||
        matches(cutOff.match, context.method, context.canonicalPath)
      if (!hit) continue
      cutOff.counted += 1
      if (cutOff.counted >= cutOff.after) cutOff.triggered = true
    }
    if (this.listeners.size === 0) return
    const repo = context.repo as RepoRecord
    const number =
      isSchema(reply.body) && typeof reply.body.number === 'number' ? reply.body.number : undefined
    const issue = number === undefined ? undefined : repo.issues.find((i) => i.number === number)
    const event: WriteEvent = {
      method: context.method,
      path,
      operationId: context.operation.operationId,
      repo: `${repo.owner}/${repo.name}`,
      status: reply.status,
      issue: issue && this.snapshot(repo, issue),
      count: this.performedWrites,
    }
    for (const listener of this.listeners) listener(event)
  }

  /**
   * Validates a response body against the operation's declared response for its status; statuses an
   * operation doesn't declare (401, rate limits, 5xx) are GitHub's generic `basic-error`. A mismatch is a bug
   * in this fake: it becomes a 500, is recorded, and (by default) is thrown as an uncaught error.
   */
  private checked(
    reply: Reply,
    operation: CompiledOperation | undefined,
    method: string,
    path: string,
  ): Reply {
    if (reply.body === undefined || reply.checked) return reply
    const declared = operation?.responses.get(reply.status)
    const validate = declared === undefined && reply.status >= 400 ? basicErrorValidator() : declared
    const operationId = operation?.operationId ?? '(none)'
    const errors =
      validate === undefined
        ? [`status ${reply.status} is not declared for ${operationId}`]
        : validate !== null && !validate(reply.body)
          ? describeErrors('response', validate.errors)
          : []
    if (errors.length === 0) return { ...reply, checked: true }
    const error: ResponseError = { method, path, operationId, status: reply.status, errors }
    this.responseErrors.push(error)
    if (this.options.onInvalidResponse !== 'record') {
      setImmediate(() => {
        throw new Error(`github-server: invalid response ${JSON.stringify(error, null, 2)}`)
      })
    }
    return {
      status: 500,
      body: { message: `github-server bug: ${operationId} ${reply.status} response: ${errors.join('; ')}` },
      checked: true,
    }
  }

  private send(res: ServerResponse, reply: Reply): void {
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body)
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': this.requestId(),
      ...reply.headers,
    })
    res.end(payload)
  }

  private requestId(): string {
    const hex = (n: number): string => randomBytes(n).toString('hex').toUpperCase()
    return `${hex(2)}:${hex(3)}:${hex(4)}:${hex(4)}:${hex(4)}`
  }

  private quota(token: string, limit = this.options.rateLimit?.limit ?? 5000): Quota {
    const window = this.options.rateLimit?.windowSeconds ?? 3600
    const nowSeconds = Math.floor(this.now() / 1000)
    let quota = this.quotas.get(token)
    if (!quota || quota.resetAt <= nowSeconds) {
      quota = { used: 0, limit, resetAt: nowSeconds + window }
      this.quotas.set(token, quota)
    }
    return quota
  }

  private rateHeaders(quota: Quota): Record<string, string> {
    return {
      'x-ratelimit-limit': String(quota.limit),
      'x-ratelimit-remaining': String(Math.max(0, quota.limit - quota.used)),
      'x-ratelimit-reset': String(quota.resetAt),
      'x-ratelimit-used': String(Math.min(quota.used, quota.limit)),
      'x-ratelimit-resource': 'core',
    }
  }

  private primaryLimit(quota: Quota, status: 403 | 429): Reply {
    return {
      status,
      body: {
        message: 'API rate limit exceeded for user ID 1.',
        documentation_url: RATE_LIMIT_DOCS,
        status: String(status),
      },
      headers: this.rateHeaders(quota),
    }
  }

  private validationFailed(
    operation: CompiledOperation,
    message: string,
    headers: Record<string, string>,
  ): Reply {
    return { status: 422, body: { message, documentation_url: operation.docsUrl, status: '422' }, headers }
  }

  private invalid(operation: CompiledOperation, errors: JsonObject[]): HttpError {
    return new HttpError(422, {
      message: 'Validation Failed',
      errors,
      documentation_url: operation.docsUrl,
      status: '422',
    })
  }

  // --- state --------------------------------------------------------------------------------------------

  private addRepo(fullName: string): void {
    const [owner, name, ...rest] = fullName.split('/')
    if (!owner || !name || rest.length > 0)
      throw new Error(`github-server: repo must be owner/name, got ${fullName}`)
    const repo: RepoRecord = { id: nextRepoId++, owner, name, issues: [], labels: [], created_at: this.now() }
    if (this.options.defaultLabels ?? true) {
      for (const [label, color, text] of DEFAULT_LABELS) {
        repo.labels.push({ id: nextLabelId++, name: label, color, description: text, default: true })
      }
    }
    this.repos.set(fullName.toLowerCase(), repo)
  }

  private repoOrThrow(fullName: string | undefined): RepoRecord {
    const repo =
      fullName === undefined ? this.repos.values().next().value : this.repos.get(fullName.toLowerCase())
    if (!repo) throw new Error(`github-server: no repository ${fullName ?? ''}`)
    return repo
  }

  private findLabel(repo: RepoRecord, name: string): LabelRecord | undefined {
    const wanted = name.toLowerCase()
    return repo.labels.find((label) => label.name.toLowerCase() === wanted)
  }

  private addLabel(repo: RepoRecord, seed: LabelSeed): LabelRecord {
    const label: LabelRecord = {
      id: nextLabelId++,
      name: seed.name,
      color: (seed.color ?? 'ededed').toLowerCase(),
      description: seed.description ?? null,
      default: false,
    }
    repo.labels.push(label)
    return label
  }

  private snapshot(repo: RepoRecord, issue: IssueRecord): IssueSnapshot {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`
    return {
      id: issue.id,
      node_id: nodeId(issue.pull_request ? 'PullRequest' : 'Issue', issue.id),
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      labels: issue.labels.map((label) => label.name),
      assignees: [...issue.assignees],
      user: issue.user,
      url: `${api}/issues/${issue.number}`,
      html_url: this.htmlUrl(repo, issue),
      created_at: iso(issue.created_at),
      updated_at: iso(issue.updated_at),
      closed_at: issue.closed_at === null ? null : iso(issue.closed_at),
      pull_request: issue.pull_request !== null,
    }
  }

  private htmlUrl(repo: RepoRecord, issue: IssueRecord): string {
    const kind = issue.pull_request ? 'pull' : 'issues'
    return `${this.options.htmlBaseUrl ?? 'https://github.com'}/${repo.owner}/${repo.name}/${kind}/${issue.number}`
  }

  private userJson(login: string): JsonObject {
    const api = this.baseUrl
    const id = [...login].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) % 90_000_000, 7) + 1000
    return {
      login,
      id,
      node_id: nodeId('User', id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: `${api}/users/${login}`,
      html_url: `${this.options.htmlBaseUrl ?? 'https://github.com'}/${login}`,
      followers_url: `${api}/users/${login}/followers`,
      following_url: `${api}/users/${login}/following{/other_user}`,
      gists_url: `${api}/users/${login}/gists{/gist_id}`,
      starred_url: `${api}/users/${login}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/users/${login}/subscriptions`,
      organizations_url: `${api}/users/${login}/orgs`,
      repos_url: `${api}/users/${login}/repos`,
      events_url: `${api}/users/${login}/events{/privacy}`,
      received_events_url: `${api}/users/${login}/received_events`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      user_view_type: 'public',
      site_admin: false,
    }
  }

  private labelJson(repo: RepoRecord, label: LabelRecord): JsonObject {
    return {
      id: label.id,
      node_id: nodeId('Label', label.id),
      url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: label.default,
      description: label.description,
    }
  }

  private issueJson(context: Context, issue: IssueRecord): JsonObject {
    const repo = context.repo as RepoRecord
    const repoApi = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`
    const url = `${repoApi}/issues/${issue.number}`
    const json: JsonObject = {
      url,
      repository_url: repoApi,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: this.htmlUrl(repo, issue),
      id: issue.id,
      node_id: nodeId(issue.pull_request ? 'PullRequest' : 'Issue', issue.id),
      number: issue.number,
      title: issue.title,
      user: this.userJson(issue.user),
      labels: issue.labels.map((label) => this.labelJson(repo, label)),
      state: issue.state,
      locked: false,
      assignee: issue.assignees[0] === undefined ? null : this.userJson(issue.assignees[0]),
      assignees: issue.assignees.map((login) => this.userJson(login)),
      milestone: null,
      comments: 0,
      created_at: iso(issue.created_at),
      updated_at: iso(issue.updated_at),
      closed_at: issue.closed_at === null ? null : iso(issue.closed_at),
      author_association: issue.user.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'COLLABORATOR',
      active_lock_reason: null,
      body: issue.body,
      closed_by: issue.closed_by === null ? null : this.userJson(issue.closed_by),
      reactions: {
        url: `${url}/reactions`,
        total_count: 0,
        '+1': 0,
        '-1': 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
      timeline_url: `${url}/timeline`,
      performed_via_github_app: null,
      state_reason: issue.state_reason,
    }
    if (issue.pull_request) {
      const pull = `${repoApi}/pulls/${issue.number}`
      const html = this.htmlUrl(repo, issue)
      json.draft = false
      json.pull_request = {
        url: pull,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: issue.pull_request.merged_at === null ? null : iso(issue.pull_request.merged_at),
      }
    }
    return json
  }

  private issue(context: Context): IssueRecord {
    const repo = context.repo as RepoRecord
    const issue = repo.issues.find((i) => i.number === context.params.issue_number)
    if (!issue) {
      throw new HttpError(404, {
        message: 'Not Found',
        documentation_url: context.operation.docsUrl,
        status: '404',
      })
    }
    return issue
  }

  private paginate<T>(context: Context, items: T[]): { page: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(context.params.per_page)))
    const page = Math.max(1, Number(context.params.page))
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const repo = context.repo as RepoRecord
    const linkPath =
      (this.options.linkStyle ?? 'repositories') === 'repositories'
        ? context.url.pathname.replace(/^\/repos\/[^/]+\/[^/]+/, `/repositories/${repo.id}`)
        : context.url.pathname
    const link = (target: number, rel: string): string => {
      const search = new URLSearchParams(context.url.search)
      search.set('page', String(target))
      return `<${this.baseUrl}${linkPath}?${search.toString()}>; rel="${rel}"`
    }
    const links: string[] = []
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'))
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'))
    return {
      page: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    }
  }

  // --- operations ---------------------------------------------------------------------------------------

  private getUser(context: Context): Reply {
    const now = iso(this.now())
    return {
      status: 200,
      body: {
        ...this.userJson(context.actor),
        user_view_type: 'private',
        name: null,
        company: null,
        blog: '',
        location: null,
        email: null,
        hireable: null,
        bio: null,
        twitter_username: null,
        public_repos: this.repos.size,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: now,
        updated_at: now,
        private_gists: 0,
        total_private_repos: 0,
        owned_private_repos: 0,
        disk_usage: 0,
        collaborators: 0,
        two_factor_authentication: true,
      },
    }
  }

  private getRepo(context: Context): Reply {
    const repo = context.repo as RepoRecord
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`
    const html = `${this.options.htmlBaseUrl ?? 'https://github.com'}/${repo.owner}/${repo.name}`
    const open = repo.issues.filter((issue) => issue.state === 'open').length
    const created = iso(repo.created_at)
    const templated: Record<string, string> = {
      archive_url: '/{archive_format}{/ref}',
      assignees_url: '/assignees{/user}',
      blobs_url: '/git/blobs{/sha}',
      branches_url: '/branches{/branch}',
      collaborators_url: '/collaborators{/collaborator}',
      comments_url: '/comments{/number}',
      commits_url: '/commits{/sha}',
      compare_url: '/compare/{base}...{head}',
      contents_url: '/contents/{+path}',
      contributors_url: '/contributors',
      deployments_url: '/deployments',
      downloads_url: '/downloads',
      events_url: '/events',
      forks_url: '/forks',
      git_commits_url: '/git/commits{/sha}',
      git_refs_url: '/git/refs{/sha}',
      git_tags_url: '/git/tags{/sha}',
      hooks_url: '/hooks',
      issue_comment_url: '/issues/comments{/number}',
      issue_events_url: '/issues/events{/number}',
      issues_url: '/issues{/number}',
      keys_url: '/keys{/key_id}',
      labels_url: '/labels{/name}',
      languages_url: '/languages',
      merges_url: '/merges',
      milestones_url: '/milestones{/number}',
      notifications_url: '/notifications{?since,all,participating}',
      pulls_url: '/pulls{/number}',
      releases_url: '/releases{/id}',
      stargazers_url: '/stargazers',
      statuses_url: '/statuses/{sha}',
      subscribers_url: '/subscribers',
      subscription_url: '/subscription',
      tags_url: '/tags',
      teams_url: '/teams',
      trees_url: '/git/trees{/sha}',
    }
    return {
      status: 200,
      body: {
        id: repo.id,
        node_id: nodeId('Repository', repo.id),
        name: repo.name,
        full_name: `${repo.owner}/${repo.name}`,
        private: true,
        owner: this.userJson(repo.owner),
        html_url: html,
        description: null,
        fork: false,
        url: api,
        ...Object.fromEntries(Object.entries(templated).map(([key, suffix]) => [key, api + suffix])),
        git_url: `git://github.com/${repo.owner}/${repo.name}.git`,
        ssh_url: `git@github.com:${repo.owner}/${repo.name}.git`,
        clone_url: `${html}.git`,
        svn_url: html,
        mirror_url: null,
        homepage: null,
        language: null,
        forks_count: 0,
        forks: 0,
        stargazers_count: 0,
        watchers_count: 0,
        watchers: 0,
        size: 0,
        default_branch: 'main',
        open_issues_count: open,
        open_issues: open,
        is_template: false,
        topics: [],
        has_issues: true,
        has_projects: true,
        has_wiki: false,
        has_pages: false,
        has_downloads: true,
        has_discussions: false,
        archived: false,
        disabled: false,
        visibility: 'private',
        pushed_at: created,
        created_at: created,
        updated_at: created,
        permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
        license: null,
        network_count: 0,
        subscribers_count: 0,
      },
    }
  }

  private listIssues(context: Context): Reply {
    const repo = context.repo as RepoRecord
    const p = context.params
    const wantedLabels =
      typeof p.labels === 'string' && p.labels !== ''
        ? p.labels.split(',').map((name) => name.trim().toLowerCase())
        : []
    const since = typeof p.since === 'string' ? Date.parse(p.since) : undefined
    const lower = (value: unknown): string | undefined =>
      typeof value === 'string' ? value.toLowerCase() : undefined
    const assignee = lower(p.assignee)
    const creator = lower(p.creator)
    const mentioned = lower(p.mentioned)
    const selected = repo.issues.filter((issue) => {
      if (p.state !== 'all' && issue.state !== p.state) return false
      const names = issue.labels.map((label) => label.name.toLowerCase())
      if (!wantedLabels.every((name) => names.includes(name))) return false
      if (since !== undefined && issue.updated_at < since) return false
      const assignees = issue.assignees.map((login) => login.toLowerCase())
      if (
        assignee === 'none'
          ? assignees.length > 0
          : assignee === '*'
            ? assignees.length === 0
            : assignee !== undefined && !assignees.includes(assignee)
      )
        return false
      if (creator !== undefined && issue.user.toLowerCase() !== creator) return false
      if (mentioned !== undefined && !(issue.body ?? '').toLowerCase().includes(`@${mentioned}`)) return false
      if (p.milestone !== undefined && p.milestone !== 'none') return false
      if (p.type !== undefined && p.type !== 'none') return false
      return true
    })
    const key = p.sort === 'updated' ? 'updated_at' : 'created_at'
    const sign = p.direction === 'asc' ? 1 : -1
    selected.sort((a, b) => sign * (a[key] - b[key] || a.number - b.number))
    const { page, headers } = this.paginate(context, selected)
    return { status: 200, body: page.map((issue) => this.issueJson(context, issue)), headers }
  }

  private resolveLabels(context: Context, values: unknown[]): LabelRecord[] {
    const repo = context.repo as RepoRecord
    const result: LabelRecord[] = []
    for (const value of values) {
      const name =
        typeof value === 'string'
          ? value
          : isSchema(value) && typeof value.name === 'string'
            ? value.name
            : undefined
      if (name === undefined || name.trim() === '') continue
      let label = this.findLabel(repo, name)
      if (!label) {
        if (this.options.missingLabels === 'reject') {
          throw this.invalid(context.operation, [
            { resource: 'Label', field: 'name', code: 'invalid', value: name },
          ])
        }
        label = this.addLabel(repo, { name })
      }
      if (!result.includes(label)) result.push(label)
    }
    return result
  }

  private resolveAssignees(context: Context, values: unknown[]): string[] {
    const logins = values
      .map((value) => (typeof value === 'string' ? value : isSchema(value) ? value.login : undefined))
      .filter((login): login is string => typeof login === 'string' && login !== '')
    const invalid = logins.filter((login) => !this.assignable.has(login.toLowerCase()))
    if (invalid.length > 0 && this.options.invalidAssignees !== 'drop') {
      throw this.invalid(
        context.operation,
        invalid.map((login) => ({ value: login, resource: 'Issue', field: 'assignees', code: 'invalid' })),
      )
    }
    return [...new Set(logins.filter((login) => this.assignable.has(login.toLowerCase())))]
  }

  private checkText(context: Context, title: string | undefined, body: string | null | undefined): void {
    const errors: JsonObject[] = []
    if (title !== undefined && title.trim() === '')
      errors.push({ resource: 'Issue', code: 'missing_field', field: 'title' })
    if (title !== undefined && title.length > 256)
      errors.push({
        resource: 'Issue',
        code: 'custom',
        field: 'title',
        message: 'title is too long (maximum is 256 characters)',
      })
    if (typeof body === 'string' && body.length > 65536)
      errors.push({
        resource: 'Issue',
        code: 'custom',
        field: 'body',
        message: 'body is too long (maximum is 65536 characters)',
      })
    if (errors.length > 0) throw this.invalid(context.operation, errors)
  }

  private createIssue(context: Context): Reply {
    const repo = context.repo as RepoRecord
    const input = context.body as Schema
    const title = String(input.title)
    const body = typeof input.body === 'string' ? input.body : null
    this.checkText(context, title, body)
    if (input.milestone !== undefined && input.milestone !== null) {
      throw this.invalid(context.operation, [
        { value: String(input.milestone), resource: 'Issue', field: 'milestone', code: 'invalid' },
      ])
    }
    const assigneeValues = Array.isArray(input.assignees)
      ? input.assignees
      : typeof input.assignee === 'string'
        ? [input.assignee]
        : []
    const assignees = this.resolveAssignees(context, assigneeValues)
    const labels = this.resolveLabels(context, Array.isArray(input.labels) ? input.labels : [])
    const now = this.now()
    const issue: IssueRecord = {
      id: nextIssueId++,
      number: repo.issues.length + 1,
      title,
      body,
      state: 'open',
      state_reason: null,
      labels,
      assignees,
      user: context.actor,
      created_at: now,
      updated_at: now,
      closed_at: null,
      closed_by: null,
      pull_request: null,
    }
    repo.issues.push(issue)
    const json = this.issueJson(context, issue)
    return { status: 201, body: json, headers: { location: String(json.url) } }
  }

  private updateIssue(context: Context): Reply {
    const issue = this.issue(context)
    const input = isSchema(context.body) ? context.body : {}
    const title = input.title === undefined || input.title === null ? undefined : String(input.title)
    const body = input.body === undefined ? undefined : (input.body as string | null)
    this.checkText(context, title, body)
    const before = JSON.stringify(issue)
    const assigneeValues = Array.isArray(input.assignees)
      ? input.assignees
      : input.assignee !== undefined
        ? typeof input.assignee === 'string'
          ? [input.assignee]
          : []
        : undefined
    const assignees =
      assigneeValues === undefined ? undefined : this.resolveAssignees(context, assigneeValues)
    const labels = Array.isArray(input.labels) ? this.resolveLabels(context, input.labels) : undefined
    const state = input.state as IssueState | undefined
    const reason = input.state_reason as StateReason | null | undefined
    if (state === 'open' && reason !== undefined && reason !== null && reason !== 'reopened') {
      throw this.invalid(context.operation, [
        { resource: 'Issue', field: 'state_reason', code: 'invalid', value: reason },
      ])
    }
    if (state === 'closed' && reason === 'reopened') {
      throw this.invalid(context.operation, [
        { resource: 'Issue', field: 'state_reason', code: 'invalid', value: reason },
      ])
    }
    const now = this.now()
    if (title !== undefined) issue.title = title
    if (body !== undefined) issue.body = body
    if (assignees !== undefined) issue.assignees = assignees
    if (labels !== undefined) issue.labels = labels
    if (state === 'closed' && issue.state === 'open') {
      issue.state = 'closed'
      issue.state_reason = reason ?? 'completed'
      issue.closed_at = now
      issue.closed_by = context.actor
    } else if (state === 'open' && issue.state === 'closed') {
      issue.state = 'open'
      issue.state_reason = 'reopened'
      issue.closed_at = null
      issue.closed_by = null
    }
    if (JSON.stringify(issue) !== before) issue.updated_at = now
    return { status: 200, body: this.issueJson(context, issue) }
  }

  private listLabels(context: Context): Reply {
    const repo = context.repo as RepoRecord
    const sorted = [...repo.labels].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
    const { page, headers } = this.paginate(context, sorted)
    return { status: 200, body: page.map((label) => this.labelJson(repo, label)), headers }
  }

  private createLabel(context: Context): Reply {
    const repo = context.repo as RepoRecord
    const input = context.body as Schema
    const name = String(input.name)
    const errors: JsonObject[] = []
    if (name.trim() === '') errors.push({ resource: 'Label', code: 'missing_field', field: 'name' })
    else if (this.findLabel(repo, name))
      errors.push({ resource: 'Label', code: 'already_exists', field: 'name' })
    if (typeof input.color === 'string' && !/^[0-9a-f]{6}$/i.test(input.color))
      errors.push({ resource: 'Label', code: 'invalid', field: 'color' })
    if (typeof input.description === 'string' && input.description.length > 100)
      errors.push({ resource: 'Label', code: 'invalid', field: 'description' })
    if (errors.length > 0) throw this.invalid(context.operation, errors)
    const label = this.addLabel(repo, {
      name,
      color: typeof input.color === 'string' ? input.color : undefined,
      description: typeof input.description === 'string' ? input.description : null,
    })
    const json = this.labelJson(repo, label)
    return { status: 201, body: json, headers: { location: String(json.url) } }
  }
}

/** Starts a GitHub-compatible server on 127.0.0.1 (a free port). */
export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  loadDescription()
  const server = new FakeGitHub(options)
  await server.listen()
  return server
}
