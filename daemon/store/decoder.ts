import { PROVIDER_ID_PATTERN, STATUSES, TRAINING_IDS, type ProviderId, type Status, type TrainingId } from '../../shared/constants.ts'
import { EMPTY } from './codec.ts'
import { RowChecks } from './row-checks.ts'
import type { RecordSource, Retraining, RetrainingOf, StoredPerson, StoredRecord } from './schema.ts'

/** What files.ts needs of a people-file decoder (this one, version 3, or decoder-v2.ts). */
export interface RowDecoder {
  /** Names the line for error messages. */
  where: string
  /** Takes the tables a chunk line lists (codec.ts), before its rows. */
  begin(line: Record<string, unknown>): void
  person(row: unknown): StoredPerson
  retraining(row: unknown): [string, RetrainingOf]
  fail(what: string): never
}

/**
 * Decodes the rows of a version-3 people file (codec.ts) against its tables, grown chunk by
 * chunk, checking every field. Table entries are decoded and checked once, frozen, and shared by
 * every row naming them.
 */
export class Decoder extends RowChecks implements RowDecoder {
  private readonly seenBys: string[][] = []
  private readonly sources: RecordSource[] = []
  private readonly campaignLists: StoredRecord['campaigns'][] = []
  private readonly records: StoredRecord[] = []
  /** Whose record is being decoded, for error messages. */
  private subject = ''

  /** Whole seconds (≥ 0), minus epoch milliseconds (< 0) (codec.ts). */
  protected epochMs(value: number): number | null {
    const ms = value >= 0 ? value * 1000 : -value
    return Number.isInteger(value) && ms <= 8.64e15 ? ms : null
  }

  begin(line: Record<string, unknown>): void {
    const { s, b, o, c, R } = line
    if (s !== undefined) for (const value of this.list(s, 'the string table')) this.strings.push(this.string(value, 'a table string'))
    if (b !== undefined) for (const row of this.list(b, 'the seenBy table')) this.seenBys.push(this.seenBy(row))
    if (o !== undefined) for (const row of this.list(o, 'the source table')) this.sources.push(this.source(row))
    if (c !== undefined) for (const row of this.list(c, 'the campaign table')) this.campaignLists.push(this.campaigns(row))
    if (R !== undefined)
      for (const row of this.list(R, 'the record table')) {
        this.subject = `shared record ${this.records.length}`
        this.records.push(this.sharedRecord(row))
      }
  }

  person(row: unknown): StoredPerson {
    const tuple = this.list(row, 'person')
    if (tuple.length < 6 || tuple.length % 2 !== 0) this.fail('person is not a row of 6 and pairs')
    const email = this.string(tuple[0], 'email')
    const name = this.string(tuple[1], 'name')
    const seenBy = this.ref(this.seenBys, tuple[2], 'seenBy')
    const records: Partial<Record<TrainingId, StoredRecord>> = {}
    for (let index = 0; index < TRAINING_IDS.length; index++) {
      const value = tuple[3 + index]
      if (value === -1) continue
      const training = TRAINING_IDS[index]!
      this.subject = `${email} ${training}`
      records[training] = Array.isArray(value) ? this.record(value) : this.ref(this.records, value, 'record')
    }
    const externalIds: Record<string, string> = {}
    for (let index = 6; index < tuple.length; index += 2)
      externalIds[this.sym(tuple[index], 'externalIds')] = this.string(tuple[index + 1], 'externalIds')
    return { email, name, seenBy, externalIds, records }
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

  private seenBy(row: unknown): string[] {
    const ids = this.list(row, 'seenBy')
    return ids.length === 0 ? EMPTY : (Object.freeze(ids.map((id) => this.sym(id, 'seenBy'))) as string[])
  }

  private source(row: unknown): RecordSource {
    const s = this.tuple(row, 3, 'source')
    const provider = this.sym(s[0], 'source provider') as ProviderId
    if (!PROVIDER_ID_PATTERN.test(provider)) this.fail(`source ${this.sources.length}: not a provider id`)
    return Object.freeze({
      provider,
      connectionId: this.sym(s[1], 'source connection'),
      connectionLabel: this.sym(s[2], 'source label'),
    })
  }

  private campaigns(row: unknown): StoredRecord['campaigns'] {
    const flat = this.list(row, 'campaigns')
    if (flat.length === 0 || flat.length % 4 !== 0) this.fail(`campaign list ${this.campaignLists.length}: not campaigns in fours`)
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
    return Object.freeze(campaigns) as StoredRecord['campaigns']
  }

  /** A record of the table: frozen with its lists, since every person naming it shares it. */
  private sharedRecord(row: unknown): StoredRecord {
    const record = this.record(this.list(row, 'record'))
    Object.freeze(record.evidence)
    for (const item of record.evidence) Object.freeze(item)
    Object.freeze(record.certificates)
    return Object.freeze(record)
  }

  private record(t: unknown[]): StoredRecord {
    if (t.length !== 13) this.fail(`${this.subject}: record is not a row of 13`)
    const status = STATUSES[this.int(t[0], 'status')] as Status | undefined
    if (status === undefined) this.fail(`${this.subject}: unknown status`)
    const completed = this.count(t[1], 'completed')
    const required = this.count(t[2], 'required')
    const compliantAt = this.timeOrNull(t[3], 'compliantAt')
    const sticky = this.bit(t[4], 'sticky')
    const campaigns = t[5] === -1 ? EMPTY : this.ref(this.campaignLists, t[5], 'campaigns')
    const evidence = t[7] === 0 ? EMPTY : this.evidence(this.list(t[7], 'evidence'))
    const evaluatedAt = this.time(t[8], 'evaluatedAt')
    const connectionId = t[9] === -1 ? null : this.sym(t[9], 'connectionId')
    const certificates = t[10] === 0 ? EMPTY : this.certificates(this.list(t[10], 'certificates'))
    const source = t[11] === -1 ? null : this.ref(this.sources, t[11], 'source')
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

  private evidence(flat: unknown[]): StoredRecord['evidence'] {
    if (flat.length === 0) return EMPTY
    if (flat.length % 6 !== 0) this.fail(`${this.subject}: evidence does not come in sixes`)
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

  /** The entry `value` names in a table (an index of an entry listed before). */
  private ref<T>(table: T[], value: unknown, what: string): T {
    const found = typeof value === 'number' ? table[value] : undefined
    if (found === undefined) this.fail(`${what} names no entry of its table`)
    return found
  }
}
