import { readFile } from 'node:fs/promises'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Adapter } from 'lowdb'
import type { z } from 'zod'
import { ROLES, TOKEN_VIAS } from '../../shared/constants.ts'
import { formatIssues } from '../../shared/errors.ts'
import { IsoTime } from '../../shared/domain.ts'
import { CodecError, HEX64 } from './codec.ts'
import { writeChunksDurably } from './durable.ts'
import { type Db, type StoredToken, TokenJournalLine, TokensFileV2 } from './schema.ts'

/**
 * The compact layout of the tokens file (`trainproof.tokens.<T>.json`): one JSON document, a
 * token a tuple, written chunk by chunk (a line per chunk) so that a fold never stalls readers.
 *
 *   {"format":"trainproof-tokens","version":1,"count":N,"rows":[
 *   [id, hash, role, email, label, createdAt, expiresAt, lastUsedAt, via],…
 *   …]}
 *
 * role and via are indexes into ROLES and TOKEN_VIAS; hash is the SHA-256 in hex (what the auth
 * index keys on: no conversion at load or per request); times are epoch milliseconds when that
 * round-trips exactly (`toISOString`), else the original string; email, expiresAt and lastUsedAt
 * may be null. Reading checks every field by hand (zod on 100,000 tokens costs ~0.2 s) and
 * refuses a bad row with its position and what is wrong. The first form (schema version 2: one
 * object of token objects, `TokensFileV2`) is still read, with zod.
 *
 * A tokens-journal line (the tokens one change named) is `{"rows":[row or id,…]}`: a row sets that
 * token, a bare id removes it. Lines of the first form (`{"tokens":[[id, object|null],…]}`) are
 * still read.
 */

export const TOKENS_FORMAT = 'trainproof-tokens'
export const TOKENS_FORMAT_VERSION = 1
/** Tokens a chunk: encoding 1,000 blocks the event loop about a millisecond. */
const CHUNK = 1_000
/** Text handed to one write call: a few MB, so a file of 100,000 tokens costs few syscalls. */
const FLUSH_CHARS = 2 ** 20

type Time = number | string
export type TokenRow = [
  id: string,
  hash: string,
  role: number,
  email: string | null,
  label: string,
  createdAt: Time,
  expiresAt: Time | null,
  lastUsedAt: Time | null,
  via: number,
]

const ROLE_INDEX = new Map<string, number>(ROLES.map((role, index) => [role, index]))
const VIA_INDEX = new Map<string, number>(TOKEN_VIAS.map((via, index) => [via, index]))

function encodeTime(value: string): Time {
  const ms = Date.parse(value)
  return Number.isFinite(ms) && isoTime(ms) === value ? ms : value
}

const DAY_MS = 86_400_000
/** Years 1970–9999: `toISOString` writes them as YYYY-MM-DDTHH:MM:SS.mmmZ. */
const FAST_TIMES_END = Date.UTC(10_000, 0, 1)
/** The character codes of `YYYY-MM-DDT` for each day seen (few: tokens live a session long). */
const dayCodes = new Map<number, number[]>()

/**
 * `new Date(ms).toISOString()`, several times faster (it is most of what reading 100,000 tokens
 * costs otherwise): the date part comes from a per-day cache, the time of day by arithmetic, and
 * `String.fromCharCode` makes one flat string of it.
 */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < FAST_TIMES_END) || !Number.isInteger(ms)) return new Date(ms).toISOString()
  const day = Math.floor(ms / DAY_MS)
  let d = dayCodes.get(day)
  if (d === undefined) {
    if (dayCodes.size >= 10_000) dayCodes.clear()
    d = Array.from(new Date(day * DAY_MS).toISOString().slice(0, 11), (char) => char.charCodeAt(0))
    dayCodes.set(day, d)
  }
  let rest = ms - day * DAY_MS
  const milli = rest % 1000
  rest = (rest - milli) / 1000
  const second = rest % 60
  rest = (rest - second) / 60
  const minute = rest % 60
  const hour = (rest - minute) / 60
  return String.fromCharCode(
    d[0]!,
    d[1]!,
    d[2]!,
    d[3]!,
    d[4]!,
    d[5]!,
    d[6]!,
    d[7]!,
    d[8]!,
    d[9]!,
    d[10]!,
    48 + Math.floor(hour / 10),
    48 + (hour % 10),
    58, // :
    48 + Math.floor(minute / 10),
    48 + (minute % 10),
    58,
    48 + Math.floor(second / 10),
    48 + (second % 10),
    46, // .
    48 + Math.floor(milli / 100),
    48 + (Math.floor(milli / 10) % 10),
    48 + (milli % 10),
    90, // Z
  )
}

