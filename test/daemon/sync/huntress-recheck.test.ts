import { afterEach, describe, expect, it } from 'vitest'
import { seedWorkedExample } from '../../../fakes/huntress/seed.ts'
import type { Connection, MyTrainings, SyncRun } from '../../../shared/domain.ts'
import { startHarness, type Harness } from '../../helpers/huntress.ts'
import { VirtualClock } from '../../helpers/virtual-clock.ts'

let h: Harness
afterEach(() => h?.stop())

const T0 = Date.parse('2026-12-01T09:00:00.000Z')

describe('Huntress: the end of a sync and the targeted re-check', () => {
  // Regression (issue 10, defect 11): finishedAt and lastSyncAt were taken after the fetch,
  // before the certificate downloads and the commit.
  it('finishedAt and lastSyncAt mean the end of the whole sync, after the certificate downloads', async () => {
    const clock = new VirtualClock(T0)
    h = await startHarness({}, { clock })
    const example = seedWorkedExample(h.fake)
    const connection = await h.connect()
    await h.select(connection.id, [example.assignments.a.id, example.assignments.b.id])

    let release!: () => void
    const held = new Promise<void>((resolve) =>
      h.fake.inject({ kind: 'hold', until: new Promise<void>((r) => (release = r)), onHeld: resolve }, { path: 'completion-certificate' }),
    )
    const syncing = h.sync(connection.id)
    await held
    clock.set(T0 + 90_000) // the downloads take a while
    release()
    const run: SyncRun = await syncing
    expect(run).toMatchObject({ ok: true, startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 90_000).toISOString() })
    const connections = (await h.call<Connection[]>('/connections')).body
    expect(connections[0]?.lastSyncAt).toBe(run.finishedAt)
  })

  it('re-checks one learner with one certificate request per selected assignment', async () => {
    h = await startHarness()
    const example = seedWorkedExample(h.fake)
    const connection = await h.connect()
    await h.select(connection.id, [example.assignments.a.id, example.assignments.b.id])
    expect((await h.sync(connection.id)).ok).toBe(true)
    const token = (await h.call<{ token: string }>('/tokens', { method: 'POST', json: { role: 'employee', email: 'wizard@example.com' } }))
      .body.token
    h.fake.tenant.complete(example.assignments.a.id, example.learners.wizard.id, '2026-11-30T10:00:00Z')

    const before = h.fake.requests.length
    const answer = await h.call<MyTrainings>('/me/recheck', { method: 'POST', token })
    expect(answer.status).toBe(200)
    expect(answer.body.trainings.security_awareness).toMatchObject({ status: 'compliant', completed: 2, required: 2 })
    // Two checks (one per selected assignment); then, as the record became compliant, Huntress's
    // own certificate of each of its two assignments (link + PDF): 2 + 2 × 2 requests, no listing.
    const asked = h.fake.requests.slice(before)
    const wizard = String(example.learners.wizard.id)
    const api = asked.filter((entry) => entry.path.startsWith('/api/'))
    expect(api.map((entry) => [entry.path.split('/').at(-1), entry.query.learnerId])).toEqual(
      Array(4).fill(['completion-certificate', wizard]),
    )
    expect(asked).toHaveLength(6)
    expect(asked.some((entry) => entry.path.endsWith('/learners') || entry.path.endsWith('/learner-activity'))).toBe(false)
  })
})
