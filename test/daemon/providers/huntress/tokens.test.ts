import { dbJson, dbText } from '../../../helpers/store-files.ts'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Connection } from '../../../../shared/domain.ts'
import type { HuntressSecret } from '../../../../daemon/providers/huntress/index.ts'
import { seedWorkedExample, type WorkedExample } from '../../../../fakes/huntress/seed.ts'
import { securityAwareness, startHarness, type Harness } from '../../../helpers/huntress.ts'

/* Huntress's tokens during a sync driven through the daemon: rotation mid-sync, and a lost grant. */

let h: Harness
let example: WorkedExample
let connection: Connection
beforeEach(async () => {
  h = await startHarness()
  example = seedWorkedExample(h.fake)
  connection = await h.connect()
  await h.select(connection.id, [example.assignments.a.id, example.assignments.b.id])
})
afterEach(() => h.stop())

const stored = () => h.daemon.deps.store.data.connections.find((item) => item.id === connection.id)!
const storedSecret = () => h.daemon.deps.vault.open(stored().sealed, connection.id) as HuntressSecret

describe('an access token that expires in the middle of a sync', () => {
  it('is renewed once, the rotated pair is stored and the sync completes', async () => {
    const before = { sealed: stored().sealed, secret: storedSecret() }
    // The fourth API request (an activity list, after the assignments and the two selected
    // assignments' learner lists) finds every access token expired: 401.
    h.fake.inject({ kind: 'expire_token' }, { path: '/api/v1/', after: 3 })
    h.fake.clearRequests()

    const run = await h.sync(connection.id)

    expect(run).toMatchObject({ ok: true, error: null })
    // The worked example's 11 requests, plus the refused one and the token refresh.
    expect(run.requests).toBe(13)
    const refused = h.fake.requests.filter((entry) => entry.status === 401)
    expect(refused).toHaveLength(1)
    expect(refused[0]?.bearer).toBe(before.secret.accessToken)
    const tokenCalls = h.fake.requests.filter((entry) => entry.path === '/oauth/token')
    expect(tokenCalls.map((entry) => entry.status)).toEqual([200])

    // Rotation persisted: the sealed secret changed and holds the only live refresh token.
    const after = storedSecret()
    expect(stored().sealed).not.toBe(before.sealed)
    expect(after.refreshToken).not.toBe(before.secret.refreshToken)
    expect(h.fake.oauth.liveRefreshTokens()).toEqual([after.refreshToken])
    expect(h.fake.oauth.verifyAccess(after.accessToken)).not.toBeNull()
    // Neither the db nor its pre-sync backups hold a token in clear text.
    const backups = readdirSync(h.daemon.dataDir).filter((name) => name.startsWith('trainproof.json.bak'))
    expect(backups).toContain('trainproof.json.bak1')
    for (const name of ['.', ...backups]) {
      const text = dbText(join(h.daemon.dataDir, name))
      for (const token of [after.accessToken, after.refreshToken, before.secret.accessToken, before.secret.refreshToken])
        expect(text, name).not.toContain(token)
    }
    // The refused request was retried with the new token, and everything after used it.
    const afterRefresh = h.fake.requests.slice(h.fake.requests.indexOf(tokenCalls[0]!) + 1)
    expect(afterRefresh.filter((entry) => entry.path.startsWith('/api/v1/')).every((entry) => entry.bearer === after.accessToken)).toBe(
      true,
    )

    expect(stored()).toMatchObject({ status: 'connected', lastError: null })
    const people = await h.people()
    expect(securityAwareness(people['astronaut@example.com'])).toBe('compliant 2/2')
    expect(securityAwareness(people['ninja@example.com'])).toBe('non_compliant 0/1')

    // The next sync goes on with the stored pair, no refresh needed.
    h.fake.clearRequests()
    expect(await h.sync(connection.id)).toMatchObject({ ok: true, requests: 5 })
    expect(h.fake.requestCount('/oauth/token')).toBe(0)
  })

  it('is renewed before use when the stored expiry is (nearly) past', async () => {
    await h.daemon.deps.store.update((db) => {
      const item = db.connections.find((one) => one.id === connection.id)!
      const secret = h.daemon.deps.vault.open(item.sealed, item.id) as HuntressSecret
      item.sealed = h.daemon.deps.vault.seal({ ...secret, expiresAt: new Date(Date.now() + 30_000).toISOString() }, item.id)
    })
    h.fake.clearRequests()

    const run = await h.sync(connection.id)

    expect(run.ok).toBe(true)
    expect(h.fake.requests[0]?.path).toBe('/oauth/token') // renewed first, never refused
    expect(h.fake.requests.filter((entry) => entry.status === 401)).toEqual([])
    expect(run.requests).toBe(12)
    expect(Date.parse(storedSecret().expiresAt)).toBeGreaterThan(Date.now() + 30 * 60_000)
  })
})

