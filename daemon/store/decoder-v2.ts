import { PROVIDER_ID_PATTERN, STATUSES, TRAINING_IDS, type ProviderId, type Status, type TrainingId } from '../../shared/constants.ts'
import { EMPTY, remember } from './codec.ts'
import type { RowDecoder } from './decoder.ts'
import { RowChecks } from './row-checks.ts'
import type { RecordSource, Retraining, RetrainingOf, StoredPerson, StoredRecord } from './schema.ts'

/**
 * Decodes the rows of a version-2 people file (read only to migrate it to version 3) against the
 * file's string table (grown as chunks are read), checking every field. The layout was codec.ts's
 * before version 3: each chunk line `{"s":[new strings], "p"|"r":[rows]}`; a person
 * `[email, name, seenBy: sym[], externalIds: [sym, id, …], [r₀, r₁, r₂]]` (rᵢ = 0 for none); a
 * record `[status, completed, required, compliantAt, sticky, [campaigns in fours], dueAt|false,
 * [evidence in sixes], evaluatedAt, connectionSym|-1, [certificates], [source syms]|-1,
 * evidenceSha256]`; times in epoch milliseconds or the original string. Equal values are shared
 * (frozen) by computing a key of their content.
 */
export class DecoderV2 extends RowChecks implements RowDecoder {
  private readonly seenBys = new Map<string, string[]>()
  private readonly sources = new Map<string, RecordSource>()
  private readonly campaignLists = new Map<string, StoredRecord['campaigns']>()
  private readonly plainRecords = new Map<string, StoredRecord>()

  /** Epoch milliseconds, as version 2 wrote them. */
  protected epochMs(value: number): number | null {
    return Number.isInteger(value) && Math.abs(value) <= 8.64e15 ? value : null
  }

  begin(line: Record<string, unknown>): void {
    this.addStrings(line.s)
  }

  addStrings(values: unknown): void {
    if (!Array.isArray(values)) this.fail('the string table is not a list')
    for (const value of values) {
      if (typeof value !== 'string') this.fail('the string table holds a non-string')
      this.strings.push(value)
    }
  }

  person(row: unknown): StoredPerson {
    const tuple = this.tuple(row, 5, 'person')
    const email = this.string(tuple[0], 'email')
    const name = this.string(tuple[1], 'name')
    const seenBy = this.seenBy(this.list(tuple[2], 'seenBy'))
    const flat = this.list(tuple[3], 'externalIds')
    if (flat.length % 2 !== 0) this.fail('externalIds has an odd length')
    const externalIds: Record<string, string> = {}
    for (let index = 0; index < flat.length; index += 2)
      externalIds[this.sym(flat[index], 'externalIds')] = this.string(flat[index + 1], 'externalIds')
    const recordRows = this.tuple(tuple[4], TRAINING_IDS.length, 'records')
    const records: Partial<Record<TrainingId, StoredRecord>> = {}
    for (let index = 0; index < TRAINING_IDS.length; index++) {
      if (recordRows[index] !== 0) records[TRAINING_IDS[index]!] = this.record(recordRows[index], email, index)
    }
    return { email, name, seenBy, externalIds, records }
  }

  /** Shared, frozen: most people are seen by the same connection or two. */
  private seenBy(ids: unknown[]): string[] {
    if (ids.length === 0) return EMPTY
    let key = ''
    for (const id of ids) key += `${this.int(id, 'seenBy')},`
    let found = this.seenBys.get(key)
    if (found === undefined) {
      found = Object.freeze(ids.map((id) => this.sym(id, 'seenBy'))) as string[]
      remember(this.seenBys, key, found)
    }
    return found
  }

  /**
   * Records without campaigns, evidence or certificates (not configured, not enrolled) repeat
   * across people: equal rows share one frozen record (changes replace a record, never edit it).
   */
  private record(row: unknown, email: string, training: number): StoredRecord {
    const t = this.tuple(row, 13, 'record')
    const key = plainRecordKey(t)
    if (key === null) return this.decodeRecord(t, email, training)
    let found = this.plainRecords.get(key)
    if (found === undefined) {
      found = Object.freeze(this.decodeRecord(t, email, training))
      remember(this.plainRecords, key, found)
    }
    return found
  }

  private decodeRecord(t: unknown[], email: string, training: number): StoredRecord {
    const status = STATUSES[this.int(t[0], 'status')] as Status | undefined
    if (status === undefined) this.failAt(email, training, 'unknown status')
    const completed = this.count(t[1], 'completed')
    const required = this.count(t[2], 'required')
    const compliantAt = this.timeOrNull(t[3], 'compliantAt')
    const sticky = this.bit(t[4], 'sticky')
    const campaigns = this.campaigns(this.list(t[5], 'campaigns'), email, training)
    const evidence = this.evidence(this.list(t[7], 'evidence'), email, training)
    const evaluatedAt = this.time(t[8], 'evaluatedAt')
    const connectionId = t[9] === -1 ? null : this.sym(t[9], 'connectionId')
    const certificates = this.certificates(this.list(t[10], 'certificates'))
    const source = t[11] === -1 ? null : this.source(t[11], email, training)
    const evidenceSha256 = t[12] === null ? null : this.hex(t[12], 'evidenceSha256')
    const fields = {
      status,
      completed,
      required,
      compliantAt,
      sticky,
      campaigns,
      evidence,
      evaluatedAt,
      connectionId,
      certificates,
      source,
      evidenceSha256,
    }
    return this.recordOf(fields, t[6])
  }

