import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedWorkedExample, startKnowBe4Fake, type KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import { ADMIN, connectKnowBe4, selectAll, startSecurityDaemon, sync, type SecurityDaemon } from './harness.ts'

/**
 * The threats that come through the browser and the loopback port: a malicious page in the same
 * browser, DNS rebinding, another local user without a token, and a stolen extension token.
 */

let fake: KnowBe4Fake
let d: SecurityDaemon
let port: number
let employee: string
const OWN = 'wizard@example.com'
const OTHER = 'hero@example.com'

beforeAll(async () => {
  fake = await startKnowBe4Fake({ limits: { perSecond: 1e6, perMinute: 1e6 } })
  seedWorkedExample(fake)
  d = await startSecurityDaemon()
  port = d.daemon.port
  const { id } = await connectKnowBe4(d, fake)
  await selectAll(d, id)
  await sync(d, id)
  employee = (await d.api('/tokens', { method: 'POST', json: { role: 'employee', email: OWN } })).body.token
})
afterAll(async () => {
  await d.stop()
  await fake.close()
})

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A request with exactly these headers (fetch would not let a test forge Host). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: `/api/v1${path}`, headers, setHost: false }, (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const host = () => `127.0.0.1:${port}`
const auth = { authorization: `Bearer ${ADMIN}` }

describe('DNS rebinding: a page whose name now points at 127.0.0.1', () => {
  it.each([
    'evil.example',
    'evil.example:PORT',
    'localhost.evil.example:PORT',
    '127.0.0.1:1',
    '127.0.0.1',
    '0.0.0.0:PORT',
    '[::ffff:127.0.0.1]:PORT',
    '',
  ])('Host %s is refused with 403 forbidden_host, even with a valid token', async (value) => {
    const tokens = d.db().tokens.size

    const read = await raw('GET', '/me', { ...auth, host: value.replace('PORT', String(port)) })
    const write = await raw(
      'POST',
      '/tokens',
      { ...auth, host: value.replace('PORT', String(port)), 'content-type': 'application/json' },
      '{"role":"admin"}',
    )

    for (const answer of [read, write]) {
      // Node's own parser already refuses a Host it cannot parse (400); the guard refuses the rest.
      if (answer.status === 400 && value.startsWith('[::ffff')) continue
      expect(answer.status).toBe(403)
      expect(JSON.parse(answer.body).error.code).toBe('forbidden_host')
    }
    expect(d.db().tokens.size).toBe(tokens)
  })

  it.each(['127.0.0.1:PORT', 'localhost:PORT', '[::1]:PORT'])('Host %s is served', async (value) => {
    expect((await raw('GET', '/me', { ...auth, host: value.replace('PORT', String(port)) })).status).toBe(200)
  })
})

describe('a malicious page in the same browser', () => {
  it.each(['https://evil.example', 'null', 'http://127.0.0.1:8080', 'chrome-extension://abc/../evil', 'moz-extension://'])(
    'Origin %s is refused with 403 and gets no CORS headers, preflight or not',
    async (origin) => {
      const tokens = d.db().tokens.size

      const preflight = await raw('OPTIONS', '/tokens', {
        host: host(),
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      })
      const simple = await raw('POST', '/tokens', { ...auth, host: host(), origin, 'content-type': 'text/plain' }, '{"role":"admin"}')
      const json = await raw('POST', '/tokens', { ...auth, host: host(), origin, 'content-type': 'application/json' }, '{"role":"admin"}')

      for (const answer of [preflight, simple, json]) {
        expect(answer.status).toBe(403)
        expect(answer.headers['access-control-allow-origin']).toBeUndefined()
      }
      expect(JSON.parse(json.body).error.code).toBe('forbidden_origin')
      expect(d.db().tokens.size).toBe(tokens)
    },
  )

  it('a form-style POST without Origin and without a token changes nothing', async () => {
    const tokens = d.db().tokens.size

    const answer = await raw('POST', '/tokens', { host: host(), 'content-type': 'application/x-www-form-urlencoded' }, 'role=admin')

    expect(answer.status).toBe(401)
    expect(d.db().tokens.size).toBe(tokens)
  })

  it('the extension’s own origin gets CORS for itself only', async () => {
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop'

    const preflight = await raw('OPTIONS', '/me', { host: host(), origin, 'access-control-request-method': 'GET' })
    const answer = await raw('GET', '/me', { ...auth, host: host(), origin })

    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization')
    expect(answer.status).toBe(200)
    expect(answer.headers['access-control-allow-origin']).toBe(origin)
    expect(answer.headers.vary).toContain('Origin')
  })
})

describe('another local user (can reach the port, has no token)', () => {
  it('finds the daemon on loopback only', () => {
    expect(d.daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(d.daemon.deps.config.host).toBe('127.0.0.1')
  })

  it.each([
    ['no Authorization', {}],
    ['a token in the query string', { query: `?token=${ADMIN}` }],
    ['Basic auth', { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` }],
    ['a cookie', { cookie: `token=${ADMIN}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['an oversized bearer', { authorization: `Bearer ${'A'.repeat(600)}` }],
  ])('gets 401 with %s', async (_case, extra: Record<string, string>) => {
    const { query = '', ...headers } = extra

    const answer = await raw('GET', `/connections${query}`, { host: host(), ...headers })

    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body).error.code).toBe('unauthorized')
  })
})

describe('a stolen extension (employee) token', () => {
  it('reads its own trainings and certificate, nothing else', async () => {
    expect((await d.api('/me/trainings', { token: employee })).status).toBe(200)
    expect((await d.api(`/me/trainings?email=${OWN}`, { token: employee })).status).toBe(200)
    for (const path of [
      `/me/trainings?email=${OTHER}`,
      `/personnel/${OTHER}/certificates/security_awareness`,
      '/personnel',
      `/personnel/${OWN}`,
      '/audit',
      '/connections',
      '/trainings',
    ]) {
      expect({ path, status: (await d.api(path, { token: employee })).status }).toEqual({ path, status: 403 })
    }
  })

  it('cannot write anything: no tokens, no connections, no resets, no syncs', async () => {
    const before = JSON.stringify(d.db())
    const writes: [string, string, unknown][] = [
      ['POST', '/tokens', { role: 'admin' }],
      ['POST', '/connections', { provider: 'knowbe4', region: 'us', apiToken: 'x', baseUrl: fake.url }],
      ['POST', `/personnel/${OWN}/reset`, { training: 'security_awareness' }],
      ['PUT', '/trainings/security_awareness', { connectionId: null, campaignIds: [] }],
      ['POST', '/sync', undefined],
    ]

    for (const [method, path, json] of writes) expect((await d.api(path, { method, json, token: employee })).status).toBe(403)
    expect(JSON.stringify(d.db())).toBe(before)
  })

  it('is worth nothing once it leaves the db: only its digest is stored, so the db does not reveal it either', () => {
    expect(d.dbFile()).not.toContain(employee)
  })
})
