import { createHash, randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decideAuthorization } from '../../../fakes/huntress/browser.ts'
import { startHuntressFake, type HuntressFake } from '../../../fakes/huntress/index.ts'

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/'
let fake: HuntressFake
let clock: number

beforeEach(async () => {
  clock = Date.parse('2026-01-01T00:00:00Z')
  fake = await startHuntressFake({ now: () => clock })
  fake.addRedirectUri(fake.client.clientId, REDIRECT)
})
afterEach(() => fake.close())

function pkce() {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

function authorizeUrl(overrides: Record<string, string | null> = {}, challenge = pkce().challenge): string {
  const url = new URL(`${fake.url}/oauth/authorize`)
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: fake.client.clientId,
    redirect_uri: REDIRECT,
    scope: 'account:read learners:read',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  }
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value)
  return url.toString()
}

function token(form: Record<string, string>, basic?: [string, string]): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (basic) headers.authorization = `Basic ${Buffer.from(basic.join(':')).toString('base64')}`
  return fetch(`${fake.url}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(form) })
}

const clientBody = () => ({ client_id: fake.client.clientId, client_secret: fake.client.clientSecret })

async function codeFor(verifierChallenge = pkce()) {
  const outcome = await decideAuthorization(authorizeUrl({}, verifierChallenge.challenge))
  return { code: outcome.code as string, verifier: verifierChallenge.verifier }
}

describe('GET /oauth/authorize', () => {
  it('shows an approve page with #approve and #deny buttons', async () => {
    const response = await fetch(authorizeUrl())

    const html = await response.text()

    expect(response.status).toBe(200)
    expect(html).toContain('id="approve"')
    expect(html).toContain('id="deny"')
  })

  it('redirects with a code and the state when the form approves', async () => {
    const form = new URLSearchParams(new URL(authorizeUrl()).search)
    form.set('decision', 'approve')

    const response = await fetch(`${fake.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' })

    const location = new URL(response.headers.get('location') ?? '')
    expect(response.status).toBe(302)
    expect(location.origin + location.pathname).toBe(REDIRECT)
    expect(location.searchParams.get('code')).toBeTruthy()
    expect(location.searchParams.get('state')).toBe('state-1')
  })

  it('redirects to a registered chrome-extension:// URI', async () => {
    const extension = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/oauth.html'
    fake.addRedirectUri(fake.client.clientId, extension)

    const actual = await decideAuthorization(authorizeUrl({ redirect_uri: extension }))

    expect(actual.location.toString()).toMatch(/^chrome-extension:\/\/abcdefghijklmnopabcdefghijklmnop\/oauth\.html\?code=/)
  })

  it('redirects with access_denied when the admin denies', async () => {
    const actual = await decideAuthorization(authorizeUrl(), false)

    expect(actual).toMatchObject({ code: null, error: 'access_denied', state: 'state-1' })
  })

  it.each([
    ['an unknown client', { client_id: 'nobody' }],
    ['a redirect URI that is not registered exactly', { redirect_uri: `${REDIRECT}extra` }],
  ])('answers 400 without redirecting for %s', async (_name, overrides) => {
    const response = await fetch(authorizeUrl(overrides), { redirect: 'manual' })

    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
  })

  it.each([
    ['no PKCE challenge', { code_challenge: null }, 'invalid_request'],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a scope the client lacks', { scope: 'assignments:manage' }, 'invalid_scope'],
  ])('redirects with an error for %s', async (_name, overrides, error) => {
    const actual = await decideAuthorization(authorizeUrl(overrides))

    expect(actual.error).toBe(error)
  })
})

describe('POST /oauth/token (authorization_code)', () => {
  it('issues rotating tokens for a valid code with client auth in the body', async () => {
    const { code, verifier } = await codeFor()

    const response = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      ...clientBody(),
    })

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'account:read learners:read' })
  })

  it('accepts client auth by HTTP Basic', async () => {
    const { code, verifier } = await codeFor()

    const response = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, [
      fake.client.clientId,
      fake.client.clientSecret,
    ])

    expect(response.status).toBe(200)
  })

  it('refuses two client authentication methods at once', async () => {
    const { code, verifier } = await codeFor()
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, ...clientBody() }

    const response = await token(form, [fake.client.clientId, fake.client.clientSecret])

    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it.each([
    ['a wrong secret', { client_secret: 'wrong' }],
    ['an unknown client', { client_id: 'nobody' }],
  ])('answers 401 invalid_client for %s', async (_name, overrides) => {
    const { code, verifier } = await codeFor()

    const response = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      ...clientBody(),
      ...overrides,
    })

    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) })
  })

  it.each([
    ['a PKCE verifier that does not match', { code_verifier: pkce().verifier }],
    ['another redirect URI', { redirect_uri: 'http://127.0.0.1/callback' }],
    ['an unknown code', { code: 'made-up' }],
  ])('answers 400 invalid_grant for %s', async (_name, overrides) => {
    const { code, verifier } = await codeFor()

    const response = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      ...clientBody(),
      ...overrides,
    })

    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses a code used twice and revokes what the first use gave', async () => {
    const { code, verifier } = await codeFor()
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, ...clientBody() }
    const first = (await (await token(form)).json()) as { refresh_token: string }

    const second = await token(form)

    expect(second.status).toBe(400)
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' })
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, ...clientBody() })
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses a code older than ten minutes', async () => {
    const { code, verifier } = await codeFor()
    clock += 10 * 60_000 + 1

    const response = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      ...clientBody(),
    })

    expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it.each([
    ['an unsupported grant type', { grant_type: 'password' }, 'unsupported_grant_type'],
    ['a missing code', { grant_type: 'authorization_code' }, 'invalid_request'],
  ])('answers 400 for %s', async (_name, form, error) => {
    const response = await token({ ...form, ...clientBody() })

    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error })
  })

  it('refuses a JSON body', async () => {
    const response = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    })

    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })
})

describe('POST /oauth/token (refresh_token)', () => {
  async function tokens() {
    const { code, verifier } = await codeFor()
    const response = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      ...clientBody(),
    })
    return (await response.json()) as { refresh_token: string; access_token: string }
  }

  it('rotates: the new refresh token works, the old one is invalid_grant', async () => {
    const first = await tokens()

    const rotated = (await (await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, ...clientBody() })).json()) as {
      refresh_token: string
    }
    const reused = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, ...clientBody() })
    const next = await token({ grant_type: 'refresh_token', refresh_token: rotated.refresh_token, ...clientBody() })

    expect(rotated.refresh_token).not.toBe(first.refresh_token)
    expect(reused.status).toBe(400)
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) })
    expect(next.status).toBe(200)
  })

  it('answers invalid_grant for a revoked refresh token', async () => {
    const first = await tokens()
    fake.revokeRefreshTokens()

    const response = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, ...clientBody() })

    expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('answers invalid_scope when asking for more than was granted', async () => {
    const first = await tokens()

    const response = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      scope: 'assignments:read',
      ...clientBody(),
    })

    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' })
  })

  it('issues access tokens with the configured lifetime', async () => {
    fake.oauth.accessTokenTtlSeconds = 5
    const first = await tokens()

    const response = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, ...clientBody() })

    expect(await response.json()).toMatchObject({ expires_in: 5 })
  })
})
