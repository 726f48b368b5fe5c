const decoder = new TextDecoder('utf-8', { fatal: true })

/** The text of a file, or where its first invalid UTF-8 byte is. */
export type DecodeResult = { ok: true; text: string } | { ok: false; line: number; column: number }

/**
 * Decodes UTF-8 strictly and drops a leading BOM.
 * Note: `readFileSync(f, 'utf8')` would silently turn bad bytes into U+FFFD; users must hear about them.
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, text: decoder.decode(bytes) }
  } catch {
    const offset = firstInvalidByte(bytes)
    let lineStart = 0
    let line = 1
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++
        lineStart = i + 1
      }
    }
    const prefix = decoder.decode(bytes.subarray(lineStart, offset)).replace(/^\uFEFF/, '')
    return { ok: false, line, column: prefix.length + 1 }
  }
}

/** Byte offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    let length: number
    let min: number
    if (b < 0x80) {
      i++
      continue
    } else if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000]
    else return i
    if (i + length > bytes.length) return i
    let cp = b & (0xff >> (length + 1))
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k]!
      if ((c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i
    i += length
  }
  return bytes.length
}