export function encodeToken(token: StoredToken): TokenRow {
  return [
    token.id,
    token.hash,
    ROLE_INDEX.get(token.role)!,
    token.email,
    token.label,
    encodeTime(token.createdAt),
    token.expiresAt === null ? null : encodeTime(token.expiresAt),
    token.lastUsedAt === null ? null : encodeTime(token.lastUsedAt),
    VIA_INDEX.get(token.via)!,
  ]
}

/**
 * Checks rows by hand and makes tokens of them; `where` and `row` name the row for the error.
 * (Methods, not closures: under tsx every closure made per row costs a `__name` call.)
 */
export class TokenDecoder {
  where = ''
  /** 1-based position of the row in its list, for the error. */
  row = 0

  token(row: unknown): StoredToken {
    if (!Array.isArray(row) || row.length !== 9) return this.fail('not a token row of 9')
    const id = row[0] as unknown
    const hash = row[1] as unknown
    const role = typeof row[2] === 'number' ? ROLES[row[2]] : undefined
    const email = row[3] as unknown
    const label = row[4] as unknown
    const via = typeof row[8] === 'number' ? TOKEN_VIAS[row[8]] : undefined
    if (typeof id !== 'string') return this.fail('id is not a string')
    if (typeof hash !== 'string' || !HEX64.test(hash)) return this.fail('hash is not a SHA-256 in hex')
    if (role === undefined) return this.fail('role is not a role index')
    if (email !== null && typeof email !== 'string') return this.fail('email is neither a string nor null')
    if (typeof label !== 'string') return this.fail('label is not a string')
    if (via === undefined) return this.fail('via is not a via index')
    // Same key order as zod's output of StoredToken (JSON texts of tokens compare equal).
    return {
      id,
      hash,
      role,
      email,
      label,
      createdAt: this.time(row[5], 'createdAt'),
      expiresAt: row[6] === null ? null : this.time(row[6], 'expiresAt'),
      lastUsedAt: row[7] === null ? null : this.time(row[7], 'lastUsedAt'),
      via,
    }
  }

  fail(what: string): never {
    throw new CodecError(`${this.where} token ${this.row}: ${what}`)
  }

  private time(value: unknown, what: string): string {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || Math.abs(value) > 8.64e15) this.fail(`${what} is not a time`)
      return isoTime(value)
    }
    if (typeof value !== 'string' || !IsoTime.safeParse(value).success) this.fail(`${what} is not a time`)
    return value as string
  }
}

/** The tokens file's text for `tokens`, chunk by chunk, yielding to the event loop between chunks. */
export async function* tokensFileText(tokens: Db['tokens']): AsyncGenerator<string> {
  let pending = `{"format":"${TOKENS_FORMAT}","version":${TOKENS_FORMAT_VERSION},"count":${tokens.size},"rows":[`
  let rows: TokenRow[] = []
  let first = true
  const chunk = () => {
    const text = JSON.stringify(rows)
    pending += `${first ? '' : ','}\n${text.slice(1, -1)}`
    first = false
    rows = []
  }
  // The Map is iterated across the yields: the store's queue keeps it unchanged meanwhile.
  for (const token of tokens.values()) {
    rows.push(encodeToken(token))
    if (rows.length < CHUNK) continue
    chunk()
    if (pending.length >= FLUSH_CHARS) {
      yield pending
      pending = ''
    }
    await yieldToLoop()
  }
  if (rows.length > 0) chunk()
  yield `${pending}\n]}\n`
}

