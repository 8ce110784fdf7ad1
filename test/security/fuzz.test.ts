import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../daemon/app.ts'
import { startHuntressFake, type HuntressFake } from '../../fakes/huntress/index.ts'
import { startIdp, type Idp } from '../../fakes/idp/index.ts'
import { seedWorkedExample, startKnowBe4Fake, type KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import { KnowBe4ConnectBody } from '../../daemon/providers/knowbe4/index.ts'
import { ErrorBody } from '../../shared/errors.ts'
import {
  ADMIN,
  connectKnowBe4,
  huntressLimit,
  kb4Limits,
  PACED,
  recordFigures,
  scaled,
  selectAll,
  startSecurityDaemon,
  type SecurityDaemon,
} from './harness.ts'
import { VirtualClock } from '../helpers/virtual-clock.ts'

/**
 * Property-based fuzzing of every write endpoint through real HTTP: wrong types, missing and
 * extra keys (`__proto__`, `constructor`), huge and unicode strings, non-JSON, odd content types,
 * hostile path parameters. Whatever the body: never a 5xx, every refusal in the error envelope,
 * and a refused request leaves the db exactly as it was.
 */

const RUNS = scaled(300, 10_000)
const fuzzed: Record<string, number> = {}
let kb4: KnowBe4Fake
let hun: HuntressFake
let idp: Idp
let d: SecurityDaemon
let connectionId = ''
let campaignIds: string[] = []
const realFetch = globalThis.fetch
let resent = 0

beforeAll(async () => {
  // No fuzzed URL may reach past this machine, whatever the daemon is asked to call.
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input)
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return Promise.reject(new TypeError(`blocked ${url.host}`))
    return realFetch(input, init)
  }) as typeof fetch
  const clock = new VirtualClock()
  kb4 = await startKnowBe4Fake({ limits: kb4Limits, now: clock.now })
  seedWorkedExample(kb4)
  hun = await startHuntressFake({ rateLimit: huntressLimit(clock) })
  idp = await startIdp({
    users: [{ email: 'wizard@example.com', name: 'Wizard' }],
    clients: [{ clientId: 'trainproof', redirectUris: 'any-extension' }],
  })
  d = await startSecurityDaemon({
    env: {
      TRAINPROOF_HUNTRESS_CLIENT_ID: hun.client.clientId,
      TRAINPROOF_HUNTRESS_CLIENT_SECRET: hun.client.clientSecret,
      TRAINPROOF_HUNTRESS_BASE_URL: hun.url,
      TRAINPROOF_OIDC_ISSUER: idp.issuer,
      TRAINPROOF_OIDC_CLIENT_ID: 'trainproof',
    },
    tuning: PACED,
    clock,
  })
  countUpdates()
  connectionId = (await connectKnowBe4(d, kb4)).id
  await selectAll(d, connectionId)
  campaignIds = d.db().trainings.security_awareness.campaignIds
  expect((await d.api(`/connections/${connectionId}/sync`, { method: 'POST' })).body.ok).toBe(true)
})
afterAll(async () => {
  recordFigures('fuzz', {
    resentAfterClosedConnection: resent,
    perEndpoint: RUNS,
    endpoints: Object.keys(fuzzed).length,
    total: Object.values(fuzzed).reduce((a, b) => a + b, 0),
    ...fuzzed,
  })
  globalThis.fetch = realFetch
  await d.stop()
  await kb4.close()
  await hun.close()
  await idp.close()
})

// --- Arbitraries ---

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', ' ', '\u0000']
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.nat({ max: 80_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom(
    'a@b.example',
    'wizard@example.com',
    'WIZARD@EXAMPLE.COM',
    '"><script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    'huntress',
    'knowbe4',
  ),
)
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  text,
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}, ['x'], { __proto__: null }),
  fc.array(text, { maxLength: 5 }),
)
const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 }))

/** A valid-looking body with keys dropped, values replaced and hostile keys added (as own keys). */
function mutated(template: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(template)
  return fc
    .record({
      drop: fc.subarray(keys),
      replace: fc.dictionary(keys.length > 0 ? fc.constantFrom(...keys) : key, value, { maxKeys: Math.max(1, keys.length) }),
      extra: fc.array(fc.tuple(key, value), { maxLength: 3 }),
    })
    .map(({ drop, replace, extra }) => {
      const body: Record<string, unknown> = { ...template, ...replace }
      for (const name of drop) delete body[name]
      for (const [name, item] of extra)
        Object.defineProperty(body, name, { value: item, enumerable: true, configurable: true, writable: true })
      return JSON.stringify(body)
    })
}

