import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appUnderTest, seedConnection, type AppUnderTest } from '../app-under-test.ts'
import { dbJson } from '../../helpers/store-files.ts'

let t: AppUnderTest
beforeEach(async () => {
  t = await appUnderTest()
})
afterEach(() => t.close())

describe('POST /connections', () => {
  it('answers 400 invalid_request for a body of no provider, and stores nothing', async () => {
    const res = await t.request('/connections', { method: 'POST', json: { provider: 'knowbe4', region: 'mars' } })

    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } })
    expect(t.deps.store.data.connections).toEqual([])
    expect(t.deps.store.data.audit).toEqual([])
  })
})

describe('GET /connections', () => {
  it('lists connections without settings or sealed secrets', async () => {
    await seedConnection(t.deps)

    const res = await t.request('/connections')

    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([
      { id: 'c1', provider: 'knowbe4', label: 'KnowBe4 (us)', status: 'connected', lastSyncAt: null, lastError: null },
    ])
  })
})

describe('GET /connections/{id}/campaigns', () => {
  it('lists the campaigns with the trainings that selected them', async () => {
    await seedConnection(t.deps)

    const res = await t.request('/connections/c1/campaigns')

    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([
      {
        id: 'c1:1',
        connectionId: 'c1',
        externalId: '1',
        name: 'Basics 2026',
        status: 'In Progress',
        importable: true,
        notImportableReason: null,
        trainings: ['security_awareness'],
      },
    ])
  })

  it('answers 404 not_found for an unknown connection', async () => {
    const res = await t.request('/connections/nope/campaigns')

    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})

describe('DELETE /connections/{id}', () => {
  it('removes the connection, its campaigns and selections, keeps the sticky record, and audits it', async () => {
    await seedConnection(t.deps)

    const res = await t.request('/connections/c1', { method: 'DELETE' })

    expect(res.status).toBe(204)
    const db = t.deps.store.data
    expect([db.connections, db.campaigns]).toEqual([[], []])
    expect(db.trainings.security_awareness).toEqual({ id: 'security_awareness', connectionId: null, campaignIds: [] })
    expect(db.people.get('ann@example.com')?.seenBy).toEqual([])
    expect(db.people.get('ann@example.com')?.records.security_awareness?.status).toBe('compliant')
    expect(db.audit.map(({ actor, action, detail }) => ({ actor, action, detail }))).toEqual([
      { actor: 'admin (TRAINPROOF_ADMIN_TOKEN)', action: 'connection.deleted', detail: { connectionId: 'c1', label: 'KnowBe4 (us)' } },
    ])
  })

  it('answers 404 for an unknown connection and changes nothing', async () => {
    await seedConnection(t.deps)
    const before = dbJson(t.deps.store.data)

    const res = await t.request('/connections/nope', { method: 'DELETE' })

    expect(res.status).toBe(404)
    expect(dbJson(t.deps.store.data)).toBe(before)
  })
})

describe('PUT /connections/{id}/credentials', () => {
  it('answers 404 for an unknown connection', async () => {
    const res = await t.request('/connections/nope/credentials', {
      method: 'PUT',
      json: { provider: 'knowbe4', region: 'us', apiToken: 'x'.repeat(40) },
    })

    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([404, 'not_found'])
  })
})

describe('POST /connections/{provider}/callback', () => {
  it('refuses an unknown state with invalid_state', async () => {
    const res = await t.request('/connections/huntress/callback', { method: 'POST', json: { code: 'c', state: 'never-issued' } })

    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_state' } })
  })
})