/** Reads a tokens file of either form (see above); throws CodecError naming what is wrong. */
export function decodeTokensFile(text: string, file: string): Db['tokens'] {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new CodecError(`${file}: not JSON (corrupt or truncated)`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CodecError(`${file}: not a tokens file`)
  const { format, version, count, rows } = raw as Record<string, unknown>
  if (format === undefined && version === 2) return byId(checked(raw, file, TokensFileV2).tokens)
  if (format !== TOKENS_FORMAT) throw new CodecError(`${file}: not a tokens file`)
  if (version !== TOKENS_FORMAT_VERSION)
    throw new CodecError(`${file}: a tokens file of format version ${String(version)}, which this trainproof does not know`)
  if (!Array.isArray(rows)) throw new CodecError(`${file}: rows is not a list`)
  const tokens: Db['tokens'] = new Map()
  const decoder = new TokenDecoder()
  decoder.where = file
  for (let index = 0; index < rows.length; index++) {
    decoder.row = index + 1
    const token = decoder.token(rows[index])
    if (tokens.has(token.id)) decoder.fail(`the id ${token.id} appears twice`)
    tokens.set(token.id, token)
  }
  if (count !== tokens.size) throw new CodecError(`${file}: ${tokens.size} tokens, but the header says ${String(count)}`)
  return tokens
}

/** One tokens-journal line: each named token as a row, or its id when it is gone. */
export function tokenJournalLine(tokens: Db['tokens'], ids: Iterable<string>): string {
  const rows: (TokenRow | string)[] = []
  for (const id of ids) {
    const token = tokens.get(id)
    rows.push(token === undefined ? id : encodeToken(token))
  }
  return `${JSON.stringify({ rows })}\n`
}

/** Applies one tokens-journal line (either form) to `tokens`. */
export function applyTokenJournalLine(tokens: Db['tokens'], line: string, where: string): void {
  let raw: unknown
  try {
    raw = JSON.parse(line)
  } catch {
    throw new CodecError(`${where}: not JSON (corrupt or truncated)`)
  }
  const rows = (raw as { rows?: unknown } | null)?.rows
  if (rows === undefined) {
    for (const [id, token] of checked(raw, where, TokenJournalLine).tokens) {
      if (token === null) tokens.delete(id)
      else tokens.set(id, token)
    }
    return
  }
  if (!Array.isArray(rows)) throw new CodecError(`${where}: rows is not a list`)
  const decoder = new TokenDecoder()
  decoder.where = where
  for (let index = 0; index < rows.length; index++) {
    const row: unknown = rows[index]
    decoder.row = index + 1
    if (typeof row === 'string') tokens.delete(row)
    else {
      const token = decoder.token(row)
      tokens.set(token.id, token)
    }
  }
}

function checked<T>(raw: unknown, where: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  throw new CodecError(`${where}: at ${formatIssues(parsed.error.issues, { messages: false, limit: 5 }).join(', ')}`)
}

function byId(tokens: readonly StoredToken[]): Db['tokens'] {
  // Later duplicates win, as a journal replay's sets would: the first form never checked ids.
  return new Map(tokens.map((token) => [token.id, token]))
}

/** lowdb's adapter for the tokens file: read in either form, written compact in chunks, durably. */
export class TokensFile implements Adapter<Db['tokens']> {
  constructor(readonly file: string) {}

  async read(): Promise<Db['tokens']> {
    return decodeTokensFile(await readFile(this.file, 'utf8'), this.file)
  }

  write(tokens: Db['tokens']): Promise<void> {
    return writeChunksDurably(this.file, tokensFileText(tokens))
  }
}
