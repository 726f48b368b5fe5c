import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { isFolder, readOrNull } from './write-site.js'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

const reloadScript = `// postmortem serve: reload when the site is rebuilt.
new EventSource('/__postmortem/events').addEventListener('reload', () => location.reload())
`

/** A running preview server. */
export interface SiteServer {
  url: string
  /** Tells open pages to reload; `problems` (plain text) is shown on every page until a good build. */
  reload(problems?: string): void
  /**
   * Until `ready` settles, requests for anything but an incident's own files (`/incidents/…`) wait:
   * the index, stats, action items, feeds and JSON are being rebuilt.
   */
  holdListPages(ready: Promise<void>): void
  /** Resolves once no request (but the reload events') has been open for `ms`. */
  quiet(ms: number): Promise<void>
  close(): Promise<void>
}

/**
 * An HTML page as served: the reload script before `</head>`, and after `<body…>` the last failed
 * build's problems, if any. Spliced as bytes: the index and action items of 10,000 incidents are 8 and
 * 14 MB, and decoding, editing and encoding them as strings cost ~50 MB of garbage a request.
 */
function withServeParts(page: Buffer, problems: string | undefined): Buffer[] {
  const script = Buffer.from('<script src="/__postmortem/reload.js" defer></script>\n')
  const head = page.indexOf('</head>')
  const bodyTag = page.indexOf('<body')
  const bodyEnd = bodyTag === -1 ? -1 : page.indexOf('>', bodyTag)
  const cuts: Array<[at: number, insert: Buffer]> = []
  if (head !== -1) cuts.push([head, script])
  if (problems && bodyEnd !== -1)
    cuts.push([
      bodyEnd + 1,
      Buffer.from(
        `\n<div class="serve-problems" role="alert"><strong>The last build failed; this is the previous site.</strong><pre>${escapeHtml(problems)}</pre></div>`,
      ),
    ])
  cuts.sort((a, b) => a[0] - b[0])
  const pieces: Buffer[] = []
  let from = 0
  for (const [at, insert] of cuts) {
    pieces.push(page.subarray(from, at), insert)
    from = at
  }
  pieces.push(page.subarray(from))
  return pieces
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * Serves a built site folder on 127.0.0.1 (the only interface: this is a preview, not a web server).
 * HTML pages get a small reload script (same origin, so the page's CSP allows it) and, while the last
 * build failed, its diagnostics at the top.
 */
export async function serveSite(dir: string, port: number, host = '127.0.0.1'): Promise<SiteServer> {
  const root = resolve(dir)
  const clients = new Set<ServerResponse>()
  let problems: string | undefined
  let listPages: Promise<void> = Promise.resolve()
  /** Requests being answered, and when the last one ended (`quiet`). */
  let open = 0
  let lastEnded = performance.now()

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost')
      if (url.pathname !== '/__postmortem/events') {
        open += 1
        response.once('close', () => {
          open -= 1
          lastEnded = performance.now()
        })
      }
      if (url.pathname === '/__postmortem/events') {
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        })
        response.write(': connected\n\n')
        clients.add(response)
        request.on('close', () => clients.delete(response))
        return
      }
      if (url.pathname === '/__postmortem/reload.js') {
        response.writeHead(200, { 'content-type': types['.js']!, 'cache-control': 'no-store' })
        response.end(reloadScript)
        return
      }
      if (!url.pathname.startsWith('/incidents/')) await listPages
      let path: string
      try {
        path = normalize(decodeURIComponent(url.pathname))
      } catch {
        response.writeHead(400).end('bad request')
        return
      }
      let file = resolve(join(root, path))
      if (file !== root && !file.startsWith(root + sep)) {
        response.writeHead(403).end('forbidden')
        return
      }
      // Note: blocking reads: a request is answered in one turn of the event loop. While a rebuild
      // renders the index, stats and feeds, the loop turns only between them (~0.1 s each at 10,000
      // incidents), and through fs/promises each of stat, open, read and close waited for a turn:
      // the page just rebuilt took ~0.25 s longer to be served.
      if (isFolder(file)) file = join(file, 'index.html')
      const body = readOrNull(file)
      if (!body) {
        response
          .writeHead(404, { 'content-type': types['.html']! })
          .end('<!doctype html><title>Not found</title><h1>Not found</h1>')
        return
      }
      const type = types[extname(file)] ?? 'application/octet-stream'
      if (extname(file) === '.html') {
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' })
        for (const piece of withServeParts(body, problems)) response.write(piece)
        response.end()
        return
      }
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' })
      response.end(body)
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  await new Promise<void>((ready, fail) => {
    server.once('error', fail)
    server.listen(port, host, ready)
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${host}:${address.port}/`,
    holdListPages(ready) {
      listPages = ready.catch(() => undefined)
    },
    quiet: (ms) =>
      new Promise<void>((done) => {
        const check = () => {
          const since = performance.now() - lastEnded
          if (open === 0 && since >= ms) done()
          else setTimeout(check, open === 0 ? ms - since : ms)
        }
        check()
      }),
    reload(next) {
      problems = next
      for (const client of clients) client.write('event: reload\ndata: {}\n\n')
    },
    close: () =>
      new Promise<void>((done) => {
        for (const client of clients) client.end()
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