  /** Shared, frozen: people of one campaign wave hold equal progress. */
  private campaigns(flat: unknown[], email: string, training: number): StoredRecord['campaigns'] {
    if (flat.length === 0) return EMPTY
    const key = keyOf(flat, 0, flat.length)
    let found = key === null ? undefined : this.campaignLists.get(key)
    if (found === undefined) {
      found = Object.freeze(this.decodeCampaigns(flat, email, training)) as StoredRecord['campaigns']
      if (key !== null) remember(this.campaignLists, key, found)
    }
    return found
  }

  private decodeCampaigns(flat: unknown[], email: string, training: number): StoredRecord['campaigns'] {
    if (flat.length % 4 !== 0) this.failAt(email, training, 'campaigns do not come in fours')
    const campaigns: StoredRecord['campaigns'] = []
    for (let i = 0; i < flat.length; i += 4) {
      campaigns.push(
        Object.freeze({
          id: this.sym(flat[i], 'campaign id'),
          name: this.sym(flat[i + 1], 'campaign name'),
          completed: this.bit(flat[i + 2], 'campaign completed'),
          completedAt: this.timeOrNull(flat[i + 3], 'campaign completedAt'),
        }),
      )
    }
    return campaigns
  }

  private evidence(flat: unknown[], email: string, training: number): StoredRecord['evidence'] {
    if (flat.length === 0) return EMPTY
    if (flat.length % 6 !== 0) this.failAt(email, training, 'evidence does not come in sixes')
    const evidence: StoredRecord['evidence'] = []
    for (let i = 0; i < flat.length; i += 6) {
      const module = this.sym(flat[i + 2], 'evidence module')
      evidence.push({
        campaignId: this.sym(flat[i], 'evidence campaign'),
        campaignName: this.sym(flat[i + 1], 'evidence campaign name'),
        module,
        moduleName: flat[i + 3] === -1 ? module : this.sym(flat[i + 3], 'evidence module name'),
        enrollmentId: this.string(flat[i + 4], 'evidence enrollment id'),
        completedAt: this.time(flat[i + 5], 'evidence completedAt'),
      })
    }
    return evidence
  }

  private certificates(hashes: unknown[]): string[] {
    if (hashes.length === 0) return EMPTY
    return hashes.map((hash) => this.hex(hash, 'certificate'))
  }

  /** Shared, frozen: a sync stamps the same source on every record it writes. */
  private source(value: unknown, email: string, training: number): RecordSource {
    const s = this.tuple(value, 3, 'source')
    const key = `${this.int(s[0], 'source provider')},${this.int(s[1], 'source connection')},${this.int(s[2], 'source label')}`
    let found = this.sources.get(key)
    if (found === undefined) {
      const provider = this.sym(s[0], 'source provider') as ProviderId
      if (!PROVIDER_ID_PATTERN.test(provider)) this.failAt(email, training, 'not a provider id')
      found = Object.freeze({
        provider,
        connectionId: this.sym(s[1], 'source connection'),
        connectionLabel: this.sym(s[2], 'source label'),
      })
      remember(this.sources, key, found)
    }
    return found
  }

  retraining(row: unknown): [string, RetrainingOf] {
    const tuple = this.tuple(row, 2, 'retraining')
    const email = this.string(tuple[0], 'retraining email')
    const flat = this.list(tuple[1], 'retraining')
    if (flat.length % 3 !== 0) this.fail('retraining entries do not come in threes')
    const of: Partial<Record<TrainingId, Retraining>> = {}
    for (let i = 0; i < flat.length; i += 3) {
      const training = TRAINING_IDS[this.int(flat[i], 'retraining training')]
      if (training === undefined) this.fail('retraining names an unknown training')
      of[training] = { resetAt: this.time(flat[i + 1], 'resetAt'), dueAt: this.time(flat[i + 2], 'dueAt') }
    }
    return [email, of]
  }

  private failAt(email: string, training: number, what: string): never {
    return this.fail(`${email} ${TRAINING_IDS[training]}: ${what}`)
  }
}

/**
 * A key naming exactly the primitive values `values[from..to)`, or null when one is not a
 * primitive: equal keys decode to equal values, so a key seen before needs no new checks.
 */
function keyOf(values: readonly unknown[], from: number, to: number): string | null {
  let key = ''
  for (let i = from; i < to; i++) {
    const part = keyPart(values[i])
    if (part === null) return null
    key += part
  }
  return key
}

/** Numbers, null and false end with a comma; a string is its length, a colon and itself: no two values share a key. */
function keyPart(value: unknown): string | null {
  if (typeof value === 'number') return `${value},`
  if (typeof value === 'string') return `${value.length}:${value}`
  return value === null || value === false ? `${value},` : null
}

/** The key of a record row without campaigns, evidence or certificates, else null. */
function plainRecordKey(t: unknown[]): string | null {
  if (!isEmptyList(t[5]) || !isEmptyList(t[7]) || !isEmptyList(t[10])) return null
  const source = t[11]
  let key = source === -1 ? '-1,' : Array.isArray(source) && source.length === 3 ? keyOf(source, 0, 3) : null
  for (let i = 0; i < PLAIN_FIELDS.length && key !== null; i++) {
    const part = keyPart(t[PLAIN_FIELDS[i]!])
    key = part === null ? null : key + part
  }
  return key
}

/** The fields of a record row besides its lists and its source. */
const PLAIN_FIELDS = [0, 1, 2, 3, 4, 6, 8, 9, 12]

const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0
