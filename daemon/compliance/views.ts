import { TRAINING_IDS, type MyTrainings, type Person, type ProviderId, type TrainingId, type TrainingStatus } from '../../shared/domain.ts'
import { countDue } from '../../shared/evaluator.ts'
import type { Db, StoredPerson, StoredRecord } from '../store/schema.ts'

const NOT_CONFIGURED: TrainingStatus = Object.freeze({
  status: 'not_configured',
  completed: 0,
  required: 0,
  compliantAt: null,
  sticky: false,
  campaigns: [],
  dueAt: null,
}) as TrainingStatus
const NOT_ENROLLED: TrainingStatus = Object.freeze({ ...NOT_CONFIGURED, status: 'not_enrolled' }) as TrainingStatus

export function isConfigured(db: Db, training: TrainingId): boolean {
  const config = db.trainings[training]
  return config.connectionId !== null && config.campaignIds.length > 0
}

/**
 * What a person's status for a training is now. A sticky record always stands. Otherwise a record
 * counts only if it came from the training's current connection; a configured training with no
 * such record means the last sync found no enrollment (not_enrolled).
 */
export function currentRecord(db: Db, person: StoredPerson, training: TrainingId): StoredRecord | null {
  const record = person.records[training]
  if (record?.sticky) return record
  if (!isConfigured(db, training)) return null
  return record && record.connectionId === db.trainings[training].connectionId ? record : null
}

export function trainingStatus(db: Db, person: StoredPerson, training: TrainingId): TrainingStatus {
  const record = currentRecord(db, person, training)
  const dueAt = db.retraining.get(person.email)?.[training]?.dueAt ?? null
  if (record) {
    const { status, completed, required, compliantAt, sticky, campaigns } = record
    return { status, completed, required, compliantAt, sticky, campaigns, dueAt: status === 'compliant' ? null : dueAt }
  }
  const none = isConfigured(db, training) ? NOT_ENROLLED : NOT_CONFIGURED
  return dueAt === null ? none : { ...none, dueAt }
}

export function toPerson(db: Db, person: StoredPerson): Person {
  const trainings = {} as Record<TrainingId, TrainingStatus>
  for (const id of TRAINING_IDS) trainings[id] = trainingStatus(db, person, id)
  return { email: person.email, name: person.name, trainings }
}

export function trainingProviders(db: Db): Record<TrainingId, ProviderId | null> {
  const providers = {} as Record<TrainingId, ProviderId | null>
  for (const id of TRAINING_IDS) {
    const connectionId = db.trainings[id].connectionId
    providers[id] = db.connections.find((connection) => connection.id === connectionId)?.provider ?? null
  }
  return providers
}

/** Someone with a token but no data yet (not synced, or not in any provider). */
export function unknownPerson(email: string): StoredPerson {
  return { email, name: email, seenBy: [], externalIds: {}, records: {} }
}

export function toMyTrainings(db: Db, person: StoredPerson, portalUrl: (training: TrainingId) => string | null): MyTrainings {
  const view = toPerson(db, person)
  const portals = {} as Record<TrainingId, string | null>
  for (const id of TRAINING_IDS) portals[id] = portalUrl(id)
  const synced = db.connections.map((connection) => connection.lastSyncAt).filter((at): at is string => at !== null)
  return {
    ...view,
    due: countDue(view.trainings),
    provider: trainingProviders(db),
    portalUrl: portals,
    syncedAt: synced.length > 0 ? (synced.sort()[0] ?? null) : null,
  }
}
