import { describe, expect, it } from 'vitest'
import { TRAINING_IDS, type TrainingId } from '../../../shared/domain.ts'
import {
  currentRecord,
  isConfigured,
  toMyTrainings,
  toPerson,
  trainingProviders,
  trainingStatus,
  unknownPerson,
} from '../../../daemon/compliance/views.ts'
import { emptyDb, StoredConnection, StoredPerson, StoredRecord, type Db } from '../../../daemon/store/schema.ts'

const EVALUATED = '2026-01-05T09:00:00.000Z'

function connection(id: string, provider: 'knowbe4' | 'huntress', lastSyncAt: string | null): StoredConnection {
  return StoredConnection.parse({
    id,
    provider,
    label: `${provider} ${id}`,
    status: 'connected',
    lastSyncAt,
    lastError: null,
    createdAt: EVALUATED,
    settings: {},
    sealed: 'sealed',
  })
}

function record(connectionId: string | null, fields: Partial<StoredRecord> = {}): StoredRecord {
  return StoredRecord.parse({
    status: 'compliant',
    completed: 1,
    required: 1,
    compliantAt: '2026-01-02T00:00:00.000Z',
    sticky: false,
    campaigns: [{ id: 'c1', name: 'Annual', completed: true, completedAt: '2026-01-02T00:00:00.000Z' }],
    evidence: [],
    evaluatedAt: EVALUATED,
    connectionId,
    ...fields,
  })
}

function person(email: string, records: Partial<Record<TrainingId, StoredRecord>> = {}): StoredPerson {
  return StoredPerson.parse({ email, name: email.split('@')[0], seenBy: ['kb4'], records })
}

/** A db whose security_awareness training reads campaign c1 of connection kb4 (KnowBe4). */
function configuredDb(): Db {
  const db = emptyDb()
  db.connections.push(connection('kb4', 'knowbe4', '2026-01-05T02:00:00.000Z'))
  db.trainings.security_awareness = { id: 'security_awareness', connectionId: 'kb4', campaignIds: ['c1'] }
  return db
}

describe('isConfigured', () => {
  it('needs both a connection and at least one selected campaign', () => {
    const db = configuredDb()
    db.trainings.hipaa = { id: 'hipaa', connectionId: 'kb4', campaignIds: [] }
    db.trainings.ai_awareness = { id: 'ai_awareness', connectionId: null, campaignIds: ['c1'] }

    expect(isConfigured(db, 'security_awareness')).toBe(true)
    expect(isConfigured(db, 'hipaa')).toBe(false)
    expect(isConfigured(db, 'ai_awareness')).toBe(false)
  })
})

describe('currentRecord', () => {
  it('counts a record from the training’s current connection', () => {
    const db = configuredDb()
    const stored = record('kb4')

    expect(currentRecord(db, person('a@example.com', { security_awareness: stored }), 'security_awareness')).toEqual(stored)
  })

  it('ignores a record from another connection (the training was moved since)', () => {
    const db = configuredDb()

    expect(currentRecord(db, person('a@example.com', { security_awareness: record('old') }), 'security_awareness')).toBeNull()
  })

  it('keeps a sticky record whatever the configuration says', () => {
    const db = emptyDb()
    const sticky = record('gone', { sticky: true })

    expect(currentRecord(db, person('a@example.com', { hipaa: sticky }), 'hipaa')).toEqual(sticky)
  })

  it('ignores a non-sticky record once the training is no longer configured', () => {
    const db = emptyDb()

    expect(currentRecord(db, person('a@example.com', { hipaa: record('kb4') }), 'hipaa')).toBeNull()
  })
})

