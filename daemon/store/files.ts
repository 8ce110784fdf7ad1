import { constants } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { CHUNK, CodecError, Encoder, PEOPLE_FORMAT } from './codec.ts'
import { Decoder, type RowDecoder } from './decoder.ts'
import { DecoderV2 } from './decoder-v2.ts'
import type { Db, RetrainingOf, StoredPerson } from './schema.ts'
import { SCHEMA_VERSION } from './schema.ts'

/** Lines written in one `write` call: a few MB, so the people file costs few syscalls. */
const FLUSH_BYTES = 4 * 2 ** 20
/** The longest the writer encodes before it lets the event loop run (plus one line's stringify, ~4 ms). */
const SLICE_MS = 8

export type PeopleData = { people: Db['people']; retraining: Db['retraining'] }

/**
 * Writes the people file (codec.ts layout) chunk by chunk and flushes it (fsync). Between chunks,
 * and within one after SLICE_MS of work, it yields to the event loop, so a commit of 300,000
 * people never blocks readers for more than ~10 ms of encoding. The caller runs no other change meanwhile (the store's
 * queue), so the objects do not move under it.
 */
export async function writePeopleFile(file: string, data: PeopleData): Promise<void> {
  const handle = await open(file, 'w', 0o600)
  try {
    const counts = { people: data.people.size, retraining: data.retraining.size }
    const encoder = new Encoder()
    let pending: string[] = [`${JSON.stringify({ format: PEOPLE_FORMAT, version: SCHEMA_VERSION, ...counts })}\n`]
    let pendingBytes = 0
    const flush = async () => {
      if (pending.length === 0) return
      await handle.write(pending.join(''))
      pending = []
      pendingBytes = 0
    }
    let since = performance.now()
    const pause = async () => {
      await yieldToLoop()
      since = performance.now()
    }
    const add = async (line: string) => {
      pending.push(line)
      pendingBytes += line.length
      if (pendingBytes >= FLUSH_BYTES) await flush()
      await pause()
    }
    // The Maps are iterated across the yields: the store's queue keeps them unchanged meanwhile.
    // Rows are encoded in time slices too: the first ones run cold (unoptimised) code, several
    // times slower than the rest.
    for (const chunk of chunksOf(data.people.values())) {
      const rows: unknown[] = []
      for (const person of chunk) {
        rows.push(encoder.person(person))
        if (performance.now() - since >= SLICE_MS) await pause()
      }
      await add(`${JSON.stringify({ ...encoder.tables(), p: rows })}\n`)
    }
    for (const chunk of chunksOf(data.retraining.entries())) {
      const rows: unknown[] = []
      for (const [email, of] of chunk) {
        rows.push(encoder.retraining(email, of))
        if (performance.now() - since >= SLICE_MS) await pause()
      }
      await add(`${JSON.stringify({ ...encoder.tables(), r: rows })}\n`)
    }
    pending.push(`${JSON.stringify({ end: true, ...counts })}\n`)
    await flush()
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Up to CHUNK values of an iterator at a time. */
function* chunksOf<T>(values: Iterator<T>): Generator<T[]> {
  let chunk: T[] = []
  for (let next = values.next(); !next.done; next = values.next()) {
    chunk.push(next.value)
    if (chunk.length === CHUNK) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length > 0) yield chunk
}

/**
 * Reads and checks a people file of `version` (the current one, or 2 to migrate it); throws
 * CodecError naming the line when anything is off.
 */
export async function readPeopleFile(file: string, version: number = SCHEMA_VERSION): Promise<PeopleData> {
  const bytes = await readFile(file)
  const decoder: RowDecoder = version === 2 ? new DecoderV2() : new Decoder()
  const people: Db['people'] = new Map()
  const retraining: Db['retraining'] = new Map()
  let header: { people: number; retraining: number } | null = null
  let ended = false
  let lineNo = 0
  // A file that ends inside a line (a torn write) is refused with the file's name.
  const end = bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? bytes.lastIndexOf(10) + 1 : bytes.length
  if (end < bytes.length) throw new CodecError(`${file}: truncated (an unfinished line at byte ${end})`)
  for (const line of lines(bytes, end)) {
    lineNo++
    decoder.where = `${file} line ${lineNo}`
    if (ended) decoder.fail('data after the end line')
    let value: Record<string, unknown> | undefined
    try {
      value = JSON.parse(line) as Record<string, unknown>
    } catch {
      // reported below
    }
    if (value === undefined) decoder.fail('not JSON (corrupt or truncated)')
    if (typeof value !== 'object' || value === null) decoder.fail('not an object')
    if (header === null) {
      if (value.format !== PEOPLE_FORMAT || value.version !== version) decoder.fail(`not a version-${version} people file`)
      header = { people: Number(value.people), retraining: Number(value.retraining) }
      continue
    }
    if (value.end === true) {
      ended = true
      continue
    }
    decoder.begin(value)
    if (Array.isArray(value.p)) {
      for (const row of value.p) {
        const person = decoder.person(row)
        if (people.has(person.email)) decoder.fail(`${person.email} appears twice`)
        people.set(person.email, person)
      }
    } else if (Array.isArray(value.r)) {
      for (const row of value.r) {
        const [email, of] = decoder.retraining(row)
        retraining.set(email, of)
      }
    } else decoder.fail('neither people nor retraining')
  }
  decoder.where = file
  if (header === null || !ended) return decoder.fail('truncated (no end line)')
  if (people.size !== header.people || retraining.size !== header.retraining) decoder.fail('the counts do not match the header')
  return { people, retraining }
}

/** The complete lines of the first `length` bytes (a trailing partial line is not returned). */
export function* lines(bytes: Buffer, length: number): Generator<string> {
  let start = 0
  while (start < length) {
    const end = bytes.indexOf(10, start)
    if (end === -1 || end >= length) {
      if (start < length) throw new CodecError(`truncated: an unfinished line at byte ${start}`)
      return
    }
    if (end > start) yield bytes.toString('utf8', start, end)
    start = end + 1
  }
}

/**
 * Writes `text` at byte `offset` of an append-only file (journal, audit log), cuts off anything
 * after it (the remains of a write that never committed) and flushes (fdatasync). Returns the
 * new length.
 */
export async function appendAt(file: string, offset: number, text: string): Promise<number> {
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT, 0o600)
  try {
    const buffer = Buffer.from(text)
    await handle.write(buffer, 0, buffer.length, offset)
    await handle.truncate(offset + buffer.length)
    await handle.datasync()
    return offset + buffer.length
  } finally {
    await handle.close()
  }
}

/** The first `length` bytes of a file (all of them must be there). */
export async function readPrefix(file: string, length: number): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0)
  const bytes = await readFile(file)
  if (bytes.length < length) throw new CodecError(`${file} is shorter than its committed length (${bytes.length} < ${length} bytes)`)
  return bytes
}

export type JournalEntry = [email: string, person: StoredPerson | null, retraining: RetrainingOf | null]
