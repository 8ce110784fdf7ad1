import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appUnderTest, NOW, type AppUnderTest } from '../app-under-test.ts'
import { dbJson } from '../../helpers/store-files.ts'

let t: AppUnderTest
beforeEach(async () => {
  t = await appUnderTest()
})
afterEach(() => t.close())

const body = async (res: Response) => (await res.json()) as Record<string, any>

describe('POST /tokens', () => {
  it('answers 400 for an unknown role and issues nothing', async () => {
    const res = await t.request('/tokens', { method: 'POST', json: { role: 'owner' } })

    expect(res.status).toBe(400)
    expect((await body(res)).error.code).toBe('invalid_request')
    expect([t.deps.store.data.tokens, t.deps.store.data.audit]).toEqual([new Map(), []])
  })

  it('issues a token shown once, which then works, and audits it without the secret', async () => {
    const res = await t.request('/tokens', { method: 'POST', json: { role: 'employee', email: 'ann@example.com', expiresInDays: 1 } })

    expect(res.status).toBe(201)
    const created = await body(res)
    expect(created).toEqual({
      token: expect.stringMatching(/^tp_/),
      id: expect.any(String),
      role: 'employee',
      email: 'ann@example.com',
      expiresAt: '2026-06-02T12:00:00.000Z',
    })
    const me = await t.request('/me', { token: created.token })
    expect(await body(me)).toEqual({ role: 'employee', email: 'ann@example.com' })
    const [event] = t.deps.store.data.audit
    expect(event).toMatchObject({
      at: NOW.toISOString(),
      action: 'token.issued',
      detail: {
        tokenId: created.id,
        role: 'employee',
        email: 'ann@example.com',
        label: 'ann@example.com',
        expiresAt: '2026-06-02T12:00:00.000Z',
      },
    })
    expect(dbJson(t.deps.store.data)).not.toContain(created.token)
  })
})

describe('DELETE /tokens/{id}', () => {
  it('answers 404 for an id no live token has', async () => {
    const res = await t.request('/tokens/nope', { method: 'DELETE' })

    expect(res.status).toBe(404)
    expect((await body(res)).error.code).toBe('not_found')
  })

  it("refuses an employee revoking another's token (403) and lets it sign itself out", async () => {
    const ann = await body(await t.request('/tokens', { method: 'POST', json: { role: 'employee', email: 'ann@example.com' } }))
    const bob = await body(await t.request('/tokens', { method: 'POST', json: { role: 'employee', email: 'bob@example.com' } }))

    const other = await t.request(`/tokens/${bob.id}`, { method: 'DELETE', token: ann.token })
    const own = await t.request(`/tokens/${ann.id}`, { method: 'DELETE', token: ann.token })

    expect([other.status, own.status]).toEqual([403, 204])
    expect([...t.deps.store.data.tokens.keys()]).toEqual([bob.id])
    expect(t.deps.store.data.audit.at(-1)).toMatchObject({
      action: 'token.signed_out',
      detail: { tokenId: ann.id, role: 'employee', email: 'ann@example.com', label: 'ann@example.com' },
    })
  })
})

describe('/grants', () => {
  it('grants a staff role (200 with the grant) and lists grants by e-mail', async () => {
    const res = await t.request('/grants/zoe@example.com', { method: 'PUT', json: { role: 'access_reviewer' } })
    await t.request('/grants/amy@example.com', { method: 'PUT', json: { role: 'admin' } })

    expect(res.status).toBe(200)
    expect(await body(res)).toEqual({
      email: 'zoe@example.com',
      role: 'access_reviewer',
      grantedAt: NOW.toISOString(),
      grantedBy: 'admin (TRAINPROOF_ADMIN_TOKEN)',
    })
    expect((await body(await t.request('/grants'))).map((grant: { email: string }) => grant.email)).toEqual([
      'amy@example.com',
      'zoe@example.com',
    ])
    expect(t.deps.store.data.audit[0]?.detail).toEqual({
      email: 'zoe@example.com',
      role: 'access_reviewer',
      previousRole: null,
      tokensChanged: 0,
    })
  })

  it('answers 400 for the employee role (not a grant) and 404 when removing no grant', async () => {
    const employee = await t.request('/grants/zoe@example.com', { method: 'PUT', json: { role: 'employee' } })
    const missing = await t.request('/grants/zoe@example.com', { method: 'DELETE' })

    expect([employee.status, missing.status]).toEqual([400, 404])
    expect(t.deps.store.data.grants).toEqual([])
  })
})
