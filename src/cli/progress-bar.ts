import type { ProgressCallback } from '../progress.js'

/** A one-line progress bar that other output can interrupt. */
export interface ProgressBar {
  /** Takes the library's progress reports (`onProgress`). */
  update: ProgressCallback
  /** Removes the bar from the screen, to print a line; `redraw` puts it back. */
  clear(): void
  redraw(): void
  /** Removes the bar for good. */
  end(): void
}

/** A bar that draws nothing: not a terminal, CI, `--quiet`, or too little work. */
export const noProgress: ProgressBar = { update: () => {}, clear: () => {}, redraw: () => {}, end: () => {} }

/**
 * A progress bar on a terminal stream, redrawn in place with `\r`: `building ███████░░░ 312/1000 render`.
 * It appears once a stage has at least `min` units of work, and is redrawn at most every 100 ms.
 *
 * Note: a dozen lines of our own instead of `cli-progress`: it must clear itself around the CLI's
 * other output, write through CliIO (buffers in tests), and never start a timer.
 */
export function progressBar(
  stream: { write(chunk: string): unknown; columns?: number },
  label: string,
  options: { min?: number; now?: () => number } = {},
): ProgressBar {
  const min = options.min ?? 1
  const now = options.now ?? Date.now
  let line = ''
  let shown = false
  let drawnAt = 0
  const draw = () => stream.write(`\r${line}\u001b[K`)
  const bar: ProgressBar = {
    update(done, total, stage) {
      if (!shown && total < min) return
      const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - stage.length - 20))
      const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width)
      line = `${label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${total} ${stage}`
      const first = !shown
      shown = true
      // Redraw when it matters (start, end of a stage) or when enough time has passed.
      if (first || done >= total || now() - drawnAt >= 100) {
        drawnAt = now()
        draw()
      }
    },
    clear() {
      if (shown) stream.write('\r\u001b[K')
    },
    redraw() {
      if (shown) draw()
    },
    end() {
      bar.clear()
      shown = false
    },
  }
  return bar
}
