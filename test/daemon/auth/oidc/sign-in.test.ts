import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { signInHeadless, startIdp, type Idp } from '../../../../fakes/idp/index.ts'
import { startTestDaemon, type TestDaemon } from '../../../helpers/daemon.ts'
import { FastForwardClock } from '../../../helpers/virtual-clock.ts'

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/signin'
const HOUR = 60 * 60 * 1000

let idp: Idp
let daemon: TestDaemon
/** The daemon's clock: the real time, shifted by a test (the IdP keeps the real one). */
const clock = new FastForwardClock()

beforeAll(async () => {
  idp = await startIdp({
    users: [
      { email: 'ada@corp.example', name: 'Ada Lovelace' },
      { email: 'Grace@Corp.example', name: 'Grace Hopper' },
      { email: 'bob@corp.example', name: 'Bob', emailVerified: false },
      { email: 'eve@corp.example', name: 'Eve', emailVerified: 'omit' },
      { email: 'mallory@elsewhere.example', name: 'Mallory' },
    ],
    clients: [
      { clientId: 'trainproof', clientSecret: 'oidc-client-secret', redirectUris: 'any-extension' },
      { clientId: 'trainproof-public', redirectUris: 'any-extension' },
    ],
  })
  daemon = await startTestDaemon({
    env: {
      TRAINPROOF_OIDC_ISSUER: idp.issuer,
      TRAINPROOF_OIDC_CLIENT_ID: 'trainproof',
      TRAINPROOF_OIDC_CLIENT_SECRET: 'oidc-client-secret',
      TRAINPROOF_OIDC_EMAIL_DOMAINS: 'corp.example',
      TRAINPROOF_SESSION_DAYS: '7',
    },
    clock,
  })
})
afterAll(async () => {
  await daemon.stop()
  await idp.close()
})
afterEach(() => {
  clock.shift(0)
  idp.tamperIdTokens(null)
})

type Answer = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } }

async function call(path: string, json: unknown, token: string | null = null): Promise<Answer> {
  const res = await daemon.api(path, { method: 'POST', json, token })
  return { status: res.status, body: (await res.json()) as Answer['body'] }
}

/** The extension's part: start, the browser at the IdP (headless), then the callback. */
async function signIn(email: string, between?: () => void): Promise<Answer & { state: string; code: string }> {
  const started = await call('/auth/oidc/start', { redirectUri: REDIRECT })
  expect(started.status).toBe(200)
  const back = await signInHeadless(started.body.authorizeUrl as string, email)
  expect(back.origin + back.pathname).toBe(REDIRECT)
  const code = back.searchParams.get('code')!
  const state = back.searchParams.get('state')!
  expect(state).toBe(started.body.state)
  between?.()
  return { ...(await call('/auth/oidc/callback', { code, state })), state, code }
}

describe('GET /auth/methods and POST /auth/oidc/start', () => {
  it('names the configured issuer, publicly', async () => {
    const res = await daemon.api('/auth/methods', { token: null })
    expect(await res.json()).toEqual({ oidc: { issuer: idp.issuer } })
  })

  it('builds a code + PKCE S256 + nonce request with scope openid email profile', async () => {
    const { status, body } = await call('/auth/oidc/start', { redirectUri: REDIRECT })
    expect(status).toBe(200)
    const url = new URL(body.authorizeUrl as string)
    expect(url.origin).toBe(idp.issuer)
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'trainproof',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid email profile',
      state: body.state,
      code_challenge_method: 'S256',
    })
    expect(url.searchParams.get('nonce')).toMatch(/^\S{20,}$/)
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it.each([
    'https://evil.example/cb',
    'http://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/',
    'https://abcdefghijklmnopabcdefghijklmnoz.chromiumapp.org/',
  ])('refuses the redirect URI %s', async (redirectUri) => {
    const { status, body } = await call('/auth/oidc/start', { redirectUri })
    expect(status).toBe(400)
    expect(body.error?.code).toBe('invalid_request')
  })

  it('accepts a Firefox identity redirect', async () => {
    expect((await call('/auth/oidc/start', { redirectUri: 'https://0a1b2c3d.extensions.allizom.org/' })).status).toBe(200)
  })
})

