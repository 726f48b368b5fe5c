import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import type { DataPath, Diagnostic } from '../diagnostics.js'
import type { ParsedSource, SourceLimits } from './parse-source.js'
import { defaultLimits, fileTooLarge, locate, parseSource, unreadable } from './parse-source.js'

/**
 * Reads and parses one record file. The size cap is checked before the file is read, so a huge file
 * costs nothing; a file that cannot be read becomes a READ_FAILED diagnostic.
 * `name` is how the file is shown in diagnostics (usually relative to the working directory).
 */
export async function readSource(
  path: string,
  name: string,
  limits: SourceLimits = defaultLimits,
): Promise<ParsedSource> {
  const read = await readBytes(path, name, limits)
  if ('failed' in read) return unreadable(name, read.failed)
  return read.bytes === null
    ? unreadable(name, fileTooLarge(name, read.size, limits))
    : parseSource(read.bytes, name, limits)
}

/** What reading a record file gave: its bytes (`null` when over the size cap: not read), or why not. */
export type ReadBytes = { name: string; bytes: Uint8Array | null; size: number } | { failed: Diagnostic }

/** Reads a record file's bytes (see `ReadBytes`). */
async function readBytes(path: string, name: string, limits: SourceLimits): Promise<ReadBytes> {
  let handle
  try {
    handle = await open(path, 'r')
    const { size } = await handle.stat()
    return { name, size, bytes: size > limits.maxFileBytes ? null : new Uint8Array(await handle.readFile()) }
  } catch (error) {
    return { failed: readFailed(name, error) }
  } finally {
    await handle?.close()
  }
}

/** `readBytes`, blocking: for a worker thread, where nothing else waits. */
export function readBytesSync(path: string, name: string, limits: SourceLimits): ReadBytes {
  try {
    const fd = openSync(path, 'r')
    try {
      const { size } = fstatSync(fd)
      return { name, size, bytes: size > limits.maxFileBytes ? null : new Uint8Array(readFileSync(fd)) }
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    return { failed: readFailed(name, error) }
  }
}

/** READ_FAILED for a file that could not be opened or read (`error` from the file system). */
export function readFailed(name: string, error: unknown): Diagnostic {
  return {
    code: 'READ_FAILED',
    severity: 'error',
    message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    hint: 'Check that the file exists and is readable.',
    file: name,
    line: 1,
    column: 1,
  }
}

/**
 * Where a data path is in a record file, reading and parsing it again: for the rare diagnostic about a
 * record whose parsed document was not kept (cross-file checks over thousands of records).
 */
export function locateInFile(
  path: string,
  name: string,
  limits: SourceLimits,
  dataPath: DataPath,
): { line: number; column: number } {
  try {
    return locate(parseSource(readFileSync(path), name, limits), dataPath)
  } catch {
    return { line: 1, column: 1 }
  }
}
