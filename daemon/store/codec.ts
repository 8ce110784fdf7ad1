import { STATUSES, TRAINING_IDS } from '../../shared/constants.ts'
import type { RecordSource, RetrainingOf, StoredPerson, StoredRecord } from './schema.ts'

/**
 * The compact layout of the people file: one JSON line per chunk of people, so no string ever
 * holds the whole file (V8's longest string stops a single JSON text at ~243,000 people).
 *
 *   line 1      {"format":"trainproof-people","version":2,"people":N,"retraining":M}
 *   chunk lines {"s":[new strings], "p":[person rows]} or {"s":[…], "r":[retraining rows]}
 *   last line   {"end":true,"people":N,"retraining":M}   (a file without it is truncated)
 *
 * Repeated strings (connection ids, campaign ids and names, module keys and names, connection
 * labels) are interned: a chunk lists the strings it introduces, in order, and rows name them by
 * index in the file's growing table. Times are epoch milliseconds when that round-trips exactly
 * (`toISOString`), else the original string. Rows are tuples:
 *
 *   person     [email, name, seenBy: sym[], externalIds: [sym, id, …], records: [r₀, r₁, r₂]]
 *              (rᵢ = 0 when the person has no record for TRAINING_IDS[i])
 *   record     [status, completed, required, compliantAt, sticky 0|1, campaigns, dueAt,
 *               evidence, evaluatedAt, connectionId sym|-1, certificates, source, evidenceSha256]
 *              campaigns = [idSym, nameSym, completed 0|1, completedAt, …] (4 a campaign)
 *              evidence  = [campaignSym, campaignNameSym, moduleSym, moduleNameSym|-1 (= module),
 *                           enrollmentId, completedAt, …] (6 a row)
 *              dueAt = false when absent; source = -1 or [providerSym, connectionSym, labelSym]
 *   retraining [email, [training index, resetAt, dueAt, …]]
 *
 * Reading checks every field by hand (zod on 300,000 rows costs seconds): a row that does not
 * fit is refused with its line and what is wrong.
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

function encodeTime(value: string): Time {
  let found = encodedTimes.get(value)
  if (found === undefined) {
    const ms = Date.parse(value)
    found = Number.isFinite(ms) && new Date(ms).toISOString() === value ? ms : value
    if (encodedTimes.size >= TIME_CACHE) encodedTimes.clear()
    encodedTimes.set(value, found)
  }
  return found
}

/** Interns strings for one file: `take` gives an index, `fresh` the strings new since last asked. */
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
 * Turns people into rows for one file (its string table: `strings`). Values the decoder shares
 * between people (frozen: seenBy lists, campaign lists, sources, records without lists) are
 * encoded once per file.
 */
export class Encoder {
  readonly strings = new Interner()
  private readonly shared = new Map<object, unknown>()

  person(person: StoredPerson): unknown[] {
    const externalIds: unknown[] = []
    for (const connection in person.externalIds) externalIds.push(this.strings.id(connection), person.externalIds[connection])
    const records: unknown[] = []
    for (const training of TRAINING_IDS) {
      const record = person.records[training]
      records.push(record ? this.record(record) : 0)
    }
    return [person.email, person.name, this.seenBy(person.seenBy), externalIds, records]
  }

  retraining(email: string, of: RetrainingOf): unknown[] {
    const flat: unknown[] = []
    TRAINING_IDS.forEach((training, index) => {
      const entry = of[training]
      if (entry) flat.push(index, encodeTime(entry.resetAt), encodeTime(entry.dueAt))
    })
    return [email, flat]
  }

  private seenBy(ids: readonly string[]): unknown {
    return (
      this.shared.get(ids) ??
      this.remember(
        ids,
        ids.map((id) => this.strings.id(id)),
      )
    )
  }

  private record(record: StoredRecord): unknown {
    const found = this.shared.get(record)
    if (found !== undefined) return found
    const { strings } = this
    const campaigns = this.campaigns(record.campaigns)
    const evidence: unknown[] = []
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
    return this.remember(record, [
      STATUSES.indexOf(record.status),
      record.completed,
      record.required,
      record.compliantAt === null ? null : encodeTime(record.compliantAt),
      record.sticky ? 1 : 0,
      campaigns,
      record.dueAt === undefined ? false : record.dueAt === null ? null : encodeTime(record.dueAt),
      evidence,
      encodeTime(record.evaluatedAt),
      record.connectionId === null ? -1 : strings.id(record.connectionId),
      record.certificates,
      record.source ? this.source(record.source) : -1,
      record.evidenceSha256,
    ])
  }

  private campaigns(campaigns: StoredRecord['campaigns']): unknown {
    const found = this.shared.get(campaigns)
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
    return this.remember(campaigns, flat)
  }

  private source(source: RecordSource): unknown {
    return (
      this.shared.get(source) ??
      this.remember(source, [
        this.strings.id(source.provider),
        this.strings.id(source.connectionId),
        this.strings.id(source.connectionLabel),
      ])
    )
  }

  /** Only frozen values are shared (and cannot change meanwhile): only they are kept. */
  private remember(value: object, row: unknown): unknown {
    if (Object.isFrozen(value)) this.shared.set(value, row)
    return row
  }
}

/** Shared values are bounded like the time caches: a pathological file cannot grow them without end. */
export function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= TIME_CACHE) cache.clear()
  cache.set(key, value)
}
