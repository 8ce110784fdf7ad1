import { createHash } from 'node:crypto'
import { Readable, Transform, type TransformCallback } from 'node:stream'
import { stringify } from 'csv-stringify'
import { ZipFile } from 'yazl'

export type ManifestFile = { path: string; bytes: number; sha256: string }

/**
 * A zip written as a stream (yazl), one entry after another, that hashes every entry while it
 * streams through: when an entry's promise settles, its size and SHA-256 are known, so the
 * manifest can be added last. Entries are added only once the previous one has been consumed,
 * so memory stays flat whatever the number of files.
 */
export class HashingZip {
  private readonly zip = new ZipFile()
  readonly files: ManifestFile[] = []

  constructor(private readonly mtime: Date) {}

  /** The zip's bytes, for the HTTP response or a file. */
  get output(): Readable {
    return this.zip.outputStream as Readable
  }

  /** Streams one entry into the zip; settles when all of it has gone through. */
  add(path: string, source: Readable, compress = true): Promise<ManifestFile> {
    const hash = createHash('sha256')
    let bytes = 0
    const done = new Promise<ManifestFile>((resolve, reject) => {
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, callback: TransformCallback) {
          hash.update(chunk)
          bytes += chunk.length
          callback(null, chunk)
        },
        flush(callback: TransformCallback) {
          const file = { path, bytes, sha256: hash.digest('hex') }
          callback()
          resolve(file)
        },
      })
      source.once('error', (error) => {
        tap.destroy(error)
        reject(error)
      })
      this.zip.addReadStream(source.pipe(tap), path, { mtime: this.mtime, compress })
    })
    return done.then((file) => {
      this.files.push(file)
      return file
    })
  }

  addBuffer(path: string, bytes: Buffer, compress = true): Promise<ManifestFile> {
    return this.add(path, Readable.from([bytes]), compress)
  }

  /** Adds the last entry (not hashed into `files`) and closes the zip. */
  finish(path: string, bytes: Buffer): void {
    this.zip.addBuffer(bytes, path, { mtime: this.mtime })
    this.zip.end()
  }

  /** Abandons the zip: the output ends with an error. */
  destroy(error: Error): void {
    this.output.destroy(error)
  }
}

/** An RFC 4180 CSV (header row, quoted where needed, `\n` line ends) as a stream of rows. */
export function csvStream<C extends readonly string[]>(columns: C, rows: Iterable<Record<C[number], string | number>>): Readable {
  const source = Readable.from(rows, { objectMode: true })
  const csv = stringify({ header: true, columns: [...columns], record_delimiter: 'unix', cast: { number: (value) => String(value) } })
  source.once('error', (error) => csv.destroy(error))
  return source.pipe(csv)
}
