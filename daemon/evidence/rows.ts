import { TRAINING_IDS, type Status, type TrainingId } from '../../shared/domain.ts'
import { currentRecord, isConfigured, trainingStatus } from '../compliance/views.ts'
import type { ProviderRegistry } from '../providers/registry.ts'
import type { Db, StoredPerson, StoredRecord } from '../store/schema.ts'
import { evidenceDigest } from '../certificates/pdf.ts'
import { recordSource } from './source.ts'

/** The rows of the evidence pack's CSV files, generated one at a time (100,000 people never sit in memory twice). */

export type Window = { from: string; to: string }

export const PEOPLE_COLUMNS = [
  'email',
  'name',
  'training',
  'status',
  'compliant_at',
  'provider',
  'connection',
  'completed',
  'required',
] as const
export const COMPLETION_COLUMNS = ['email', 'training', 'provider', 'campaign', 'module', 'completed_at', 'external_id'] as const
export const HASH_COLUMNS = ['email', 'training', 'compliant_at', 'evidence_sha256'] as const
export const AUDIT_COLUMNS = ['at', 'actor', 'action', 'detail'] as const

type Row<C extends readonly string[]> = Record<C[number], string | number>

/** The last instant of a UTC day. */
const endOfDay = (day: string) => Date.parse(`${day}T23:59:59.999Z`)
const startOfDay = (day: string) => Date.parse(`${day}T00:00:00.000Z`)

/** The records a pack covers: every person (by e-mail) × every configured training. */
export function* coveredRecords(db: Db): Generator<{ person: StoredPerson; training: TrainingId }> {
  const trainings = TRAINING_IDS.filter((training) => isConfigured(db, training))
  for (const email of [...db.people.keys()].sort()) {
    const person = db.people.get(email) as StoredPerson
    for (const training of trainings) yield { person, training }
  }
}

/** A record compliant as of the end of `to` (its compliantAt on or before that day), else null. */
export function compliantAsOf(db: Db, person: StoredPerson, training: TrainingId, to: string): StoredRecord | null {
  const record = currentRecord(db, person, training)
  if (record?.status !== 'compliant' || record.compliantAt === null) return null
  return Date.parse(record.compliantAt) <= endOfDay(to) ? record : null
}

export function* peopleRows(db: Db, providers: ProviderRegistry, { to }: Window): Generator<Row<typeof PEOPLE_COLUMNS>> {
  for (const { person, training } of coveredRecords(db)) {
    const now = trainingStatus(db, person, training)
    const record = currentRecord(db, person, training)
    const source = record ? recordSource(db, providers, record) : null
    let status: Status = now.status
    let compliantAt = ''
    let completed = now.completed
    if (now.status === 'compliant') {
      if (now.compliantAt !== null && Date.parse(now.compliantAt) <= endOfDay(to)) compliantAt = now.compliantAt
      else {
        // Compliant now, but only after `to`: what it had finished by then.
        status = 'non_compliant'
        completed = now.campaigns.filter(
          (campaign) => campaign.completedAt !== null && Date.parse(campaign.completedAt) <= endOfDay(to),
        ).length
      }
    }
    yield {
      email: person.email,
      name: person.name,
      training,
      status,
      compliant_at: compliantAt,
      provider: source?.provider ?? '',
      connection: source?.connectionLabel ?? '',
      completed,
      required: now.required,
    }
  }
}

export function* completionRows(db: Db, providers: ProviderRegistry, { to }: Window): Generator<Row<typeof COMPLETION_COLUMNS>> {
  for (const { person, training } of coveredRecords(db)) {
    const record = compliantAsOf(db, person, training, to)
    if (!record) continue
    const source = recordSource(db, providers, record)
    for (const row of record.evidence) {
      yield {
        email: person.email,
        training,
        provider: source.provider ?? '',
        campaign: source.campaignName(row),
        module: source.moduleName(row),
        completed_at: row.completedAt,
        external_id: row.enrollmentId,
      }
    }
  }
}

/**
 * The SHA-256 of each compliant record's evidence rows, as fixed when it became compliant (the
 * one its certificate prints); records older than that field get it computed now.
 */
export function* hashRows(db: Db, { to }: Window): Generator<Row<typeof HASH_COLUMNS>> {
  for (const { person, training } of coveredRecords(db)) {
    const record = compliantAsOf(db, person, training, to)
    if (!record) continue
    yield {
      email: person.email,
      training,
      compliant_at: record.compliantAt ?? '',
      evidence_sha256: record.evidenceSha256 ?? evidenceDigest(record),
    }
  }
}

/** The window's audit events, oldest first (stable for events of the same instant). */
export function* auditRows(db: Db, { from, to }: Window): Generator<Row<typeof AUDIT_COLUMNS>> {
  const start = startOfDay(from)
  const end = endOfDay(to)
  const inside = db.audit
    .map((event, index) => ({ event, index, at: Date.parse(event.at) }))
    .filter(({ at }) => at >= start && at <= end)
    .sort((a, b) => a.at - b.at || a.index - b.index)
  for (const { event } of inside) {
    yield { at: event.at, actor: event.actor, action: event.action, detail: JSON.stringify(event.detail) }
  }
}
