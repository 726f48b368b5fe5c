// Eleventy 3 building the same content: a page per incident, an index newest first, an Atom feed of the
// newest 50, with minimal Nunjucks layouts. Installed apart from our package: `npm --prefix bench/peers ci`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RecordFile } from '../synthetic-repo.js'
import type { Tool } from '../tool.js'
import { countPages, lastNumber } from '../tool.js'
import { writePeerPages } from './content.js'

const cli = fileURLToPath(new URL('./node_modules/@11ty/eleventy/cmd.cjs', import.meta.url))

// Note: Markdown is not pre-processed as Liquid (Eleventy's default): record text is data, not a template.
const config = `export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy({ 'content/style.css': 'style.css' })
  eleventyConfig.addFilter('iso', (date) => date.toISOString())
  eleventyConfig.addFilter('day', (date) => date.toISOString().slice(0, 10))
  eleventyConfig.addCollection('newest', (api) =>
    api.getFilteredByTag('incident').sort((a, b) => b.date - a.date),
  )
  return {
    dir: { input: 'content', includes: '_includes', output: '_site' },
    markdownTemplateEngine: false,
  }
}
`

const files: Record<string, string> = {
  'incidents/incidents.json': JSON.stringify({ layout: 'incident.njk', tags: ['incident'] }),
  '_includes/base.njk': `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if title %}{{ title | escape }} · {% endif %}Synthetic incident history</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/atom+xml" href="/feed.xml">
</head>
<body>
<header><a href="/">Synthetic incident history</a></header>
<main>{{ content | safe }}</main>
</body>
</html>
`,
  '_includes/incident.njk': `---
layout: base.njk
---
<article>
<h1>{{ title | escape }}</h1>
<dl>
<dt>Severity</dt><dd>{{ severity }}</dd>
<dt>Status</dt><dd>{{ status }}</dd>
<dt>Started</dt><dd><time datetime="{{ page.date | iso }}">{{ page.date | iso }}</time></dd>
<dt>Services</dt><dd>{{ services | join(", ") }}</dd>
</dl>
{{ content | safe }}
</article>
`,
  'index.njk': `---
layout: base.njk
---
<h1>Synthetic incident history</h1>
<table>
<thead><tr><th>Started</th><th>Incident</th><th>Severity</th><th>Services</th></tr></thead>
<tbody>
{%- for item in collections.newest %}
<tr><td>{{ item.date | day }}</td><td><a href="{{ item.url }}">{{ item.data.title | escape }}</a></td><td>{{ item.data.severity }}</td><td>{{ item.data.services | join(", ") }}</td></tr>
{%- endfor %}
</tbody>
</table>
`,
  'feed.njk': `---
permalink: /feed.xml
eleventyExcludeFromCollections: true
---
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Synthetic incident history</title>
<id>https://status.example.com/</id>
<link href="https://status.example.com/"/>
<link rel="self" href="https://status.example.com/feed.xml"/>
{%- for item in collections.newest %}{% if loop.index0 < 50 %}
<entry>
<id>https://status.example.com{{ item.url }}</id>
<title>{{ item.data.title | escape }}</title>
<link href="https://status.example.com{{ item.url }}"/>
<updated>{{ item.date | iso }}</updated>
<summary>{{ item.data.summary | escape }}</summary>
</entry>
{%- endif %}{% endfor %}
</feed>
`,
  'style.css': 'body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; }\n',
}

/** Eleventy on the same incidents, or the reason it is skipped when it is not installed. */
export function eleventyTool(dir: string, records: readonly RecordFile[], edited: RecordFile): Tool | string {
  if (!existsSync(cli)) return 'Eleventy not installed (npm --prefix bench/peers ci)'
  const { version } = JSON.parse(readFileSync(join(dirname(cli), 'package.json'), 'utf8')) as {
    version: string
  }
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'eleventy.config.mjs'), config)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'content', file)), { recursive: true })
    writeFileSync(join(dir, 'content', file), text)
  }
  const file = writePeerPages(join(dir, 'content', 'incidents'), records, edited)
  const argv = [process.execPath, cli, '--config=eleventy.config.mjs']
  return {
    name: 'eleventy',
    version: `Eleventy ${version}`,
    steps: [
      {
        name: 'build',
        before: () => {
          for (const out of ['_site', '.cache']) rmSync(join(dir, out), { recursive: true, force: true })
        },
        command: { argv: [...argv, '--quiet'], cwd: dir },
      },
    ],
    serve: {
      command: (port) => ({
        argv: [...argv, '--quiet', '--serve', '--incremental', `--port=${port}`],
        cwd: dir,
      }),
      page: `/incidents/${edited.id}/`,
      aggregates: ['/', '/feed.xml'],
      file,
      reported: (output) => lastNumber(/Wrote \d+ files? .*?in ([\d.]+) seconds/g, output, 1),
    },
    pages: () => countPages(join(dir, '_site', 'incidents')),
  }
}
