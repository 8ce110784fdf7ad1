import { readDb } from '../../helpers/store-files.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ACTIVITY_FLUSH_MS } from '../../../daemon/auth/activity.ts'
import { ADMIN_TOKEN, startTestDaemon, type TestDaemon } from '../../helpers/daemon.ts'
import { VirtualClock } from '../../helpers/virtual-clock.ts'

const DAY = 24 * 60 * 60 * 1000
let daemon: TestDaemon
const clock = new VirtualClock()

beforeAll(async () => {
  clock.set('2026-03-01T09:00:00Z')
  daemon = await startTestDaemon({ clock })
})
afterAll(() => daemon.stop())
beforeEach(() => {
  clock.advance(DAY)
})

type Created = { token: string; id: string; role: string; email: string | null; expiresAt: string | null }
type Info = Record<string, unknown> & { id: string; lastUsedAt: string | null }

async function issue(body: Record<string, unknown>, token = ADMIN_TOKEN): Promise<Created> {
  const res = await daemon.api('/tokens', { method: 'POST', json: body, token })
  expect(res.status).toBe(201)
  return (await res.json()) as Created
}

const list = async () => (await (await daemon.api('/tokens')).json()) as Info[]
const status = async (token: string) => (await daemon.api('/me', { token })).status
const dbFile = () => readDb(daemon.dataDir)

describe('POST /tokens', () => {
  it('answers token, id, role, email and expiresAt (now + expiresInDays)', async () => {
    const created = await issue({ role: 'employee', email: 'Ann@Example.com', expiresInDays: 3 })
    expect(created).toEqual({
      token: expect.stringMatching(/^tp_/),
      id: expect.any(String),
      role: 'employee',
      email: 'ann@example.com',
      expiresAt: new Date(clock.now() + 3 * DAY).toISOString(),
    })
  })

  it('issues a token that never expires without expiresInDays', async () => {
    expect((await issue({ role: 'access_reviewer' })).expiresAt).toBeNull()
  })

  it.each([0, -1, 1.5, 4000, '3'])('refuses expiresInDays %s with 400', async (expiresInDays) => {
    const res = await daemon.api('/tokens', { method: 'POST', json: { role: 'access_reviewer', expiresInDays } })
    expect(res.status).toBe(400)
  })
})

describe('expiry', () => {
  it('accepts a token until its expiresAt, then answers 401 and leaves it out of GET /tokens', async () => {
    const created = await issue({ role: 'employee', email: 'exp@example.com', expiresInDays: 2 })
    clock.advance(2 * DAY - 1000)
    expect(await status(created.token)).toBe(200)
    clock.advance(1000)
    expect(await status(created.token)).toBe(401)
    expect((await list()).map((token) => token.id)).not.toContain(created.id)
  })

  it('drops expired tokens from the db at the next token change, exactly at expiresAt', async () => {
    const gone = await issue({ role: 'employee', email: 'gone@example.com', expiresInDays: 1 })
    const kept = await issue({ role: 'employee', email: 'kept@example.com', expiresInDays: 2 })
    clock.advance(DAY)
    await issue({ role: 'employee', email: 'next@example.com', expiresInDays: 1 })
    const stored = [...(await dbFile()).tokens.keys()]
    expect(stored).not.toContain(gone.id)
    expect(stored).toContain(kept.id)
  })
})

describe('GET /tokens', () => {
  it('lists live tokens as TokenInfo, never the token or its hash, and not the configured admin token', async () => {
    const created = await issue({ role: 'workspace_manager', email: 'wm@example.com', label: 'laptop', expiresInDays: 30 })
    const tokens = await list()
    const info = tokens.find((token) => token.id === created.id)
    expect(info).toEqual({
      id: created.id,
      role: 'workspace_manager',
      email: 'wm@example.com',
      label: 'laptop',
      createdAt: new Date(clock.now()).toISOString(),
      expiresAt: created.expiresAt,
      lastUsedAt: null,
      via: 'issued',
    })
    const text = JSON.stringify(tokens)
    expect(text).not.toContain(created.token)
    expect(text).not.toMatch(/[0-9a-f]{64}/)
    expect(tokens.some((token) => token.id === 'env')).toBe(false)
  })

  it('is refused to employees', async () => {
    const employee = await issue({ role: 'employee', email: 'nosy@example.com' })
    expect((await daemon.api('/tokens', { token: employee.token })).status).toBe(403)
  })
})

describe('lastUsedAt', () => {
  it('shows the last use at once, and writes it to the db file only after a few minutes', async () => {
    const created = await issue({ role: 'employee', email: 'used@example.com' })
    expect(await status(created.token)).toBe(200)
    const usedAt = new Date(clock.now()).toISOString()
    expect((await list()).find((token) => token.id === created.id)?.lastUsedAt).toBe(usedAt)
    await issue({ role: 'access_reviewer' }) // any write: the file as it stands after it
    expect((await dbFile()).tokens.get(created.id)?.lastUsedAt).toBeNull()

    clock.advance(ACTIVITY_FLUSH_MS)
    expect(await status(created.token)).toBe(200)
    await issue({ role: 'access_reviewer' }) // queued behind the flush the request started
    expect((await dbFile()).tokens.get(created.id)?.lastUsedAt).toBe(new Date(clock.now()).toISOString())
  })
})

