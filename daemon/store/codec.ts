import { STATUSES, TRAINING_IDS } from '../../shared/constants.ts'
import type { RecordSource, RetrainingOf, StoredPerson, StoredRecord } from './schema.ts'

/**
 * The compact layout of the people file (schema version 3): one JSON line per chunk of people, so
 * no string ever holds the whole file (V8's longest string stops a single JSON text at ~243,000
 * people).
 *
 *   line 1      {"format":"trainproof-people","version":3,"people":N,"retraining":M}
 *   chunk lines {tables…, "p":[person rows]} or {tables…, "r":[retraining rows]}
 *   last line   {"end":true,"people":N,"retraining":M}   (a file without it is truncated)
 *
 * **Tables.** What repeats between people is listed once per file and named by its index in a
 * table that grows as chunks are read. A chunk line lists what it adds to each table, in order
 * (a table with nothing new is left out), and the reader adds them in this order, so an entry
 * names only entries listed before it:
 *
 *   "s"  strings: connection ids, campaign ids and names, module keys and names, labels
 *   "b"  seenBy lists: [sym, …]
 *   "o"  sources: [providerSym, connectionSym, labelSym]
 *   "c"  campaign lists: [idSym, nameSym, completed 0|1, completedAt, …] (4 a campaign)
 *   "R"  shared records: record rows (below)
 *
 * Table entries decode once per file into one frozen value that every person naming it shares
 * (changes replace a record or a list, never edit it in place): the writer lists a value once by
 * identity, and those it cannot know by identity by their content (a record is shared when it is
 * frozen or has no campaigns, evidence or certificates: not configured, not enrolled).
 *
 * **Times** are whole seconds since the epoch (a non-negative integer; a 32-bit small integer in
 * V8 until 2038) when the time is exactly `toISOString()` of a whole second, minus the epoch
 * milliseconds (a negative integer) when it is exactly `toISOString()` of other milliseconds after
 * 1970, else the original string.
 *
 * **Rows** are tuples:
 *
 *   person     [email, name, seenBy b-index, r₀, r₁, r₂, connectionSym, externalId, …]
 *              rᵢ for TRAINING_IDS[i]: -1 (no record), an R-index, or an inline record row
 *   record     [status, completed, required, compliantAt, sticky 0|1, campaigns c-index|-1 (none),
 *               dueAt, evidence, evaluatedAt, connectionId sym|-1, certificates, source o-index|-1,
 *               evidenceSha256]
 *              evidence = 0 (none) or [campaignSym, campaignNameSym, moduleSym,
 *                         moduleNameSym|-1 (= module), enrollmentId, completedAt, …] (6 a row)
 *              certificates = 0 (none) or [sha256, …]; dueAt = false when absent
 *   retraining [email, [training index, resetAt, dueAt, …]]
 *
 * Reading checks every field by hand (zod on 300,000 rows costs seconds): a row that does not
 * fit is refused with its line and what is wrong. Version-2 files (one string table, records
 * inline, times in epoch milliseconds) are read by decoder-v2.ts, to migrate them.
 */

export const PEOPLE_FORMAT = 'trainproof-people'
/** People per line: small enough that encoding one line blocks the event loop a few ms only. */
export const CHUNK = 1_000

type Time = number | string
/**
 * The one empty list that decoded records share for no campaigns, evidence or certificates
 * (frozen: code that changes a record replaces its lists, never edits them in place).
 */
export const EMPTY = Object.freeze([]) as unknown as never[]
export const HEX64 = /^[0-9a-f]{64}$/

export class CodecError extends Error {
  override name = 'CodecError'
}

/** Times repeat a lot (one evaluatedAt per sync, one completion date per campaign wave): cache. */
export const TIME_CACHE = 100_000
const encodedTimes = new Map<string, Time>()

/** A time as the layout writes it (see above): exact round trip only. */
export function encodeTime(value: string): Time {
  let found = encodedTimes.get(value)
  if (found === undefined) {
    const ms = Date.parse(value)
    found = value
    if (ms >= 0 && new Date(ms).toISOString() === value) found = ms % 1000 === 0 ? ms / 1000 : -ms
    if (encodedTimes.size >= TIME_CACHE) encodedTimes.clear()
    encodedTimes.set(value, found)
  }
  return found
}

/** Interns strings for one file: `id` gives an index, `fresh` the strings new since last asked. */
export class Interner {
  private readonly index = new Map<string, number>()
  private pending: string[] = []

  id(value: string): number {
    let found = this.index.get(value)
    if (found === undefined) {
      found = this.index.size
      this.index.set(value, found)
      this.pending.push(value)
    }
    return found
  }

  fresh(): string[] {
    const out = this.pending
    this.pending = []
    return out
  }
}

/**
 * One table of a file (seenBy lists, sources, campaign lists, shared records): values are found
 * by identity, or by a key naming their content; `fresh` gives the rows listed since last asked.
 * Identity is safe for one file: the store's queue keeps the objects unchanged while it is written.
 */
class Table {
  private readonly byValue = new Map<object, number>()
  private readonly byKey = new Map<string, number>()
  private size = 0
  private pending: unknown[] = []

  known(value: object): number | undefined {
    return this.byValue.get(value)
  }

  /** The index of the entry of `key`, now naming `value` too, if there is one. */
  knownAs(value: object, key: string): number | undefined {
    const found = this.byKey.get(key)
    if (found !== undefined) this.identify(value, found)
    return found
  }

  add(value: object, key: string | null, row: unknown): number {
    const index = this.size++
    this.identify(value, index)
    if (key !== null) this.byKey.set(key, index)
    this.pending.push(row)
    return index
  }

