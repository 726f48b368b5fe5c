/**
 * Slack: a channel file of a workspace export (`<channel>/<YYYY-MM-DD>.json`, a JSON array of message
 * objects with `type`, `subtype`, `ts`, `user`, `text`, `reactions: [{name, users, count}]`,
 * `pinned_to`, `thread_ts`, `edited`, `bot_id`, `username`, `user_profile`, `files`) and optionally
 * the export's `users.json` (`[{id, name, real_name, profile: {display_name, real_name}}]`).
 *
 * Pinned messages, and messages with the chosen reaction, become events with the author as `actor`.
 * Exports carry a message's current text (an edit replaces it, `edited` says so); deleted messages are
 * gone, or left as `tombstone` placeholders in threads, which are skipped, as are join/leave/topic
 * messages. Thread replies are events of their own, at their own time. Mrkdwn becomes readable Markdown: `<@U123>` → `@name`,
 * `<#C123|name>` → `#name`, `<!here>` → `@here`, `<url|label>` → `[label](url)`, `&amp;` → `&`.
 */
import type { Diagnostic } from '../diagnostics.js'
import type { JsonPath } from './json-source.js'
import { JsonSource, formatJsonPath } from './json-source.js'
import type { EventKind, SourceResult } from './source.js'
import { cleanText, emptyResult, isObject, oneLine } from './source.js'

/** Options of the Slack reader. */
export interface SlackOptions {
  /** How the channel file is named in diagnostics. */
  file: string
  /** Reaction that marks a message for the timeline, without colons (default `pushpin`). */
  reaction?: string
  /** The export's `users.json` text, to turn user ids into names. */
  users?: { text: string; file: string }
  /** Kind of the events (default `note`). */
  kind?: EventKind
}

interface Person {
  /** Shown in mentions, after `@`. */
  handle: string
  /** Shown as the actor. */
  name: string
}

// Subtypes of messages that are not something a person said.
const channelEvents = new Set([
  'channel_join',
  'channel_leave',
  'channel_topic',
  'channel_purpose',
  'channel_name',
  'channel_archive',
  'channel_unarchive',
  'group_join',
  'group_leave',
  'group_topic',
  'group_purpose',
  'group_name',
  'pinned_item',
  'unpinned_item',
  'reminder_add',
  'bot_add',
  'bot_remove',
])
const deletedSubtypes = new Set(['tombstone', 'message_deleted'])

/** Reads a Slack channel export into events. */
export function readSlack(text: string, options: SlackOptions): SourceResult {
  const result = emptyResult()
  const reaction = (options.reaction ?? 'pushpin').replace(/^:|:$/g, '')
  let people = new Map<string, Person>()
  if (options.users) {
    const users = readUsers(options.users.text, options.users.file)
    if (!(users instanceof Map)) return { ...result, diagnostics: users }
    people = users
  }
  const json = JsonSource.parse(text, options.file)
  if (!(json instanceof JsonSource)) return { ...result, diagnostics: [json] }
  const hint = 'Give one channel file of a Slack export (`<channel>/<date>.json`): a JSON array of messages.'
  const messages = json.array(json.data, [], hint) ?? []
  // Names from the messages themselves (exports embed `user_profile`), where users.json has none.
  for (const message of messages) {
    if (!isObject(message) || typeof message.user !== 'string' || people.has(message.user)) continue
    const profile = isObject(message.user_profile) ? message.user_profile : undefined
    const person = personFrom(profile)
    if (person) people.set(message.user, person)
  }
  const seen = new Set<string>()
  for (const [index, message] of messages.entries()) {
    const path: JsonPath = [index]
    const m = json.object(message, path)
    if (!m) continue
    const origin = formatJsonPath(path)
    const ts = json.string(m.ts, [...path, 'ts'], 'Every message of a Slack export has a `ts` string.')
    if (ts === undefined) continue
    const seconds = Number(ts)
    if (!/^\d+(\.\d+)?$/.test(ts) || !Number.isFinite(seconds)) {
      json.problem([...path, 'ts'], `must be a Slack timestamp like \`1737576180.001200\`, got \`${ts}\``)
      continue
    }
    const at = Math.floor(seconds * 1000)
    // A message listed twice (two day files pasted together) counts once.
    if (seen.has(ts)) continue
    seen.add(ts)
    const subtype = typeof m.subtype === 'string' ? m.subtype : undefined
    const pinned = Array.isArray(m.pinned_to) && m.pinned_to.length > 0
    const reacted = Array.isArray(m.reactions) && m.reactions.some((r) => isObject(r) && r.name === reaction)
    if (!pinned && !reacted) {
      result.skipped.push({ reason: 'not-selected', origin, at })
      continue
    }
    if (subtype && deletedSubtypes.has(subtype)) {
      result.skipped.push({ reason: 'deleted', origin, at, detail: 'the message was deleted' })
      continue
    }
    if (subtype && channelEvents.has(subtype)) {
      result.skipped.push({ reason: 'channel-event', origin, at, detail: `a \`${subtype}\` message` })
      continue
    }
    const body = messageText(m, people)
    if (body === '') {
      result.skipped.push({ reason: 'no-text', origin, at, detail: 'the message has no text' })
      continue
    }
    const actor = author(m, people)
    result.events.push({
      at,
      kind: options.kind ?? 'note',
      text: body,
      ...(actor && { actor }),
      origin,
    })
  }
  result.diagnostics.push(...json.diagnostics)
  return result
}

