import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../daemon/app.ts'
import { addedTokenScope, addToken } from '../../../daemon/services/tokens.ts'
import type { StoredRecord } from '../../../daemon/store/schema.ts'
import type { MyTrainings, Person } from '../../../shared/domain.ts'
import { ADMIN_TOKEN, startTestDaemon, type TestDaemon } from '../../helpers/daemon.ts'

/** The personnel index and the /me/trainings cache through the routes (app.request: no socket per call). */
let daemon: TestDaemon
let app: ReturnType<typeof createApp>
let employeeToken: string
const EMPLOYEE = 'b-emp@example.com'

const compliant: StoredRecord = {
  status: 'compliant',
  completed: 1,
  required: 1,
  compliantAt: '2026-01-02T00:00:00.000Z',
  sticky: true,
  campaigns: [],
  evidence: [],
  evaluatedAt: '2026-01-02T00:00:00.000Z',
  connectionId: 'c1',
  certificates: [],
  source: null,
  evidenceSha256: null,
}
const failing: StoredRecord = { ...compliant, status: 'non_compliant', completed: 0, compliantAt: null, sticky: false }

beforeAll(async () => {
  daemon = await startTestDaemon()
  app = createApp(daemon.deps)
  await daemon.deps.store.update(
    (db) => {
      db.connections.push({
        id: 'c1',
        provider: 'knowbe4',
        label: 'kb4',
        status: 'connected',
        lastSyncAt: null,
        lastError: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        settings: {},
        sealed: 'x',
      })
      db.trainings.security_awareness = { ...db.trainings.security_awareness, connectionId: 'c1', campaignIds: ['c1:1'] }
      const people: [string, StoredRecord | null][] = [
        ['e@example.com', failing],
        ['a@example.com', failing],
        [EMPLOYEE, compliant],
        ['d@example.com', null],
        ['c@example.com', failing],
        ['f@example.com', compliant],
      ]
      for (const [email, record] of people) {
        db.people.set(email, { email, name: email, seenBy: ['c1'], externalIds: {}, records: record ? { security_awareness: record } : {} })
      }
    },
    { people: 'all' },
  )
  employeeToken = (
    await daemon.deps.store.update(
      (db) => addToken(db, { role: 'employee', email: EMPLOYEE, label: 'test', expiresInDays: null, via: 'issued' }, 'test', new Date()),
      addedTokenScope,
    )
  ).token
})
afterAll(() => daemon.stop())

async function get<T>(path: string, token = ADMIN_TOKEN): Promise<T> {
  const res = await app.request(`http://127.0.0.1:${daemon.port}/api/v1${path}`, {
    headers: { host: `127.0.0.1:${daemon.port}`, authorization: `Bearer ${token}` },
  })
  expect(res.status, path).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return (await res.json()) as T
}
const emails = (people: Person[]) => people.map((person) => person.email)

describe('GET /personnel through the index', () => {
  it('filters by status and pages in e-mail order', async () => {
    expect(emails(await get<Person[]>('/personnel?status=non_compliant'))).toEqual(['a@example.com', 'c@example.com', 'e@example.com'])
    expect(emails(await get<Person[]>('/personnel?status=non_compliant&limit=1&offset=1'))).toEqual(['c@example.com'])
    expect(emails(await get<Person[]>('/personnel?training=security_awareness&status=not_enrolled'))).toEqual(['d@example.com'])
    expect(emails(await get<Person[]>('/personnel?training=hipaa&status=not_configured&offset=4'))).toEqual([
      'e@example.com',
      'f@example.com',
    ])
    expect(emails(await get<Person[]>('/personnel?limit=2&offset=1'))).toEqual([EMPLOYEE, 'c@example.com'])
  })
})

describe('GET /me/trainings from the cache', () => {
  it('answers from the cache, and anew (here and in the list) once a reset changed the person', async () => {
    const listed = async () =>
      (await get<Person[]>('/personnel?limit=3')).find((person) => person.email === EMPLOYEE)!.trainings.security_awareness!.status
    expect(await listed()).toBe('compliant')
    const before = await get<MyTrainings>('/me/trainings', employeeToken)
    expect(before.trainings.security_awareness!.status).toBe('compliant')
    expect(await get<MyTrainings>('/me/trainings', employeeToken)).toEqual(before)

    const res = await app.request(`http://127.0.0.1:${daemon.port}/api/v1/personnel/${EMPLOYEE}/reset`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${daemon.port}`, authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ training: 'security_awareness' }),
    })
    expect(res.status).toBe(200)
    const after = await get<MyTrainings>('/me/trainings', employeeToken)
    expect(after.trainings.security_awareness!.status).toBe('not_enrolled')
    expect(after.due).toBe(before.due + 1)
    expect(emails(await get<Person[]>('/personnel?training=security_awareness&status=not_enrolled'))).toEqual([EMPLOYEE, 'd@example.com'])
    expect(await listed()).toBe('not_enrolled')
  })
})

describe('GET /personnel after a sync and as an export', () => {
  it('a page after a change naming everyone (a sync) shows it, and everyone (streamed past 1,000 people) comes whole, in order', async () => {
    const before = await get<Person[]>('/personnel?status=non_compliant&limit=100')
    expect(emails(before)).toContain('a@example.com')
    const added = Array.from({ length: 1_200 }, (_, n) => `m${String((n * 7) % 1_200).padStart(4, '0')}@example.com`)
    await daemon.deps.store.update(
      (db) => {
        db.people.get('a@example.com')!.records.security_awareness = compliant
        for (const email of added) {
          db.people.set(email, { email, name: email, seenBy: ['c1'], externalIds: {}, records: { security_awareness: failing } })
        }
      },
      { people: 'all' },
    )
    const after = emails(await get<Person[]>('/personnel?status=non_compliant&limit=100'))
    expect(after).not.toContain('a@example.com')
    expect(after.slice(0, 2)).toEqual(['c@example.com', 'e@example.com'])

    const everyone = await get<Person[]>('/personnel')
    const expected = [...daemon.deps.store.data.people.keys()].sort()
    expect(emails(everyone)).toEqual(expected)
    expect(everyone.find((person) => person.email === 'a@example.com')!.trainings.security_awareness!.status).toBe('compliant')
    const failingOnly = await get<Person[]>('/personnel?training=security_awareness&status=non_compliant')
    expect(failingOnly).toHaveLength(1_202)
    expect(emails(failingOnly)).toEqual([...emails(failingOnly)].sort())
  })
})
