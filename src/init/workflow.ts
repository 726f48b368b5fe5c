/**
 * The actions the generated workflow uses, pinned to the full commit of a release (tags can be moved;
 * a commit cannot), with the release in a comment so Dependabot and people can follow updates.
 * Note: every SHA was checked against several independent public workflows that pin the same release;
 * these are the Node 24 releases (GitHub forces Node 20 actions onto Node 24 from June 2026).
 */
export const pinnedActions = {
  checkout: { uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupNode: { uses: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  configurePages: {
    uses: 'actions/configure-pages@45bfe0192ca1faeb007ade9deae92b16b8254a0d',
    version: 'v6.0.0',
  },
  uploadPagesArtifact: {
    uses: 'actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9',
    version: 'v5.0.0',
  },
  deployPages: { uses: 'actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128', version: 'v5.0.0' },
  cache: { uses: 'actions/cache@9255dc7a253b0ccc959486e2bca901246202afeb', version: 'v5.0.1' },
  // Note: actions/cache's own restore-only and save-only actions, at the same commit.
  cacheRestore: {
    uses: 'actions/cache/restore@9255dc7a253b0ccc959486e2bca901246202afeb',
    version: 'v5.0.1',
  },
  cacheSave: { uses: 'actions/cache/save@9255dc7a253b0ccc959486e2bca901246202afeb', version: 'v5.0.1' },
} as const

const use = (action: keyof typeof pinnedActions) =>
  `${pinnedActions[action].uses} # ${pinnedActions[action].version}`

/** The Node.js major the workflow runs postmortem on (the active LTS line). */
export const workflowNodeVersion = 24

/**
 * `.github/workflows/postmortem.yml`: annotations on pull requests; on pushes to the default branch,
 * the public site deployed to GitHub Pages, then the issue sync with the written-back numbers committed.
 */
export function workflowText(options: {
  /** The repository's default branch. */
  branch: string
  /** The incidents folder, relative to the repository root (forward slashes). */
  incidents: string
  /** The output folder, relative to the repository root (forward slashes). */
  out: string
}): string {
  const setup = `      - uses: ${use('setupNode')}
        with:
          node-version: ${workflowNodeVersion}
          cache: npm
      # postmortem and its dependencies, as package-lock.json pins them. Install scripts run: a postmortem
      # installed from git is built by its prepare script. Installed from a registry, add --ignore-scripts.
      - run: npm ci --no-audit --no-fund`
  return `# Written by \`postmortem init\`. Pull requests: every record is validated and problems are shown as
# annotations on the changed lines. Pushes to ${options.branch}: the public site is built and deployed to
# GitHub Pages (Settings → Pages → Source: GitHub Actions), then action items are synced to GitHub issues
# and the issue numbers are committed back into the records.
# Every action is pinned to the commit of a release (the comment names it); update them with Dependabot.
name: postmortem

on:
  pull_request:
  push:
    branches: [${options.branch}]

# Nothing by default: each job asks for what it needs.
permissions: {}

# A newer push to the same pull request cancels the older check; runs on ${options.branch} queue instead.
concurrency:
  group: postmortem-\${{ github.event.pull_request.number || github.ref }}
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}

jobs:
  validate:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: ${use('checkout')}
        with:
          persist-credentials: false
${setup}
      # What the base branch's last build found for each record (saved by the build job below, a few
      # MB): records this pull request does not change are not parsed again.
      - uses: ${use('cacheRestore')}
        with:
          path: ${options.out}/.cache
          key: postmortem-checks-\${{ github.base_ref }}-\${{ github.sha }}
          restore-keys: postmortem-checks-\${{ github.base_ref }}-
      # Add --strict to fail the check on warnings (blameful language, missing owners, …) too.
      - run: npx postmortem validate --format github

  build:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: read # configure-pages reads the repository's Pages settings
    steps:
      - uses: ${use('checkout')}
        with:
          persist-credentials: false
          fetch-depth: 0 # feed entries are dated by the last commit that changed each record
${setup}
      - id: pages
        uses: ${use('configurePages')}
      # The last build's output and its cache: records whose bytes did not change are reused, not parsed
      # and rendered again (a large repository builds in seconds). A new key per commit; the newest
      # cache of the branch is restored. Anything that shapes every page (postmortem's version and
      # code, the config, the templates, the base URL) makes the build a full one by itself.
      - uses: ${use('cache')}
        with:
          path: ${options.out}
          key: postmortem-build-\${{ github.ref_name }}-\${{ github.sha }}
          restore-keys: postmortem-build-\${{ github.ref_name }}-
      - run: npx postmortem build --base-url "$BASE_URL/"
        env:
          BASE_URL: \${{ steps.pages.outputs.base_url }}
      # The cache alone, for the pull requests' validate job.
      - uses: ${use('cacheSave')}
        with:
          path: ${options.out}/.cache
          key: postmortem-checks-\${{ github.ref_name }}-\${{ github.sha }}
      - uses: ${use('uploadPagesArtifact')}
        with:
          path: ${options.out}/site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write # to deploy to Pages
      id-token: write # to prove the deployment comes from this workflow
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    concurrency:
      group: pages
      cancel-in-progress: false
    steps:
      - id: deployment
        uses: ${use('deployPages')}

  sync-issues:
    needs: deploy
    runs-on: ubuntu-latest
    permissions:
      contents: write # to commit the issue numbers written back into the records
      issues: write # to create, update, close and reopen the action items' issues
    # One sync at a time across the repository; a newer run waits for the running one.
    concurrency:
      group: postmortem-issues-sync
      cancel-in-progress: false
    steps:
      - uses: ${use('checkout')}
        with:
          ref: \${{ github.ref }} # the branch tip, so the commit below lands on top of newer pushes
${setup}
      - run: npx postmortem issues sync
        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
      # A push made with GITHUB_TOKEN starts no workflow run, and [skip ci] says so again: no loop.
      - name: Commit the issue numbers written back into the records
        run: |
          if git diff --quiet -- '${options.incidents}'; then
            echo "No record changed."
            exit 0
          fi
          git config user.name 'github-actions[bot]'
          git config user.email '41898282+github-actions[bot]@users.noreply.github.com'
          git add -- '${options.incidents}'
          git commit -m 'Record the GitHub issues of action items [skip ci]'
          git push || { git pull --rebase && git push; }
`
}
