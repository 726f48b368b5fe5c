/**
 * Offsets to 1-based line and column, from the text itself.
 * Note: yaml's LineCounter only hears of the newlines its parser passes, so after some syntax errors
 * it drifts by a line; counting line starts in the decoded text is exact and cheap.
 */
export class LineIndex {
  private readonly starts: number[] = [0]

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1)
  }

  /** Line and column (1-based, in UTF-16 units as editors count) of a character offset. */
  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.text.length))
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= at) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: at - this.starts[lo]! + 1 }
  }
}