function readUsers(text: string, file: string): Map<string, Person> | Diagnostic[] {
  const json = JsonSource.parse(text, file)
  if (!(json instanceof JsonSource)) return [json]
  const people = new Map<string, Person>()
  const list = json.array(json.data, [], 'Give the `users.json` file at the top of the Slack export.') ?? []
  for (const [index, entry] of list.entries()) {
    const user = json.object(entry, [index])
    if (!user) continue
    const id = json.string(user.id, [index, 'id'])
    const person = personFrom({
      ...(isObject(user.profile) ? user.profile : {}),
      name: user.name,
      ...(typeof user.real_name === 'string' && { real_name: user.real_name }),
    })
    if (id && person) people.set(id, person)
  }
  return json.diagnostics.length > 0 ? json.diagnostics : people
}

function personFrom(profile: Record<string, unknown> | undefined): Person | undefined {
  if (!profile) return undefined
  const pick = (...keys: string[]) =>
    keys.map((k) => profile[k]).find((v): v is string => typeof v === 'string' && v.trim() !== '')
  const handle = pick('display_name', 'name', 'real_name')
  const name = pick('real_name', 'display_name', 'name')
  return handle && name ? { handle: handle.trim(), name: name.trim() } : undefined
}

function author(m: Record<string, unknown>, people: Map<string, Person>): string | undefined {
  if (typeof m.user === 'string' && people.has(m.user)) return oneLine(people.get(m.user)!.name)
  // Bot messages name their bot in `username` or `bot_profile.name`.
  const bot = isObject(m.bot_profile) ? m.bot_profile.name : undefined
  for (const name of [m.username, bot, m.user, m.bot_id])
    if (typeof name === 'string' && name.trim() !== '') return oneLine(name)
  return undefined
}

/** The message as readable Markdown; files and attachments named when there is no text. */
function messageText(m: Record<string, unknown>, people: Map<string, Person>): string {
  let text = typeof m.text === 'string' ? mrkdwnToMarkdown(m.text, people) : ''
  if (text === '') {
    const names = [
      ...(Array.isArray(m.files) ? m.files : []).map((f) => (isObject(f) ? (f.title ?? f.name) : undefined)),
      ...(Array.isArray(m.attachments) ? m.attachments : []).map((a) =>
        isObject(a) ? (a.fallback ?? a.title ?? a.text) : undefined,
      ),
    ].filter((n): n is string => typeof n === 'string' && n.trim() !== '')
    text = names.join('\n')
  }
  return cleanText(text)
}

/**
 * Slack mrkdwn to Markdown: the `<…>` escapes become mentions and links, and `&amp;`, `&lt;`, `&gt;`
 * (the only entities Slack writes) become their characters. Emphasis marks are left as they are.
 */
export function mrkdwnToMarkdown(text: string, people: ReadonlyMap<string, Person> = new Map()): string {
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  return text
    .split(/(<[^<>\n]*>)/)
    .map((part, i) => {
      if (i % 2 === 0) return decode(part)
      const [target = '', label] = part.slice(1, -1).split(/\|(.*)/s)
      const shown = label === undefined || label === '' ? undefined : decode(label)
      if (target.startsWith('@')) {
        const id = target.slice(1)
        return `@${people.get(id)?.handle ?? shown?.replace(/^@/, '') ?? id}`
      }
      if (target.startsWith('#')) return `#${shown ?? target.slice(1)}`
      if (target.startsWith('!')) {
        const special = target.slice(1)
        if (['here', 'channel', 'everyone'].includes(special)) return `@${special}`
        // `<!subteam^S123|@oncall>`, `<!date^1392734382^{date}|Feb 18>`: their label is the text.
        return shown ?? `@${special.split('^')[0]}`
      }
      const url = decode(target)
      if (url.startsWith('mailto:')) return shown ?? url.slice('mailto:'.length)
      if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return decode(part)
      return shown && shown !== url ? `[${shown.replace(/[[\]]/g, '\\$&')}](${url})` : `<${url}>`
    })
    .join('')
}