describe('the whole sign-in against oidc-provider', () => {
  it('signs an employee in: 201 with a token that expires after SESSION_DAYS and works as employee', async () => {
    const before = Date.now()
    const { status, body } = await signIn('ada@corp.example')
    expect(status).toBe(201)
    expect(body).toMatchObject({
      role: 'employee',
      email: 'ada@corp.example',
      id: expect.any(String),
      token: expect.stringMatching(/^tp_/),
    })
    const days = (Date.parse(body.expiresAt as string) - before) / (24 * HOUR)
    expect(days).toBeGreaterThan(6.99)
    expect(days).toBeLessThan(7.01)
    const me = await daemon.api('/me', { token: body.token as string })
    expect(await me.json()).toEqual({ role: 'employee', email: 'ada@corp.example' })
    const listed = (await (await daemon.api('/tokens')).json()) as { id: string; via: string; email: string }[]
    expect(listed.find((token) => token.id === body.id)).toMatchObject({ via: 'oidc', email: 'ada@corp.example' })
    const events = (await (await daemon.api('/audit')).json()) as { action: string; detail: { email?: string } }[]
    expect(events.some((event) => event.action === 'auth.signed_in' && event.detail.email === 'ada@corp.example')).toBe(true)
  })

  it('gives the role an admin granted to the e-mail (compared lower-cased)', async () => {
    expect((await daemon.api('/grants/grace@corp.example', { method: 'PUT', json: { role: 'access_reviewer' } })).status).toBe(200)
    const { status, body } = await signIn('grace@corp.example')
    expect(status).toBe(201)
    expect(body).toMatchObject({ role: 'access_reviewer', email: 'grace@corp.example' })
  })

  it('trusts an ID token without email_verified for a listed domain (as Entra ID sends them)', async () => {
    const { status, body } = await signIn('eve@corp.example')
    expect(status).toBe(201)
    expect(body.email).toBe('eve@corp.example')
  })
})

describe('grants and live sign-in tokens', () => {
  const me = async (token: string) => (await (await daemon.api('/me', { token })).json()) as { role: string }

  it('a changed grant applies to the live sign-in tokens of that e-mail at once; removing it makes them employee tokens', async () => {
    const { body } = await signIn('ada@corp.example')
    const token = body.token as string
    expect((await me(token)).role).toBe('employee')
    await daemon.api('/grants/ada@corp.example', { method: 'PUT', json: { role: 'workspace_manager' } })
    expect((await me(token)).role).toBe('workspace_manager')
    expect((await daemon.api('/personnel', { token })).status).toBe(200)
    expect((await daemon.api('/grants/ada@corp.example', { method: 'DELETE' })).status).toBe(204)
    expect((await me(token)).role).toBe('employee')
    expect((await daemon.api('/personnel', { token })).status).toBe(403)
  })

  it('a signed-in person signs out by revoking their own token', async () => {
    const { body } = await signIn('ada@corp.example')
    const token = body.token as string
    expect((await daemon.api(`/tokens/${body.id as string}`, { method: 'DELETE', token })).status).toBe(204)
    expect((await daemon.api('/me', { token })).status).toBe(401)
  })

  it('a sign-in token is refused once SESSION_DAYS have passed', async () => {
    const { body } = await signIn('ada@corp.example')
    clock.shift(7 * 24 * HOUR)
    expect((await daemon.api('/me', { token: body.token as string })).status).toBe(401)
  })
})

