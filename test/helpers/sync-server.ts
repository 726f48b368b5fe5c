import { afterEach, beforeEach, expect } from 'vitest'
import type { GitHubServer } from './github-server.js'
import { startGitHubServer } from './github-server.js'

const repo = 'acme/incidents'
const token = 'ghp_SENTINEL_token_never_printed_0123456789'

/**
 * A fresh test GitHub server for each test of the calling `describe` (checked for protocol
 * violations afterwards), and the environment that points `issues sync` at it with no waits.
 */
export function useSyncServer(): { server: () => GitHubServer; env: () => Record<string, string> } {
  let server: GitHubServer | undefined
  beforeEach(async () => {
    server = await startGitHubServer({ repos: [repo], tokens: [{ token, login: 'postmortem-bot' }] })
  })
  afterEach(async () => {
    expect(server!.violations).toEqual([])
    await server!.close()
  })
  return {
    server: () => server!,
    env: () => ({
      GITHUB_TOKEN: token,
      GITHUB_REPOSITORY: repo,
      GITHUB_API_URL: server!.baseUrl,
      POSTMORTEM_GITHUB_SPACING_MS: '0',
    }),
  }
}

export { repo as syncRepo }
