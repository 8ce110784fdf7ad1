import { describe, expect, it } from 'vitest'
import { commitRecheck, commitSync } from '../../../daemon/sync/commit.ts'
import { evaluatePlan } from '../../../daemon/sync/evaluate.ts'
import { normalise } from '../../../daemon/sync/normalise.ts'
import { planRecheck, planSync } from '../../../daemon/sync/plan.ts'
import { emptyDb, type StoredConnection, type StoredRecord } from '../../../daemon/store/schema.ts'

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
const NOW = '2026-03-01T00:00:00.000Z'
const fetched = {
  campaigns: [{ externalId: '10', name: 'Ten', status: 'x', importable: true, notImportableReason: null }],
  people: [{ email: 'ann@x.com', name: 'Ann', externalId: '1' }],
  enrollments: [{ enrollmentId: 'e1', externalCampaignId: '10', email: 'ann@x.com', module: 'm', completedAt: null }],
}

function setup() {
  const db = emptyDb()
  db.connections.push(CONNECTION)
  db.trainings.security_awareness = { id: 'security_awareness', connectionId: 'c1', campaignIds: ['c1:10'] }
  const normalised = normalise('c1', fetched)
  const evaluated = evaluatePlan(planSync(db, CONNECTION, new Map([['security_awareness', ['c1:10']]]), normalised), NOW)
  return { db, normalised, evaluated }
}

const compliant = (): StoredRecord => ({
  status: 'compliant',
  completed: 1,
  required: 1,
  compliantAt: NOW,
  sticky: true,
  campaigns: [],
  evidence: [],
  evaluatedAt: NOW,
  connectionId: 'c1',
  certificates: [],
  source: null,
  evidenceSha256: null,
})

describe('commitSync', () => {
  it("writes the evaluated records stamped with the sync's end, and the people listed", () => {
    const { db, normalised, evaluated } = setup()

    commitSync(db, normalised, evaluated, [], '2026-03-01T00:05:00.000Z')

    expect(db.people.get('ann@x.com')).toMatchObject({ name: 'Ann', seenBy: ['c1'], externalIds: { c1: '1' } })
    expect(db.people.get('ann@x.com')?.records.security_awareness).toMatchObject({
      status: 'non_compliant',
      evaluatedAt: '2026-03-01T00:05:00.000Z',
    })
  })

  it('never replaces a record that became sticky after the plan was made (a re-check meanwhile)', () => {
    const { db, normalised, evaluated } = setup()
    const sticky = compliant()
    db.people.set('ann@x.com', {
      email: 'ann@x.com',
      name: 'Ann',
      seenBy: ['c1'],
      externalIds: {},
      records: { security_awareness: sticky },
    })

    commitSync(db, normalised, evaluated, [], NOW)

    expect(db.people.get('ann@x.com')?.records.security_awareness).toBe(sticky)
  })
})

describe('commitRecheck', () => {
  it('leaves a training alone when its selection changed since the re-check started', () => {
    const { db } = setup()
    db.people.set('ann@x.com', { email: 'ann@x.com', name: 'Ann', seenBy: ['c1'], externalIds: {}, records: {} })
    db.campaigns.push({
      id: 'c1:10',
      connectionId: 'c1',
      externalId: '10',
      name: 'Ten',
      status: 'x',
      importable: true,
      notImportableReason: null,
    })
    const due = [{ training: 'security_awareness' as const, campaignIds: ['c1:10'] }]
    const evaluated = evaluatePlan(planRecheck(db, CONNECTION, 'ann@x.com', due, normalise('c1', fetched)), NOW)
    db.trainings.security_awareness.campaignIds = ['c1:11']

    expect(commitRecheck(db, 'ann@x.com', due, evaluated, [])).toEqual({})
    db.trainings.security_awareness.campaignIds = ['c1:10']
    expect(commitRecheck(db, 'ann@x.com', due, evaluated, [])).toEqual({ security_awareness: 'non_compliant' })
  })
})