describe('a revoked refresh token', () => {
  it('fails the sync, asks for re-authorisation and changes no person', async () => {
    expect((await h.sync(connection.id)).ok).toBe(true)
    // New data at Huntress that a working sync would pick up.
    h.fake.tenant.complete(example.assignments.a.id, example.learners.wizard.id)
    const peopleBefore = dbJson(h.daemon.deps.store.data.people)
    const sealedBefore = stored().sealed
    const lastSyncAt = stored().lastSyncAt
    h.fake.revokeRefreshTokens()
    h.fake.expireAccessTokens()
    h.fake.clearRequests()

    const run = await h.sync(connection.id)

    expect(run.ok).toBe(false)
    // The assignments request answered 401, then the refresh answered invalid_grant: no retry.
    expect(run.requests).toBe(2)
    expect(h.fake.requests.map((entry) => [entry.path, entry.status])).toEqual([
      [`/api/v1/accounts/${example.account.id}/assignments`, 401],
      ['/oauth/token', 400],
    ])
    expect(run.error).toMatch(/no longer accepts trainproof's authorisation/)
    expect(run.error).toMatch(/connect Huntress again/)

    const connections = (await h.call<Connection[]>('/connections')).body
    expect(connections[0]).toMatchObject({ status: 'needs_reauth', lastError: run.error, lastSyncAt })
    const [failed] = await h.audit('sync.failed')
    expect(failed?.detail).toMatchObject({ connectionId: connection.id, message: run.error })
    expect(dbJson(h.daemon.deps.store.data.people)).toBe(peopleBefore)
    expect(stored().sealed).toBe(sealedBefore)
    expect(securityAwareness((await h.people())['wizard@example.com'])).toBe('non_compliant 1/2')
  })

  it('"Reconnect" (the same flow again, same account) renews that connection instead of adding a twin', async () => {
    const selected = (await h.call<{ id: string; campaignIds: string[] }[]>('/trainings')).body[0]!
    h.fake.revokeRefreshTokens()
    h.fake.expireAccessTokens()
    expect((await h.sync(connection.id)).ok).toBe(false)
    expect(stored().status).toBe('needs_reauth')

    const again = await h.connect()

    expect(again).toMatchObject({ id: connection.id, status: 'connected', lastError: null })
    expect(h.daemon.deps.store.data.connections).toHaveLength(1)
    expect(h.fake.oauth.liveRefreshTokens()).toEqual([storedSecret().refreshToken])
    expect((await h.call<{ id: string; campaignIds: string[] }[]>('/trainings')).body[0]).toEqual(selected)
    expect(await h.audit('connection.reauthorized')).toHaveLength(1)
    const run = await h.sync(connection.id)
    expect(run.ok).toBe(true)
    expect(securityAwareness((await h.people())['wizard@example.com'])).toBe('non_compliant 1/2')
  })
})

describe('a scope taken away from the API client', () => {
  it('fails the sync as a configuration error naming the scope, and changes no person', async () => {
    expect((await h.sync(connection.id)).ok).toBe(true)
    const peopleBefore = dbJson(h.daemon.deps.store.data.people)
    h.fake.dropScope('learners:read')
    h.fake.clearRequests()

    const run = await h.sync(connection.id)

    expect(run.ok).toBe(false)
    expect(run.error).toMatch(/learners:read/)
    expect(stored()).toMatchObject({ status: 'error', lastError: run.error })
    expect(h.fake.requestCount('/oauth/token')).toBe(0) // a 403 is not retried, nor "fixed" by a refresh
    expect(dbJson(h.daemon.deps.store.data.people)).toBe(peopleBefore)
  })
})