describe('trainingStatus', () => {
  it('shows the record’s status and progress, without its evidence', () => {
    const db = configuredDb()
    const someone = person('a@example.com', {
      security_awareness: record('kb4', { status: 'non_compliant', completed: 0, compliantAt: null }),
    })

    const actual = trainingStatus(db, someone, 'security_awareness')

    expect(actual).toMatchObject({ status: 'non_compliant', completed: 0, required: 1, compliantAt: null, sticky: false, dueAt: null })
    expect(actual).not.toHaveProperty('evidence')
  })

  it('tells not_enrolled (configured, no record) from not_configured', () => {
    const db = configuredDb()
    const nobody = person('a@example.com')

    expect(trainingStatus(db, nobody, 'security_awareness').status).toBe('not_enrolled')
    expect(trainingStatus(db, nobody, 'hipaa').status).toBe('not_configured')
  })

  it('shows the retraining deadline while a person is due, and drops it once they comply', () => {
    const db = configuredDb()
    db.retraining.set('a@example.com', { security_awareness: { resetAt: '2026-01-01T00:00:00.000Z', dueAt: '2026-01-31T00:00:00.000Z' } })
    const due = person('a@example.com', { security_awareness: record('kb4', { status: 'non_compliant', compliantAt: null }) })
    const done = person('a@example.com', { security_awareness: record('kb4') })
    const notSynced = person('a@example.com')

    expect(trainingStatus(db, due, 'security_awareness').dueAt).toBe('2026-01-31T00:00:00.000Z')
    expect(trainingStatus(db, done, 'security_awareness').dueAt).toBeNull()
    expect(trainingStatus(db, notSynced, 'security_awareness')).toMatchObject({ status: 'not_enrolled', dueAt: '2026-01-31T00:00:00.000Z' })
  })
})

describe('toPerson', () => {
  it('answers every training, configured or not', () => {
    const db = configuredDb()

    const actual = toPerson(db, person('a@example.com', { security_awareness: record('kb4') }))

    expect(Object.keys(actual.trainings).sort()).toEqual([...TRAINING_IDS].sort())
    expect(actual.email).toBe('a@example.com')
    expect(actual.trainings.security_awareness?.status).toBe('compliant')
    expect(actual.trainings.ai_awareness?.status).toBe('not_configured')
  })
})

describe('trainingProviders', () => {
  it('names the provider of each configured training’s connection, null elsewhere', () => {
    const db = configuredDb()
    db.connections.push(connection('hun', 'huntress', null))
    db.trainings.hipaa = { id: 'hipaa', connectionId: 'hun', campaignIds: ['h1'] }

    expect(trainingProviders(db)).toEqual({ security_awareness: 'knowbe4', hipaa: 'huntress', ai_awareness: null })
  })
})

describe('toMyTrainings', () => {
  it('counts what is due, links each portal and dates the data by the oldest sync', () => {
    const db = configuredDb()
    db.connections.push(connection('hun', 'huntress', '2026-01-04T02:00:00.000Z'), connection('new', 'huntress', null))
    db.trainings.hipaa = { id: 'hipaa', connectionId: 'hun', campaignIds: ['h1'] }
    const someone = person('a@example.com', { hipaa: record('hun', { status: 'non_compliant', compliantAt: null }) })

    const actual = toMyTrainings(db, someone, (training) => (training === 'security_awareness' ? 'https://training.example/' : null))

    // security_awareness: configured, no record → not_enrolled (due); hipaa: non_compliant (due).
    expect(actual.due).toBe(2)
    expect(actual.portalUrl).toEqual({ security_awareness: 'https://training.example/', hipaa: null, ai_awareness: null })
    expect(actual.provider).toEqual({ security_awareness: 'knowbe4', hipaa: 'huntress', ai_awareness: null })
    expect(actual.syncedAt).toBe('2026-01-04T02:00:00.000Z')
  })

  it('has no sync date before any connection has synced', () => {
    const db = emptyDb()
    db.connections.push(connection('kb4', 'knowbe4', null))

    expect(toMyTrainings(db, unknownPerson('a@example.com'), () => null).syncedAt).toBeNull()
  })
})

describe('unknownPerson', () => {
  it('is someone with a token and no data: named by their address, due nowhere', () => {
    const db = configuredDb()

    const actual = toMyTrainings(db, unknownPerson('new@example.com'), () => null)

    expect(actual).toMatchObject({ email: 'new@example.com', name: 'new@example.com' })
    expect(actual.trainings.security_awareness?.status).toBe('not_enrolled')
  })
})