describe('refusals', () => {
  const refusedWith = async (email: string, code: string, status: number, between?: () => void) => {
    const tokensBefore = ((await (await daemon.api('/tokens')).json()) as unknown[]).length
    const answer = await signIn(email, between)
    expect(answer.status).toBe(status)
    expect(answer.body.error?.code).toBe(code)
    expect(answer.body).not.toHaveProperty('token')
    expect(((await (await daemon.api('/tokens')).json()) as unknown[]).length).toBe(tokensBefore)
  }

  it('an ID token signed with a key the issuer never published → 401 sign_in_failed', async () => {
    idp.tamperIdTokens({ foreignKey: true })
    await refusedWith('ada@corp.example', 'sign_in_failed', 401)
  })

  it('a wrong aud → 401 sign_in_failed', async () => {
    idp.tamperIdTokens({ claims: (claims) => ({ ...claims, aud: 'another-client' }) })
    await refusedWith('ada@corp.example', 'sign_in_failed', 401)
  })

  it('a wrong iss → 401 sign_in_failed', async () => {
    idp.tamperIdTokens({ claims: (claims) => ({ ...claims, iss: 'https://evil.example' }) })
    await refusedWith('ada@corp.example', 'sign_in_failed', 401)
  })

  it('an expired ID token (the daemon clock two hours ahead of the IdP, whose tokens live one) → 401 sign_in_failed', async () => {
    clock.shift(2 * HOUR)
    await refusedWith('ada@corp.example', 'sign_in_failed', 401)
  })

  it('a nonce mismatch → 401 sign_in_failed', async () => {
    idp.tamperIdTokens({ claims: (claims) => ({ ...claims, nonce: 'not-the-nonce' }) })
    await refusedWith('ada@corp.example', 'sign_in_failed', 401)
  })

  it('a signature that checks out with claims left as issued passes (the tamper hook itself changes nothing)', async () => {
    idp.tamperIdTokens({})
    expect((await signIn('ada@corp.example')).status).toBe(201)
  })

  it('email_verified false → 403 sign_in_refused', async () => {
    await refusedWith('bob@corp.example', 'sign_in_refused', 403)
  })

  it('a domain outside TRAINPROOF_OIDC_EMAIL_DOMAINS → 403 sign_in_refused', async () => {
    await refusedWith('mallory@elsewhere.example', 'sign_in_refused', 403)
  })

  it('an ID token without the e-mail: the daemon asks UserInfo for it (strictly conforming providers put it there)', async () => {
    idp.tamperIdTokens({ claims: ({ email: _email, email_verified: _verified, ...claims }) => claims })
    const { status, body } = await signIn('ada@corp.example')
    expect(status).toBe(201)
    expect(body.email).toBe('ada@corp.example')
  })

  it('a replayed state → 400 invalid_state', async () => {
    const first = await signIn('ada@corp.example')
    expect(first.status).toBe(201)
    const again = await call('/auth/oidc/callback', { code: first.code, state: first.state })
    expect(again.status).toBe(400)
    expect(again.body.error?.code).toBe('invalid_state')
  })

  it('an unknown state → 400 invalid_state', async () => {
    const answer = await call('/auth/oidc/callback', { code: 'whatever', state: 'never-issued' })
    expect(answer.status).toBe(400)
    expect(answer.body.error?.code).toBe('invalid_state')
  })

  it('a state older than 10 minutes → 400 invalid_state', async () => {
    await refusedWith('ada@corp.example', 'invalid_state', 400, () => {
      clock.shift(11 * 60 * 1000)
    })
  })

  it('a code already redeemed, under a fresh state → 401 sign_in_failed', async () => {
    const first = await signIn('ada@corp.example')
    const started = await call('/auth/oidc/start', { redirectUri: REDIRECT })
    const answer = await call('/auth/oidc/callback', { code: first.code, state: started.body.state })
    expect(answer.status).toBe(401)
    expect(answer.body.error?.code).toBe('sign_in_failed')
  })
})

describe('other set-ups', () => {
  it('signs in through a public client (no secret: PKCE alone)', async () => {
    const publicDaemon = await startTestDaemon({
      env: { TRAINPROOF_OIDC_ISSUER: idp.issuer, TRAINPROOF_OIDC_CLIENT_ID: 'trainproof-public' },
    })
    try {
      const started = (await (
        await publicDaemon.api('/auth/oidc/start', { method: 'POST', token: null, json: { redirectUri: REDIRECT } })
      ).json()) as { authorizeUrl: string }
      const back = await signInHeadless(started.authorizeUrl, 'ada@corp.example')
      const res = await publicDaemon.api('/auth/oidc/callback', {
        method: 'POST',
        token: null,
        json: { code: back.searchParams.get('code'), state: back.searchParams.get('state') },
      })
      expect(res.status).toBe(201)
      expect(await res.json()).toMatchObject({ role: 'employee', email: 'ada@corp.example' })
    } finally {
      await publicDaemon.stop()
    }
  })

  it('answers 502 oidc_unavailable when the identity provider cannot be reached', async () => {
    const gone = await startIdp({ users: [], clients: [] })
    const issuer = gone.issuer
    await gone.close()
    const lonely = await startTestDaemon({ env: { TRAINPROOF_OIDC_ISSUER: issuer, TRAINPROOF_OIDC_CLIENT_ID: 'trainproof' } })
    try {
      const res = await lonely.api('/auth/oidc/start', { method: 'POST', token: null, json: { redirectUri: REDIRECT } })
      expect(res.status).toBe(502)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('oidc_unavailable')
    } finally {
      await lonely.stop()
    }
  })
})

describe('without an issuer', () => {
  it('answers oidc: null and 404 oidc_not_configured', async () => {
    const plain = await startTestDaemon()
    try {
      expect(await (await plain.api('/auth/methods', { token: null })).json()).toEqual({ oidc: null })
      const res = await plain.api('/auth/oidc/start', { method: 'POST', token: null, json: { redirectUri: REDIRECT } })
      expect(res.status).toBe(404)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('oidc_not_configured')
    } finally {
      await plain.stop()
    }
  })
})
