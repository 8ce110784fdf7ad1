import * as oauth from 'oauth4webapi'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signInHeadless, startIdp, type Idp } from '../../../fakes/idp/index.ts'

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/cb'
let idp: Idp

beforeEach(async () => {
  idp = await startIdp({
    users: [
      { email: 'Ada@Example.com', name: 'Ada Lovelace' },
      { email: 'bob@example.com', name: 'Bob', emailVerified: false },
      { email: 'eve@example.com', name: 'Eve', emailVerified: 'omit' },
    ],
    clients: [
      { clientId: 'ext', redirectUris: 'any-extension' },
      { clientId: 'conf', clientSecret: 's3cret', redirectUris: ['https://app.example/cb'] },
    ],
  })
})
afterEach(() => idp.close())

async function discover() {
  const issuer = new URL(idp.issuer)
  const res = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', [oauth.allowInsecureRequests]: true })
  return oauth.processDiscoveryResponse(issuer, res)
}

async function signIn(clientId: string, redirectUri: string, email: string, secret?: string) {
  const as = await discover()
  const client: oauth.Client = { client_id: clientId }
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const url = new URL(as.authorization_endpoint!)
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  const back = await signInHeadless(url.toString(), email)
  const params = oauth.validateAuthResponse(as, client, back, state)
  const auth = secret === undefined ? oauth.None() : oauth.ClientSecretBasic(secret)
  const res = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, {
    [oauth.allowInsecureRequests]: true,
  })
  const result = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: nonce, requireIdToken: true })
  await oauth.validateApplicationLevelSignature(as, res, { [oauth.allowInsecureRequests]: true })
  return oauth.getValidatedIdTokenClaims(result)!
}

describe('sandbox IdP', () => {
  it('signs a person in through login_hint and puts email, email_verified and name in an RS256 ID token', async () => {
    const claims = await signIn('ext', REDIRECT, 'ada@example.com')
    expect(claims).toMatchObject({ iss: idp.issuer, aud: 'ext', email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' })
  })

  it('serves the verified flag as configured, or leaves it out', async () => {
    expect((await signIn('ext', REDIRECT, 'bob@example.com')).email_verified).toBe(false)
    expect(await signIn('ext', REDIRECT, 'eve@example.com')).not.toHaveProperty('email_verified')
  })

  it('accepts Firefox redirect URIs for an any-extension client and a confidential client with its own', async () => {
    await expect(signIn('ext', 'https://0123abcd.extensions.allizom.org/', 'ada@example.com')).resolves.toBeTruthy()
    await expect(signIn('conf', 'https://app.example/cb', 'ada@example.com', 's3cret')).resolves.toBeTruthy()
  })

  it('refuses a redirect URI outside the client', async () => {
    await expect(signIn('ext', 'https://evil.example/cb', 'ada@example.com')).rejects.toThrow()
    await expect(signIn('conf', REDIRECT, 'ada@example.com', 's3cret')).rejects.toThrow()
  })

  it('requires PKCE', async () => {
    const as = await discover()
    const url = new URL(as.authorization_endpoint!)
    url.search = new URLSearchParams({
      client_id: 'ext',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      state: 'x',
    }).toString()
    const back = await signInHeadless(url.toString(), 'ada@example.com')
    expect(back.searchParams.get('error')).toBe('invalid_request')
  })

  it('shows a page with one button per person when no hint is given', async () => {
    const as = await discover()
    const verifier = oauth.generateRandomCodeVerifier()
    const url = new URL(as.authorization_endpoint!)
    url.search = new URLSearchParams({
      client_id: 'ext',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid email',
      state: 'x',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    const first = await fetch(url, { redirect: 'manual' })
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    const page = await fetch(new URL(first.headers.get('location')!, url), { headers: { cookie } })
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('data-testid="idp-user-Ada@Example.com"')
    expect(html).toContain('data-testid="idp-user-bob@example.com"')
  })
})
