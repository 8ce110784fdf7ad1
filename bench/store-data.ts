import { createHash } from 'node:crypto'
import { emptyDb, type Db, type StoredPerson, type StoredRecord, type StoredToken } from '../daemon/store/schema.ts'

const CONNECTION = '5f0c6a51-8d1e-4f36-9b8e-2f4a1c7d9e10'
const DAY_MS = 24 * 60 * 60 * 1000

/** A token id shaped like the randomUUID() the daemon gives, fixed by the index. */
const benchUuid = (index: number) =>
  `0b7e${String(index).padStart(4, '0').slice(-4)}-${String(index).padStart(12, '0').slice(0, 4)}-4c1d-8e2f-${String(index).padStart(12, '0')}`

/** People as a KnowBe4 sync of two selected campaigns leaves them (half compliant, two modules each), each signed in once. */
export function syntheticDb(count: number, now = Date.now()): Db {
  const db = emptyDb()
  db.connections.push({
    id: CONNECTION,
    provider: 'knowbe4',
    label: 'KnowBe4 (Bench Ltd)',
    status: 'connected',
    lastSyncAt: '2026-11-30T02:00:00.000Z',
    lastError: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    settings: { region: 'eu' },
    sealed: 'v1.x.y.z',
  })
  const campaigns = [1, 2].map((n) => ({ id: `${CONNECTION}:${n}`, name: `Annual Security Awareness 2026 part ${n}` }))
  db.trainings.security_awareness = {
    id: 'security_awareness',
    connectionId: CONNECTION,
    campaignIds: campaigns.map((campaign) => campaign.id),
  }
  const evaluatedAt = '2026-11-30T02:00:00.000Z'
  const source = { provider: 'knowbe4' as const, connectionId: CONNECTION, connectionLabel: 'KnowBe4 (Bench Ltd)' }
  const notConfigured = (): StoredRecord => ({
    status: 'not_configured',
    completed: 0,
    required: 0,
    compliantAt: null,
    sticky: false,
    campaigns: [],
    evidence: [],
    evaluatedAt,
    connectionId: null,
    certificates: [],
    source: null,
    evidenceSha256: null,
  })
  for (let index = 0; index < count; index++) {
    const email = `person${String(index).padStart(6, '0')}@bench.example`
    const done = index % 2 === 0
    const at = new Date(Date.UTC(2026, index % 10, 1 + (index % 27), 10, index % 60)).toISOString()
    const record: StoredRecord = {
      status: done ? 'compliant' : 'non_compliant',
      completed: done ? 2 : 1,
      required: 2,
      compliantAt: done ? at : null,
      sticky: done,
      campaigns: [
        { ...campaigns[0]!, completed: true, completedAt: at },
        { ...campaigns[1]!, completed: done, completedAt: done ? at : null },
      ],
      evidence: (done ? campaigns : campaigns.slice(0, 1)).map((campaign, n) => ({
        campaignId: campaign.id,
        campaignName: campaign.name,
        module: `content-${n + 1}`,
        moduleName: `Module ${n + 1}`,
        enrollmentId: String(1_000_000 + index * 2 + n),
        completedAt: at,
      })),
      evaluatedAt,
      connectionId: CONNECTION,
      certificates: [],
      source,
      evidenceSha256: null,
    }
    const person: StoredPerson = {
      email,
      name: `Person ${index}`,
      seenBy: [CONNECTION],
      externalIds: { [CONNECTION]: String(500_000 + index) },
      records: { security_awareness: record, hipaa: notConfigured(), ai_awareness: notConfigured() },
    }
    db.people.set(email, person)
  }
  // One OIDC sign-in token a person, as after an organisation-wide roll-out: the tokens file is as
  // large as the people it serves, and a token change must not cost its size.
  for (const token of syntheticTokens(count, now)) db.tokens.set(token.id, token)
  return db
}

/** One OIDC sign-in token for each of `count` bench people (person000000@bench.example, …). */
export function syntheticTokens(count: number, now = Date.now()): StoredToken[] {
  const tokens: StoredToken[] = []
  for (let index = 0; index < count; index++) {
    const email = `person${String(index).padStart(6, '0')}@bench.example`
    // Signed in over the last 29 days with 30-day sessions: none has expired when the bench runs.
    const createdAt = new Date(now - (index % 29) * DAY_MS - (index % 60) * 60_000).toISOString()
    tokens.push({
      id: benchUuid(index),
      hash: createHash('sha256').update(`bench-token-${index}`).digest('hex'),
      role: 'employee',
      email,
      label: `Person ${index}`,
      createdAt,
      expiresAt: new Date(Date.parse(createdAt) + 30 * DAY_MS).toISOString(),
      lastUsedAt: index % 3 === 0 ? null : new Date(Math.min(now, Date.parse(createdAt) + (index % 7) * DAY_MS)).toISOString(),
      via: 'oidc',
    })
  }
  return tokens
}