describe('lastUsedAt at shutdown', () => {
  it('is written when the daemon stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trainproof-tokens-'))
    try {
      const at = Date.parse('2026-04-01T08:00:00Z')
      const own = await startTestDaemon({ dataDir, clock: new VirtualClock(at) })
      const created = (await (
        await own.api('/tokens', { method: 'POST', json: { role: 'employee', email: 'late@example.com' } })
      ).json()) as Created
      expect((await own.api('/me', { token: created.token })).status).toBe(200)
      await own.stop()
      const stored = (await readDb(dataDir)).tokens
      expect(stored.get(created.id)?.lastUsedAt).toBe(new Date(at).toISOString())
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('DELETE /tokens/:id', () => {
  it('revokes: 204, then 401 from the next request on, then 404', async () => {
    const created = await issue({ role: 'employee', email: 'gone@example.com' })
    expect(await status(created.token)).toBe(200)
    expect((await daemon.api(`/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204)
    expect(await status(created.token)).toBe(401)
    expect((await list()).map((token) => token.id)).not.toContain(created.id)
    expect((await daemon.api(`/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(404)
    const events = (await (await daemon.api('/audit')).json()) as { action: string; detail: { tokenId?: string } }[]
    expect(events.some((event) => event.action === 'token.revoked' && event.detail.tokenId === created.id)).toBe(true)
  })

  it('lets anyone revoke their own token (signing out), and no one else’s without a write role', async () => {
    const mine = await issue({ role: 'employee', email: 'me@example.com' })
    const theirs = await issue({ role: 'employee', email: 'them@example.com' })
    const reviewer = await issue({ role: 'access_reviewer' })
    expect((await daemon.api(`/tokens/${theirs.id}`, { method: 'DELETE', token: mine.token })).status).toBe(403)
    expect((await daemon.api(`/tokens/${theirs.id}`, { method: 'DELETE', token: reviewer.token })).status).toBe(403)
    expect(await status(theirs.token)).toBe(200)
    expect((await daemon.api(`/tokens/${mine.id}`, { method: 'DELETE', token: mine.token })).status).toBe(204)
    expect(await status(mine.token)).toBe(401)
  })

  it('lets a write role revoke any token, and answers 404 for an unknown id', async () => {
    const manager = await issue({ role: 'workspace_manager' })
    const target = await issue({ role: 'admin' })
    expect((await daemon.api(`/tokens/${target.id}`, { method: 'DELETE', token: manager.token })).status).toBe(204)
    expect((await daemon.api('/tokens/no-such-token', { method: 'DELETE', token: manager.token })).status).toBe(404)
  })

  it('takes a revoked token out of the db file (a restart keeps refusing it)', async () => {
    const created = await issue({ role: 'employee', email: 'restart@example.com' })
    expect((await daemon.api(`/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204)
    expect([...(await dbFile()).tokens.keys()]).not.toContain(created.id)
  })
})

describe('grants', () => {
  it('PUT answers the Grant, GET lists them by e-mail, DELETE answers 204 then 404; each is audited', async () => {
    const put = await daemon.api('/grants/Zed@Example.com', { method: 'PUT', json: { role: 'devops_engineer' } })
    expect(put.status).toBe(200)
    expect(await put.json()).toEqual({
      email: 'zed@example.com',
      role: 'devops_engineer',
      grantedAt: new Date(clock.now()).toISOString(),
      grantedBy: expect.any(String),
    })
    await daemon.api('/grants/amy@example.com', { method: 'PUT', json: { role: 'admin' } })
    const grants = (await (await daemon.api('/grants')).json()) as { email: string }[]
    expect(grants.map((grant) => grant.email)).toEqual(['amy@example.com', 'zed@example.com'])
    expect((await daemon.api('/grants/zed@example.com', { method: 'DELETE' })).status).toBe(204)
    expect((await daemon.api('/grants/zed@example.com', { method: 'DELETE' })).status).toBe(404)
    const actions = ((await (await daemon.api('/audit')).json()) as { action: string; detail: { email?: string } }[])
      .filter((event) => event.detail.email === 'zed@example.com')
      .map((event) => event.action)
    expect(actions).toEqual(['grant.removed', 'grant.set'])
  })

  it.each([
    ['the employee role', '/grants/x@example.com', { role: 'employee' }],
    ['an unknown role', '/grants/x@example.com', { role: 'wizard' }],
    ['a bad e-mail', '/grants/not-an-email', { role: 'admin' }],
    ['extra fields', '/grants/x@example.com', { role: 'admin', forever: true }],
  ])('refuses %s with 400 and changes nothing', async (_name, path, body) => {
    const before = await (await daemon.api('/grants')).json()
    const res = await daemon.api(path, { method: 'PUT', json: body })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request')
    expect(await (await daemon.api('/grants')).json()).toEqual(before)
  })

  it('leaves tokens an admin issued by hand as they are', async () => {
    const issued = await issue({ role: 'employee', email: 'hand@example.com' })
    await daemon.api('/grants/hand@example.com', { method: 'PUT', json: { role: 'admin' } })
    expect(await (await daemon.api('/me', { token: issued.token })).json()).toEqual({ role: 'employee', email: 'hand@example.com' })
  })
})
