import { describe, expect, it } from 'vitest'
import { completionRows, peopleRows } from '../../../daemon/evidence/rows.ts'
import { ProviderRegistry } from '../../../daemon/providers/registry.ts'
import { emptyDb, StoredPerson, StoredRecord, type Db } from '../../../daemon/store/schema.ts'
import { loadConfig } from '../../../daemon/config.ts'

const providers = ProviderRegistry.fromConfig(loadConfig({}))

/** A db where Security Awareness is configured and one person became compliant on 2026-03-05. */
function dbWithRecord(extra: Record<string, unknown> = {}): Db {
  const db = emptyDb()
  db.connections.push({
    id: 'c1',
    provider: 'knowbe4',
    label: 'KnowBe4 (today)',
    status: 'connected',
    lastSyncAt: null,
    lastError: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    settings: {},
    sealed: 'x',
  })
  db.campaigns.push({
    id: 'c1:1',
    connectionId: 'c1',
    externalId: '1',
    name: 'Renamed since',
    status: 'Closed',
    importable: true,
    notImportableReason: null,
  })
  db.trainings.security_awareness = { id: 'security_awareness', connectionId: 'c1', campaignIds: ['c1:1', 'c1:2'] }
  const record = StoredRecord.parse({
    status: 'compliant',
    completed: 2,
    required: 2,
    compliantAt: '2026-03-05T09:00:00.000Z',
    sticky: true,
    campaigns: [
      { id: 'c1:1', name: 'Basics 2026', completed: true, completedAt: '2026-02-01T09:00:00.000Z' },
      { id: 'c1:2', name: 'Phishing 2026', completed: true, completedAt: '2026-03-05T09:00:00.000Z' },
    ],
    evidence: [
      { campaignId: 'c1:1', module: 'm1', enrollmentId: 'e1', completedAt: '2026-02-01T09:00:00.000Z' },
      { campaignId: 'c1:2', module: 'm2', enrollmentId: 'e2', completedAt: '2026-03-05T09:00:00.000Z' },
    ],
    evaluatedAt: '2026-03-06T02:00:00.000Z',
    connectionId: 'c1',
  })
  const person = StoredPerson.parse({ email: 'ann@example.com', name: 'Ann', seenBy: ['c1'], records: {} })
  // `extra` may carry fields this schema does not know yet (a record's kept source), so it is not parsed.
  person.records.security_awareness = { ...record, ...extra } as StoredRecord
  db.people.set(person.email, person)
  return db
}

describe('evidence pack rows', () => {
  it('as of a day before compliance: non_compliant, with the campaigns finished by then, no completions', () => {
    const db = dbWithRecord()
    const rows = [...peopleRows(db, providers, { from: '2026-01-01', to: '2026-02-28' })]
    expect(rows).toEqual([
      {
        email: 'ann@example.com',
        name: 'Ann',
        training: 'security_awareness',
        status: 'non_compliant',
        compliant_at: '',
        provider: 'knowbe4',
        connection: 'KnowBe4 (today)',
        completed: 1,
        required: 2,
      },
    ])
    expect([...completionRows(db, providers, { from: '2026-01-01', to: '2026-02-28' })]).toEqual([])
  })

  it('as of the day of compliance (any time that UTC day): compliant, one completion per module with the record’s campaign names', () => {
    const db = dbWithRecord()
    const [row] = [...peopleRows(db, providers, { from: '2026-03-05', to: '2026-03-05' })]
    expect(row).toMatchObject({ status: 'compliant', compliant_at: '2026-03-05T09:00:00.000Z', completed: 2 })
    expect(
      [...completionRows(db, providers, { from: '2026-03-05', to: '2026-03-05' })].map((item) => [
        item.campaign,
        item.module,
        item.external_id,
      ]),
    ).toEqual([
      ['Basics 2026', 'm1', 'e1'],
      ['Phishing 2026', 'm2', 'e2'],
    ])
  })

  it('reads provider, connection, campaign and module names from the record when it kept them, over today’s db', () => {
    const db = dbWithRecord({
      source: { provider: 'huntress', connectionId: 'gone', connectionLabel: 'Huntress (then)' },
      evidence: [
        {
          campaignId: 'c1:1',
          campaignName: 'Kept name',
          module: 'k1',
          moduleName: 'Kept module',
          enrollmentId: 'e1',
          completedAt: '2026-02-01T09:00:00.000Z',
        },
      ],
    })
    const window = { from: '2026-01-01', to: '2026-12-31' }
    expect([...peopleRows(db, providers, window)][0]).toMatchObject({ provider: 'huntress', connection: 'Huntress (then)' })
    expect([...completionRows(db, providers, window)][0]).toMatchObject({
      provider: 'huntress',
      campaign: 'Kept name',
      module: 'Kept module',
    })
  })

  it('leaves out trainings that are not configured', () => {
    const db = dbWithRecord()
    db.trainings.security_awareness = { id: 'security_awareness', connectionId: null, campaignIds: [] }
    expect([...peopleRows(db, providers, { from: '2026-01-01', to: '2026-12-31' })]).toEqual([])
  })
})
