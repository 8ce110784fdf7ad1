import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../daemon/app.ts'
import { ROLES, type Role } from '../../../shared/domain.ts'
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.ts'

type Who = 'public' | 'any' | 'staff' | 'write' | 'selfOrStaff' | 'employee'
/** `ok`: the exact status every allowed role gets (the route's own answer once auth let it through). */
type Row = { method: string; path: string; who: Who; ok: number | ((role: Role) => number); body?: unknown }

const EMPLOYEE = 'employee@example.com'
const WRITE: Role[] = ['admin', 'workspace_manager', 'devops_engineer']
const STAFF: Role[] = [...WRITE, 'access_reviewer']

/** Mirrors the endpoint table of spec/api.md, plus the endpoints trainproof added. */
const TABLE: Row[] = [
  { method: 'GET', path: '/health', who: 'public', ok: 200 },
  { method: 'GET', path: '/openapi.json', who: 'public', ok: 200 },
  { method: 'GET', path: '/me', who: 'any', ok: 200 },
  { method: 'GET', path: `/me/trainings?email=${EMPLOYEE}`, who: 'selfOrStaff', ok: 200 },
  { method: 'POST', path: '/me/recheck', who: 'employee', ok: 200 },
  { method: 'POST', path: '/tokens', who: 'write', ok: 201, body: { role: 'access_reviewer' } },
  { method: 'GET', path: '/tokens', who: 'staff', ok: 200 },
  // Any token may revoke itself; another token's id (or an unknown one) needs a write role.
  { method: 'DELETE', path: '/tokens/nope', who: 'write', ok: 404 },
  { method: 'GET', path: '/grants', who: 'staff', ok: 200 },
  { method: 'PUT', path: `/grants/${EMPLOYEE}`, who: 'write', ok: 200, body: { role: 'access_reviewer' } },
  { method: 'DELETE', path: '/grants/nobody@example.com', who: 'write', ok: 404 },
  { method: 'GET', path: '/auth/methods', who: 'public', ok: 200 },
  // The test daemon has no identity provider: 404 oidc_not_configured, with or without a token.
  {
    method: 'POST',
    path: '/auth/oidc/start',
    who: 'public',
    ok: 404,
    body: { redirectUri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/' },
  },
  { method: 'POST', path: '/auth/oidc/callback', who: 'public', ok: 404, body: { code: 'c', state: 's' } },
  { method: 'GET', path: '/providers', who: 'any', ok: 200 },
  { method: 'GET', path: '/connections', who: 'staff', ok: 200 },
  // Nothing listens on port 9: the token check cannot reach KnowBe4.
  {
    method: 'POST',
    path: '/connections',
    who: 'write',
    ok: 502,
    body: { provider: 'knowbe4', region: 'us', apiToken: 'x', baseUrl: 'http://127.0.0.1:9' },
  },
  // The test daemon has no Huntress OAuth client.
  { method: 'POST', path: '/connections/huntress/authorize', who: 'write', ok: 503, body: { redirectUri: 'https://example.com/cb' } },
  { method: 'POST', path: '/connections/huntress/callback', who: 'write', ok: 400, body: { code: 'c', state: 's' } },
  { method: 'DELETE', path: '/connections/nope', who: 'write', ok: 404 },
  {
    method: 'PUT',
    path: '/connections/nope/credentials',
    who: 'write',
    ok: 404,
    body: { provider: 'knowbe4', region: 'us', apiToken: 'x' },
  },
  { method: 'POST', path: '/connections/nope/sync', who: 'write', ok: 404 },
  { method: 'GET', path: '/connections/nope/campaigns', who: 'staff', ok: 404 },
  { method: 'POST', path: '/sync', who: 'write', ok: 200 },
  { method: 'GET', path: '/trainings', who: 'staff', ok: 200 },
  { method: 'PUT', path: '/trainings/hipaa', who: 'write', ok: 200, body: { connectionId: null, campaignIds: [] } },
  { method: 'GET', path: '/personnel', who: 'staff', ok: 200 },
  { method: 'GET', path: `/personnel/${EMPLOYEE}`, who: 'staff', ok: 404 },
  { method: 'POST', path: `/personnel/${EMPLOYEE}/reset`, who: 'write', ok: 404, body: { training: 'hipaa' } },
  { method: 'GET', path: `/personnel/${EMPLOYEE}/certificates/hipaa`, who: 'selfOrStaff', ok: 404 },
  { method: 'GET', path: '/audit', who: 'staff', ok: 200 },
  { method: 'GET', path: '/evidence?from=2026-01-01&to=2026-01-31', who: 'staff', ok: 200 },
  {
    method: 'POST',
    path: '/trainings/hipaa/recurrence/preview',
    who: 'staff',
    ok: 200,
    body: { recurrence: { kind: 'rolling', months: 12 } },
  },
  { method: 'GET', path: '/compliance/history?training=hipaa', who: 'staff', ok: 200 },
]

function allowed(who: Who, role: Role): boolean {
  if (who === 'public' || who === 'any') return true
  if (who === 'staff') return STAFF.includes(role)
  if (who === 'write') return WRITE.includes(role)
  if (who === 'employee') return role === 'employee'
  return STAFF.includes(role) || role === 'employee'
}

let daemon: TestDaemon
const tokens = {} as Record<Role, string>

beforeAll(async () => {
  daemon = await startTestDaemon()
  for (const role of ROLES) {
    const res = await daemon.api('/tokens', { method: 'POST', json: { role, email: role === 'employee' ? EMPLOYEE : undefined } })
    expect(res.status).toBe(201)
    tokens[role] = ((await res.json()) as { token: string }).token
  }
})
afterAll(() => daemon.stop())

const send = (row: Row, token: string | null) => daemon.api(row.path, { method: row.method, token, json: row.body })

describe('every route × every role', () => {
  it('the table covers every route the OpenAPI document publishes', async () => {
    const doc = (await (await daemon.api('/openapi.json', { token: null })).json()) as {
      paths: Record<string, Record<string, { 'x-access': unknown }>>
    }
    const published = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    )
    const normalise = (path: string) =>
      path
        .split('?')[0]!
        .replace(/\/connections\/(nope|huntress)\//, '/connections/{x}/')
        .replace(/\/connections\/nope$/, '/connections/{x}')
        .replace(/\/personnel\/[^/]+/, '/personnel/{email}')
        .replace(/\/grants\/[^/]+/, '/grants/{email}')
        .replace(/\/tokens\/nope/, '/tokens/{x}')
        .replace(/\/trainings\/[a-z_]+$/, '/trainings/{trainingId}')
        .replace(/\/trainings\/[a-z_]+\/recurrence\//, '/trainings/{trainingId}/recurrence/')
        .replace(/\/certificates\/[a-z_]+$/, '/certificates/{trainingId}')
    const tabled = new Set(TABLE.map((row) => `${row.method} ${normalise(row.path)}`))
    const missing = published
      .map((entry) => entry.replace('/api/v1', '').replace(/\{(id|provider)\}/, '{x}'))
      .filter((entry) => !tabled.has(entry) && entry !== 'GET /openapi.json')
    expect(missing).toEqual([])
  })

  it('the table covers every route the app serves, documented or not (a plain app.get() would bypass the OpenAPI check)', () => {
    const served = new Set(
      createApp(daemon.deps)
        .routes.filter((route) => route.method !== 'ALL')
        .map((route) => `${route.method} ${route.path.replace('/api/v1', '').replace(/:(\w+)/g, '{$1}')}`),
    )
    const normalise = (path: string) =>
      path
        .split('?')[0]!
        .replace(/\/connections\/huntress\//, '/connections/{provider}/')
        .replace(/\/connections\/nope/, '/connections/{id}')
        .replace(/\/personnel\/[^/]+/, '/personnel/{email}')
        .replace(/\/grants\/[^/]+/, '/grants/{email}')
        .replace(/\/tokens\/nope/, '/tokens/{id}')
        .replace(/\/trainings\/[a-z_]+$/, '/trainings/{trainingId}')
        .replace(/\/trainings\/[a-z_]+\/recurrence\//, '/trainings/{trainingId}/recurrence/')
        .replace(/\/certificates\/[a-z_]+$/, '/certificates/{trainingId}')
    const tabled = new Set(TABLE.map((row) => `${row.method} ${normalise(row.path)}`))

    expect([...served].filter((route) => !tabled.has(route))).toEqual([])
    expect([...tabled].filter((route) => !served.has(route))).toEqual([])
  })

  describe.each(TABLE)('$method $path', (row) => {
    it(row.who === 'public' ? 'answers without a token' : 'refuses a missing or unknown token with 401', async () => {
      const none = await send(row, null)
      if (row.who === 'public') {
        expect(none.status).toBe(typeof row.ok === 'number' ? row.ok : 200)
        return
      }
      expect(none.status).toBe(401)
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
      expect((await send(row, 'tp_not-a-real-token')).status).toBe(401)
    })

    it.each(ROLES)('%s gets 403 exactly when api.md forbids it', async (role) => {
      const res = await send(row, tokens[role])
      const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as { error?: { code: string } }) : null
      if (allowed(row.who, role)) {
        // Allowed: exactly what the route answers next (404 unknown id, 502 provider unreachable…).
        expect(res.status).toBe(typeof row.ok === 'number' ? row.ok : row.ok(role))
      } else {
        expect(res.status).toBe(403)
        expect(body?.error?.code).toBe('forbidden')
      }
    })
  })
})
