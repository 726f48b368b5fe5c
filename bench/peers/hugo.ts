// Hugo (the Debian package, 0.111.x) building the same content: a page per incident, an index newest
// first, an RSS feed of the newest 50 and a sitemap, with minimal layouts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { RecordFile } from '../synthetic-repo.js'
import { versionOf } from '../time-process.js'
import type { Tool } from '../tool.js'
import { countPages, lastNumber } from '../tool.js'
import { writePeerPages } from './content.js'

const config = `baseURL = "https://status.example.com/"
title = "Synthetic incident history"
languageCode = "en"
# Like our site: incident pages, the index, a feed and a sitemap; no taxonomy or section list pages.
disableKinds = ["taxonomy", "term", "section", "robotsTXT"]
[outputs]
  home = ["HTML", "RSS"]
  page = ["HTML"]
[services.rss]
  limit = 50
`

const layouts: Record<string, string> = {
  '_default/baseof.html': `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" href="/index.xml">
</head>
<body>
<header><a href="/">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
`,
  '_default/single.html': `{{ define "title" }}{{ .Title }} · {{ .Site.Title }}{{ end }}
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<dl>
<dt>Severity</dt><dd>{{ .Params.severity }}</dd>
<dt>Status</dt><dd>{{ .Params.status }}</dd>
<dt>Started</dt><dd><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2006-01-02 15:04" }}</time></dd>
<dt>Services</dt><dd>{{ delimit .Params.services ", " }}</dd>
</dl>
{{ .Content }}
</article>
{{ end }}
`,
  'index.html': `{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<table>
<thead><tr><th>Started</th><th>Incident</th><th>Severity</th><th>Services</th></tr></thead>
<tbody>
{{ range .Site.RegularPages.ByDate.Reverse }}
<tr><td>{{ .Date.Format "2006-01-02" }}</td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.severity }}</td><td>{{ delimit .Params.services ", " }}</td></tr>
{{ end }}
</tbody>
</table>
{{ end }}
`,
}

const style = 'body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; }\n'

/** Hugo on the same incidents, or undefined (with the reason) when `hugo` is not installed. */
export function hugoTool(dir: string, records: readonly RecordFile[], edited: RecordFile): Tool | string {
  const version = /v(\d+\.\d+\.\d+)/.exec(versionOf(['hugo', 'version']) ?? '')?.[1]
  if (!version) return 'hugo not found (Debian: apt-get install -y hugo)'
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'hugo.toml'), config)
  for (const [file, text] of Object.entries(layouts)) {
    mkdirSync(dirname(join(dir, 'layouts', file)), { recursive: true })
    writeFileSync(join(dir, 'layouts', file), text)
  }
  mkdirSync(join(dir, 'static'), { recursive: true })
  writeFileSync(join(dir, 'static', 'style.css'), style)
  const file = writePeerPages(join(dir, 'content', 'incidents'), records, edited)
  const cache = join(dir, '.hugo-cache')
  const args = ['--source', dir, '--cacheDir', cache]
  return {
    name: 'hugo',
    version: `Hugo ${version}`,
    steps: [
      {
        name: 'build',
        before: () => {
          for (const out of ['public', 'resources', '.hugo-cache'])
            rmSync(join(dir, out), { recursive: true, force: true })
        },
        command: { argv: ['hugo', '--quiet', ...args], cwd: dir },
      },
    ],
    serve: {
      // Hugo's defaults: pages rendered to memory, fast render mode, live reload.
      command: (port) => ({
        argv: ['hugo', 'server', '--port', String(port), '--bind', '127.0.0.1', ...args],
        cwd: dir,
      }),
      page: `/incidents/${edited.id}/`,
      aggregates: ['/', '/index.xml'],
      file,
      reported: (output) => lastNumber(/Total in (\d+) ms/g, output, 1000),
    },
    pages: () => countPages(join(dir, 'public', 'incidents')),
  }
}
