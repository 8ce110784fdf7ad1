import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../daemon/app.ts'
import { ROLES, type Role } from '../../shared/domain.ts'
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.ts'

type Who = 'public' | 'any' | 'staff' | 'write' | 'selfOrStaff'
/** `status`: what a public route answers without a token when it is not 200 (e.g. 404 oidc_not_configured here). */
type Row = { method: string; path: string; who: Who; body?: unknown; status?: number }

const EMPLOYEE = 'employee@example.com'
const WRITE: Role[] = ['admin', 'workspace_manager', 'devops_engineer']
const STAFF: Role[] = [...WRITE, 'access_reviewer']

/** Mirrors the endpoint table of spec/api.md, plus the endpoints trainproof added. */
const TABLE: Row[] = [
  { method: 'GET', path: '/health', who: 'public' },
  { method: 'GET', path: '/openapi.json', who: 'public' },
  { method: 'GET', path: '/me', who: 'any' },
  { method: 'GET', path: `/me/trainings?email=${EMPLOYEE}`, who: 'selfOrStaff' },
  { method: 'POST', path: `/me/recheck?email=${EMPLOYEE}`, who: 'selfOrStaff' },
  { method: 'POST', path: '/tokens', who: 'write', body: { role: 'access_reviewer' } },
  { method: 'GET', path: '/tokens', who: 'staff' },
  // Any token may revoke itself; another token's id (or an unknown one) needs a write role.
  { method: 'DELETE', path: '/tokens/nope', who: 'write' },
  { method: 'GET', path: '/grants', who: 'staff' },
  { method: 'PUT', path: `/grants/${EMPLOYEE}`, who: 'write', body: { role: 'access_reviewer' } },
  { method: 'DELETE', path: '/grants/nobody@example.com', who: 'write' },
  { method: 'GET', path: '/auth/methods', who: 'public' },
  { method: 'POST', path: '/auth/oidc/start', who: 'public', status: 404, body: { redirectUri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/' } },
  { method: 'POST', path: '/auth/oidc/callback', who: 'public', status: 404, body: { code: 'c', state: 's' } },
  { method: 'GET', path: '/connections', who: 'staff' },
  { method: 'POST', path: '/connections', who: 'write', body: { provider: 'knowbe4', region: 'us', apiToken: 'x', baseUrl: 'http://127.0.0.1:9' } },
  { method: 'POST', path: '/connections/huntress/authorize', who: 'write', body: { redirectUri: 'https://example.com/cb' } },
  { method: 'POST', path: '/connections/huntress/callback', who: 'write', body: { code: 'c', state: 's' } },
  { method: 'DELETE', path: '/connections/nope', who: 'write' },
  { method: 'POST', path: '/connections/nope/sync', who: 'write' },
  { method: 'GET', path: '/connections/nope/campaigns', who: 'staff' },
  { method: 'POST', path: '/sync', who: 'write' },
  { method: 'GET', path: '/trainings', who: 'staff' },
  { method: 'PUT', path: '/trainings/hipaa', who: 'write', body: { connectionId: null, campaignIds: [] } },
  { method: 'GET', path: '/personnel', who: 'staff' },
  { method: 'GET', path: `/personnel/${EMPLOYEE}`, who: 'staff' },
  { method: 'POST', path: `/personnel/${EMPLOYEE}/reset`, who: 'write', body: { training: 'hipaa' } },
  { method: 'GET', path: `/personnel/${EMPLOYEE}/certificates/hipaa`, who: 'selfOrStaff' },
  { method: 'GET', path: '/audit', who: 'staff' },
  { method: 'GET', path: '/evidence?from=2026-01-01&to=2026-01-31', who: 'staff' },
  { method: 'POST', path: '/trainings/hipaa/recurrence/preview', who: 'staff', body: { recurrence: { kind: 'rolling', months: 12 } } },
  { method: 'GET', path: '/compliance/history?training=hipaa', who: 'staff' },
]

function allowed(who: Who, role: Role): boolean {
  if (who === 'public' || who === 'any') return true
  if (who === 'staff') return STAFF.includes(role)
  if (who === 'write') return WRITE.includes(role)
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

const send = (row: Row, token: string | null) =>
  daemon.api(row.path, { method: row.method, token, json: row.body })

describe('every route × every role', () => {
  it('the table covers every route the OpenAPI document publishes', async () => {
    const doc = (await (await daemon.api('/openapi.json', { token: null })).json()) as { paths: Record<string, Record<string, { 'x-access': unknown }>> }
    const published = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
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
        expect(none.status).toBe(row.status ?? 200)
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
        // Allowed: whatever the route answers next (404 unknown id, 502 provider unreachable, 503 OAuth
        // client not configured…) but never an auth refusal or an internal error.
        expect([401, 403, 500]).not.toContain(res.status)
      } else {
        expect(res.status).toBe(403)
        expect(body?.error?.code).toBe('forbidden')
      }
    })
  })
})