const body = (template: Record<string, unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: mutated(template) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((item) => JSON.stringify(item) ?? 'null') },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', '{"a":', '\uFEFF{}', `${'['.repeat(20_000)}${']'.repeat(20_000)}`) },
  )
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
)
const email = fc.oneof(
  fc.emailAddress(),
  text,
  fc.constantFrom('wizard@example.com', 'not-an-email', 'a@b', '@', 'a@@b.c', `${'a'.repeat(300)}@x.example`),
)
const id = fc.oneof(text, fc.uuid(), fc.constantFrom('nope', '%2e%2e', '..', '%00'))
const segment = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((item) => encodeURIComponent(item) || '%20')

type Endpoint = { name: string; method: string; path: fc.Arbitrary<string>; body: fc.Arbitrary<string> }

const endpoints = (): Endpoint[] => [
  {
    name: 'POST /tokens',
    method: 'POST',
    path: fc.constant('/tokens'),
    body: body({ role: 'employee', email: 'fuzz@example.com', label: 'fuzz' }),
  },
  {
    name: 'POST /connections',
    method: 'POST',
    path: fc.constant('/connections'),
    // A body the daemon accepts makes one live call: it goes to the fake (which refuses the token), never elsewhere.
    body: body({ provider: 'knowbe4', region: 'us', apiToken: 'not-the-token', baseUrl: kb4.url }).map((payload) => {
      const parsed = KnowBe4ConnectBody.safeParse(safeJson(payload))
      return parsed.success ? JSON.stringify({ ...parsed.data, baseUrl: kb4.url }) : payload
    }),
  },
  {
    name: 'POST /connections/:provider/authorize',
    method: 'POST',
    path: segment(fc.oneof(fc.constantFrom('huntress', 'knowbe4'), text)).map((provider) => `/connections/${provider}/authorize`),
    body: body({ redirectUri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/huntress' }),
  },
  {
    name: 'POST /connections/:provider/callback',
    method: 'POST',
    path: segment(fc.oneof(fc.constant('huntress'), text)).map((provider) => `/connections/${provider}/callback`),
    body: body({ code: 'code', state: 'state', accountId: 'account' }),
  },
  { name: 'POST /sync', method: 'POST', path: fc.constant('/sync'), body: body({}) },
  { name: 'POST /connections/:id/sync', method: 'POST', path: segment(id).map((item) => `/connections/${item}/sync`), body: body({}) },
  { name: 'DELETE /connections/:id', method: 'DELETE', path: segment(id).map((item) => `/connections/${item}`), body: body({}) },
  {
    name: 'PUT /trainings/:trainingId',
    method: 'PUT',
    path: segment(fc.oneof(fc.constantFrom('hipaa', 'ai_awareness'), text)).map((training) => `/trainings/${training}`),
    body: body({ connectionId, campaignIds }),
  },
  {
    name: 'POST /personnel/:email/reset',
    method: 'POST',
    path: segment(email).map((item) => `/personnel/${item}/reset`),
    body: body({ training: 'hipaa' }),
  },
  { name: 'POST /me/recheck', method: 'POST', path: email.map((item) => `/me/recheck?email=${encodeURIComponent(item)}`), body: body({}) },
  { name: 'DELETE /tokens/:id', method: 'DELETE', path: segment(id).map((item) => `/tokens/${item}`), body: body({}) },
  {
    name: 'PUT /grants/:email',
    method: 'PUT',
    path: segment(email).map((item) => `/grants/${item}`),
    body: body({ role: 'access_reviewer' }),
  },
  { name: 'DELETE /grants/:email', method: 'DELETE', path: segment(email).map((item) => `/grants/${item}`), body: body({}) },
  {
    name: 'POST /auth/oidc/start',
    method: 'POST',
    path: fc.constant('/auth/oidc/start'),
    body: body({ redirectUri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/signin' }),
  },
  {
    name: 'POST /auth/oidc/callback',
    method: 'POST',
    path: fc.constant('/auth/oidc/callback'),
    body: body({ code: 'code', state: 'state', iss: 'https://idp.example' }),
  },
]

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * The db as text, re-serialised only after a store update ran (a 1.5 MB db serialised twice per
 * request would dominate a soak run): a refused request that ran no update cannot have changed it.
 */
let updates = 0
let cached = { updates: -1, text: '' }
function countUpdates(): void {
  const store = d.daemon.deps.store
  const update = store.update.bind(store)
  store.update = ((change, scope) => {
    updates++
    return update(change, scope)
  }) as typeof store.update
}
function snapshot(): { updates: number; text: string } {
  if (cached.updates !== updates) cached = { updates, text: JSON.stringify(d.db()) }
  return cached
}

// --- The property ---

async function send(method: string, path: string, payload: string, type: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` }
  if (type) headers['content-type'] = type
  const attempt = () => fetch(`${d.url}/api/v1${path}`, { method, headers, body: payload })
  // After refusing an oversized body (413/431) the server closes that connection without reading
  // the rest; the client may already have reused it for this request. Such a request never
  // reached the daemon, so it is sent once more on a fresh connection.
  const response = await attempt().catch((error: Error & { cause?: { code?: string } }) => {
    if (error.cause?.code !== 'UND_ERR_SOCKET') throw error
    resent++
    return attempt()
  })
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() }
}

describe(`fuzzing every write endpoint (${RUNS} requests each)`, () => {
  // The names are known at collection; the arbitraries need the fakes' URLs, so they are built in the test.
  const NAMES = [
    'POST /tokens',
    'POST /connections',
    'POST /connections/:provider/authorize',
    'POST /connections/:provider/callback',
    'POST /sync',
    'POST /connections/:id/sync',
    'DELETE /connections/:id',
    'PUT /trainings/:trainingId',
    'POST /personnel/:email/reset',
    'POST /me/recheck',
    'DELETE /tokens/:id',
    'PUT /grants/:email',
    'DELETE /grants/:email',
    'POST /auth/oidc/start',
    'POST /auth/oidc/callback',
  ]
  it.each(NAMES)(
    '%s: never a 5xx, refusals in the envelope, refusals change nothing',
    async (name) => {
      const endpoint = endpoints().find((item) => item.name === name)!
      fuzzed[name] = 0
      await fc.assert(
        fc.asyncProperty(endpoint.path, endpoint.body, contentType, async (path, payload, type) => {
          const before = snapshot()
          const answer = await send(endpoint.method, path, payload, type)
          fuzzed[name]!++

          expect(answer.status, `${endpoint.method} ${path} ${payload.slice(0, 200)} → ${answer.text.slice(0, 300)}`).toBeLessThan(500)
          // Node's HTTP parser answers a URL over its 16 KiB header limit itself, before the app: 431, no body.
          if (answer.status === 431 && path.length > 16_000) return
          if (answer.status >= 400) {
            expect(answer.type).toMatch(/^application\/json/)
            expect(ErrorBody.safeParse(JSON.parse(answer.text)).success, answer.text).toBe(true)
            expect(JSON.parse(answer.text).error.code).toMatch(/^[a-z_]+$/)
            expect(before.updates === updates || JSON.stringify(d.db()) === before.text, `${answer.status} ${path} changed the db`).toBe(
              true,
            )
          }
          expect(answer.text).not.toMatch(/\n\s+at .+:\d+:\d+/) // never a stack
        }),
        { numRuns: RUNS, endOnFailure: true },
      )
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.keys(Object.prototype)).toEqual([])
    },
    600_000,
  )

  it('covers every write endpoint', () => {
    expect(endpoints().map((item) => item.name)).toEqual(NAMES)
  })

  it('kept the daemon consistent: still healthy, the connection and its selection intact', async () => {
    expect((await d.api('/health', { token: null })).status).toBe(200)
    expect(d.db().connections.map((item) => item.id)).toContain(connectionId)
    expect(d.db().oauthStates.length).toBeLessThanOrEqual(50)
  })
})

describe('body size and parameters', () => {
  it(`refuses a body over ${MAX_BODY_BYTES / 1024} KiB with 413 in the envelope, with or without Content-Length`, async () => {
    const big = JSON.stringify({ role: 'admin', label: 'x'.repeat(MAX_BODY_BYTES) })
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big))
        controller.close()
      },
    })

    const declared = await send('POST', '/tokens', big, 'application/json')
    const streamed = await fetch(`${d.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit)

    expect(declared.status).toBe(413)
    expect(JSON.parse(declared.text).error.code).toBe('payload_too_large')
    expect(streamed.status).toBe(413)
  })

  it('refuses a KnowBe4 token that could never be sent as a header with 400, without calling anyone', async () => {
    const requests = kb4.count()

    const answer = await send(
      'POST',
      '/connections',
      JSON.stringify({ provider: 'knowbe4', region: 'us', apiToken: 'tok€n', baseUrl: kb4.url }),
      'application/json',
    )

    expect(answer.status).toBe(400)
    expect(kb4.count()).toBe(requests)
  })

  it.each([
    ['not-an-email', 400],
    ['a@b', 400],
    ['%2e%2e%2fetc', 400],
    ['wizard%40example.com%2F..', 400],
    ['nobody%40example.com', 404],
  ])('validates the e-mail path parameter %s → %i', async (param, status) => {
    expect((await send('POST', `/personnel/${param}/reset`, '{"training":"hipaa"}', 'application/json')).status).toBe(status)
  })

  it.each([
    [`/connections/${'x'.repeat(201)}/sync`, 400],
    ['/connections/%20/sync', 404],
    ['/trainings/not_a_training', 400],
  ])('validates the id parameter of %s → %i', async (path, status) => {
    expect(
      (await send(path.startsWith('/trainings') ? 'PUT' : 'POST', path, '{"connectionId":null,"campaignIds":[]}', 'application/json'))
        .status,
    ).toBe(status)
  })
})
