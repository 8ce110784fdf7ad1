import { describe, expect, it } from 'vitest'
import { Evaluation, Outcome } from '../../../shared/evaluator.ts'
import type { Fetched } from '../../../daemon/sync/fetch.ts'
import { normalise } from '../../../daemon/sync/normalise.ts'
import { planRecheck, planSync } from '../../../daemon/sync/plan.ts'
import { emptyDb, type Db, type StoredConnection, type StoredRecord } from '../../../daemon/store/schema.ts'

const CONNECTION: StoredConnection = {
  id: 'c1',
  provider: 'knowbe4',
  label: 'Acme',
  status: 'connected',
  lastSyncAt: null,
  lastError: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  settings: {},
  sealed: 'sealed',
}
const DONE = '2026-02-01T00:00:00.000Z'

const campaign = (externalId: string, importable = true) => ({
  externalId,
  name: `Campaign ${externalId}`,
  status: 'In Progress',
  importable,
  notImportableReason: importable ? null : 'closed',
})
const enrollment = (
  email: string,
  externalCampaignId: string,
  completedAt: string | null,
  enrollmentId = `${email}-${externalCampaignId}`,
) => ({
  enrollmentId,
  externalCampaignId,
  email,
  module: 'm1',
  completedAt,
})

function fetched(): Fetched {
  return {
    campaigns: [campaign('10'), campaign('11'), campaign('12', false)],
    people: [
      { email: 'ann@x.com', name: 'Ann', externalId: '1' },
      { email: 'bob@x.com', name: 'Bob', externalId: '2' },
    ],
    enrollments: [enrollment('ann@x.com', '10', DONE), enrollment('bob@x.com', '10', null), enrollment('eve@x.com', '11', null)],
  }
}

function sticky(): StoredRecord {
  return {
    status: 'compliant',
    completed: 1,
    required: 1,
    compliantAt: DONE,
    sticky: true,
    campaigns: [],
    evidence: [],
    evaluatedAt: DONE,
    connectionId: 'c1',
    certificates: [],
    source: null,
    evidenceSha256: null,
  }
}

function dbWith(change: (db: Db) => void = () => undefined): Db {
  const db = emptyDb()
  db.connections.push(CONNECTION)
  change(db)
  return db
}

describe('planSync', () => {
  it('counts only selected campaigns the provider still lists as importable, with their names', () => {
    const selection = new Map([['security_awareness' as const, ['c1:10', 'c1:12', 'c1:99', 'c1:10']]])

    const plan = planSync(dbWith(), CONNECTION, selection, normalise('c1', fetched()))

    expect(plan.trainings).toEqual(['security_awareness'])
    expect(plan.inputs[0]?.selected.map(({ id, name }) => [id, name])).toEqual([['c1:10', 'Campaign 10']])
    expect(plan.source).toEqual({ provider: 'knowbe4', connectionId: 'c1', connectionLabel: 'Acme' })
  })

  it('evaluates everyone the db knows first, then everyone the provider lists, each once', () => {
    const db = dbWith((db) => {
      db.people.set('old@x.com', {
        email: 'old@x.com',
        name: 'Old',
        seenBy: [],
        externalIds: {},
        records: { security_awareness: sticky() },
      })
      db.people.set('bob@x.com', { email: 'bob@x.com', name: 'Bob', seenBy: ['c1'], externalIds: {}, records: {} })
    })

    const plan = planSync(db, CONNECTION, new Map([['security_awareness', ['c1:10']]]), normalise('c1', fetched()))

    expect(plan.order.map((person) => plan.emails[person])).toEqual(['old@x.com', 'bob@x.com', 'ann@x.com', 'eve@x.com'])
    expect(plan.table.people).toBe(4)
  })

  it("hands the evaluator each person's record so far (a sticky one stands) and their recurrence reset", () => {
    const db = dbWith((db) => {
      db.people.set('bob@x.com', {
        email: 'bob@x.com',
        name: 'Bob',
        seenBy: ['c1'],
        externalIds: {},
        records: { security_awareness: sticky() },
      })
      db.retraining.set('ann@x.com', { security_awareness: { resetAt: '2026-03-01T00:00:00.000Z', dueAt: '2026-04-01T00:00:00.000Z' } })
    })

    const plan = planSync(db, CONNECTION, new Map([['security_awareness', ['c1:10']]]), normalise('c1', fetched()))
    const evaluation = new Evaluation(plan.table, plan.inputs)
    const outcome = (email: string) => evaluation.outcome(plan.emails.indexOf(email), 0)

    expect(outcome('bob@x.com')).toBe(Outcome.stands)
    // Ann's completion predates her reset, so it no longer counts.
    expect(outcome('ann@x.com')).toBe(Outcome.nonCompliant)
    expect(outcome('eve@x.com')).toBe(Outcome.none)
  })
})

describe('planRecheck', () => {
  it('plans one person and their due trainings, naming campaigns from the db', () => {
    const db = dbWith((db) => {
      db.campaigns.push({
        id: 'c1:11',
        connectionId: 'c1',
        externalId: '11',
        name: 'Stored 11',
        status: 'x',
        importable: true,
        notImportableReason: null,
      })
    })
    const rows = { campaigns: [], people: [], enrollments: [enrollment('eve@x.com', '11', DONE)] }

    const plan = planRecheck(db, CONNECTION, 'eve@x.com', [{ training: 'hipaa', campaignIds: ['c1:11', 'c1:13'] }], normalise('c1', rows))

    expect(plan.order.map((person) => plan.emails[person])).toEqual(['eve@x.com'])
    expect(plan.trainings).toEqual(['hipaa'])
    expect(plan.inputs[0]?.selected).toEqual([{ id: 'c1:11', name: 'Stored 11', index: 0 }])
    expect(new Evaluation(plan.table, plan.inputs).outcome(plan.order[0] as number, 0)).toBe(Outcome.compliant)
  })
})
