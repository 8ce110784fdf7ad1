import { IsoTime } from '../../shared/domain.ts'
import { CodecError, HEX64, TIME_CACHE } from './codec.ts'
import type { StoredRecord } from './schema.ts'

/**
 * The field checks both people-file decoders share (decoder.ts for version 3, decoder-v2.ts to
 * migrate version 2): each returns the value with its type or refuses it, naming the line
 * (`where`) and the field. The versions differ only in how a time is written as a number
 * (`epochMs`).
 */
export abstract class RowChecks {
  /** The file's string table, grown as chunk lines list new strings. */
  protected readonly strings: string[] = []
  /** Decoded times, shared: equal times become one string in memory. */
  private readonly times = new Map<number, string>()
  where = ''

  /** The epoch milliseconds a number in a time field stands for, or null when it is not a time. */
  protected abstract epochMs(value: number): number | null

  fail(what: string): never {
    throw new CodecError(`${this.where}: ${what}`)
  }

  protected tuple(value: unknown, length: number, what: string): unknown[] {
    if (!Array.isArray(value) || value.length !== length) this.fail(`${what} is not a row of ${length}`)
    return value
  }

  protected list(value: unknown, what: string): unknown[] {
    if (!Array.isArray(value)) this.fail(`${what} is not a list`)
    return value
  }

  protected string(value: unknown, what: string): string {
    if (typeof value !== 'string') this.fail(`${what} is not a string`)
    return value
  }

  protected int(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(`${what} is not an integer`)
    return value
  }

  protected count(value: unknown, what: string): number {
    const n = this.int(value, what)
    if (n < 0) this.fail(`${what} is negative`)
    return n
  }

  protected bit(value: unknown, what: string): boolean {
    if (value !== 0 && value !== 1) this.fail(`${what} is not 0 or 1`)
    return value === 1
  }

  protected sym(value: unknown, what: string): string {
    const found = typeof value === 'number' ? this.strings[value] : undefined
    if (found === undefined) this.fail(`${what} names no string of the table`)
    return found
  }

  protected hex(value: unknown, what: string): string {
    if (typeof value !== 'string' || !HEX64.test(value)) this.fail(`${what} is not a SHA-256`)
    return value
  }

  /** A time field: a number (`epochMs`) or an ISO string kept as it was written. */
  protected time(value: unknown, what: string): string {
    if (typeof value === 'number') {
      let found = this.times.get(value)
      if (found === undefined) {
        const ms = this.epochMs(value)
        if (ms === null) this.fail(`${what} is not a time`)
        found = new Date(ms).toISOString()
        if (this.times.size >= TIME_CACHE) this.times.clear()
        this.times.set(value, found)
      }
      return found
    }
    if (typeof value !== 'string' || !IsoTime.safeParse(value).success) this.fail(`${what} is not a time`)
    return value
  }

  protected timeOrNull(value: unknown, what: string): string | null {
    return value === null ? null : this.time(value, what)
  }

  /**
   * A record from its checked fields and its dueAt cell (`false`: absent), keys in zod's order
   * (dueAt after campaigns), so the JSON of a decoded record equals the one it was written from.
   */
  protected recordOf(f: Omit<StoredRecord, 'dueAt'>, dueAt: unknown): StoredRecord {
    if (dueAt === false)
      return {
        status: f.status,
        completed: f.completed,
        required: f.required,
        compliantAt: f.compliantAt,
        sticky: f.sticky,
        campaigns: f.campaigns,
        evidence: f.evidence,
        evaluatedAt: f.evaluatedAt,
        connectionId: f.connectionId,
        certificates: f.certificates,
        source: f.source,
        evidenceSha256: f.evidenceSha256,
      }
    return {
      status: f.status,
      completed: f.completed,
      required: f.required,
      compliantAt: f.compliantAt,
      sticky: f.sticky,
      campaigns: f.campaigns,
      dueAt: this.timeOrNull(dueAt, 'dueAt'),
      evidence: f.evidence,
      evaluatedAt: f.evaluatedAt,
      connectionId: f.connectionId,
      certificates: f.certificates,
      source: f.source,
      evidenceSha256: f.evidenceSha256,
    }
  }
}