  fresh(): unknown[] {
    const out = this.pending
    this.pending = []
    return out
  }

  /**
   * Only frozen values are found by identity: they are the ones shared in memory (decoded from a
   * table), and fresh values rarely repeat by identity (a map of each would cost more than keys).
   */
  private identify(value: object, index: number): void {
    if (Object.isFrozen(value)) this.byValue.set(value, index)
  }
}

/** The tables a chunk line lists, in the order the reader adds them. */
export const TABLES = ['s', 'b', 'o', 'c', 'R'] as const

/** Turns people into rows for one file, listing what they share in the file's tables. */
export class Encoder {
  readonly strings = new Interner()
  private readonly seenBys = new Table()
  private readonly sources = new Table()
  private readonly campaignLists = new Table()
  private readonly records = new Table()

  person(person: StoredPerson): unknown[] {
    const row: unknown[] = [person.email, person.name, this.seenBy(person.seenBy)]
    for (const training of TRAINING_IDS) {
      const record = person.records[training]
      row.push(record ? this.record(record) : -1)
    }
    for (const connection in person.externalIds) row.push(this.strings.id(connection), person.externalIds[connection])
    return row
  }

  retraining(email: string, of: RetrainingOf): unknown[] {
    const flat: unknown[] = []
    TRAINING_IDS.forEach((training, index) => {
      const entry = of[training]
      if (entry) flat.push(index, encodeTime(entry.resetAt), encodeTime(entry.dueAt))
    })
    return [email, flat]
  }

  /** The tables' entries added since the last chunk, by table name (empty ones left out). */
  tables(): Record<string, unknown[]> {
    const out: Record<string, unknown[]> = {}
    const fresh = {
      s: this.strings.fresh(),
      b: this.seenBys.fresh(),
      o: this.sources.fresh(),
      c: this.campaignLists.fresh(),
      R: this.records.fresh(),
    }
    for (const name of TABLES) if (fresh[name].length > 0) out[name] = fresh[name]
    return out
  }

  private seenBy(ids: readonly string[]): number {
    const found = this.seenBys.known(ids)
    if (found !== undefined) return found
    const row = ids.map((id) => this.strings.id(id))
    const key = row.join(',')
    return this.seenBys.knownAs(ids, key) ?? this.seenBys.add(ids, key, row)
  }

  private record(record: StoredRecord): unknown {
    const found = this.records.known(record)
    if (found !== undefined) return found
    const plain = record.campaigns.length === 0 && record.evidence.length === 0 && record.certificates.length === 0
    if (!plain && !Object.isFrozen(record)) return this.recordRow(record)
    const row = this.recordRow(record)
    const key = plain ? plainKey(row) : null
    return (key === null ? undefined : this.records.knownAs(record, key)) ?? this.records.add(record, key, row)
  }

  private recordRow(record: StoredRecord): unknown[] {
    const { strings } = this
    let evidence: unknown[] | 0 = 0
    if (record.evidence.length > 0) {
      evidence = []
      for (const row of record.evidence) {
        const moduleName = row.moduleName === row.module ? -1 : strings.id(row.moduleName)
        evidence.push(
          strings.id(row.campaignId),
          strings.id(row.campaignName),
          strings.id(row.module),
          moduleName,
          row.enrollmentId,
          encodeTime(row.completedAt),
        )
      }
    }
    return [
      STATUSES.indexOf(record.status),
      record.completed,
      record.required,
      record.compliantAt === null ? null : encodeTime(record.compliantAt),
      record.sticky ? 1 : 0,
      this.campaigns(record.campaigns),
      record.dueAt === undefined ? false : record.dueAt === null ? null : encodeTime(record.dueAt),
      evidence,
      encodeTime(record.evaluatedAt),
      record.connectionId === null ? -1 : strings.id(record.connectionId),
      record.certificates.length === 0 ? 0 : record.certificates,
      record.source ? this.source(record.source) : -1,
      record.evidenceSha256,
    ]
  }

  private campaigns(campaigns: StoredRecord['campaigns']): number {
    if (campaigns.length === 0) return -1
    const found = this.campaignLists.known(campaigns)
    if (found !== undefined) return found
    const flat: unknown[] = []
    for (const campaign of campaigns) {
      flat.push(
        this.strings.id(campaign.id),
        this.strings.id(campaign.name),
        campaign.completed ? 1 : 0,
        campaign.completedAt === null ? null : encodeTime(campaign.completedAt),
      )
    }
    const key = flat.join(',')
    return this.campaignLists.knownAs(campaigns, key) ?? this.campaignLists.add(campaigns, key, flat)
  }

  private source(source: RecordSource): number {
    const found = this.sources.known(source)
    if (found !== undefined) return found
    const row = [this.strings.id(source.provider), this.strings.id(source.connectionId), this.strings.id(source.connectionLabel)]
    const key = row.join(',')
    return this.sources.knownAs(source, key) ?? this.sources.add(source, key, row)
  }
}

/**
 * The key of a plain record's row (its lists are all empty): the fields in order, joined. Times
 * are numbers or ISO strings, symbols and indexes numbers, so no two different rows share a key.
 */
function plainKey(row: unknown[]): string {
  return `${row[0]},${row[1]},${row[2]},${row[3]},${row[4]},${row[6]},${row[8]},${row[9]},${row[11]},${row[12]}`
}

/** Shared values are bounded like the time caches: a pathological file cannot grow them without end. */
export function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= TIME_CACHE) cache.clear()
  cache.set(key, value)
}
