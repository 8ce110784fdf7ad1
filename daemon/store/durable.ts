import { copyFile, open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes that survive a power cut. A rename alone is atomic but not durable: until the file's
 * bytes and the directory entry reach the disk, a power cut can leave the old file, an empty
 * one, or none. So every write here flushes the file (fsync) before the rename and the
 * directory after it.
 */

export type DurableWriteOptions = {
  /** File mode of a newly created file (default 0600). */
  mode?: number
  /** The temporary file beside the target (default `<file>.tmp`). */
  temp?: string
  /** `wx`: fail when the target exists (a key must never be overwritten). No temp file then. */
  exclusive?: boolean
}

/** Replaces `file` with `data` atomically and durably (temp file, fsync, rename, fsync dir). */
export async function writeDurably(file: string, data: string | Uint8Array, options: DurableWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600
  if (options.exclusive) {
    await writeAndSync(file, data, mode, 'wx')
    await syncDir(dirname(file))
    return
  }
  const temp = options.temp ?? `${file}.tmp`
  try {
    await writeAndSync(temp, data, mode, 'w')
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await syncDir(dirname(file))
}

/**
 * Replaces `file` atomically and durably, as `writeDurably`, with text made chunk by chunk: the
 * caller's generator may yield to the event loop between chunks, so a large file never stalls
 * readers for its whole serialisation.
 */
export async function writeChunksDurably(file: string, chunks: AsyncIterable<string>, mode = 0o600): Promise<void> {
  const temp = `${file}.tmp`
  try {
    const handle = await open(temp, 'w', mode)
    try {
      for await (const chunk of chunks) await handle.write(chunk)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await syncDir(dirname(file))
}

/** Copies `from` to `to` and flushes the copy (the caller flushes the directory once at the end). */
export async function copyDurably(from: string, to: string): Promise<void> {
  await copyFile(from, to)
  const handle = await open(to, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Makes renames, creations and removals in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function writeAndSync(file: string, data: string | Uint8Array, mode: number, flag: 'w' | 'wx'): Promise<void> {
  const handle = await open(file, flag, mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Copies the first `length` bytes of `from` to `to` and flushes the copy (append-only files). */
export async function copyPrefixDurably(from: string, to: string, length: number): Promise<void> {
  const source = await open(from, 'r')
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await source.read(buffer, 0, length, 0)
    if (bytesRead !== length) throw new Error(`${from} is shorter than ${length} bytes`)
    await writeAndSync(to, buffer, 0o600, 'w')
  } finally {
    await source.close()
  }
}
