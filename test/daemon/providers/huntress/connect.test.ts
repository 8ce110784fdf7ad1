import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../../../../daemon/errors.ts'
import { isAccountChoice, type AccountChoice, type NewConnection } from '../../../../daemon/providers/types.ts'
import { createHuntressAdapter, createHuntressHttp, newPkce, type HuntressAdapter } from '../../../../daemon/providers/huntress/index.ts'
import { decideAuthorization } from '../../../../fakes/huntress/browser.ts'
import { startHuntressFake, type HuntressFake } from '../../../../fakes/huntress/index.ts'
import { seedWorkedExample } from '../../../../fakes/huntress/seed.ts'

/** The connection an exchange built; fails the test when it asked for an account choice instead. */
function connected<C extends NewConnection<unknown, unknown>>(outcome: C | AccountChoice): C {
  if (isAccountChoice(outcome)) throw new Error(`expected a connection, got a choice of ${outcome.accounts.length} accounts`)
  return outcome
}

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/'
let fake: HuntressFake
let adapter: HuntressAdapter

beforeEach(async () => {
  fake = await startHuntressFake()
  fake.addRedirectUri(fake.client.clientId, REDIRECT)
  adapter = createHuntressAdapter({ clientId: fake.client.clientId, clientSecret: fake.client.clientSecret, baseUrl: fake.url })
})
afterEach(() => fake.close())

const http = () => createHuntressHttp({ baseUrl: fake.url, limits: [], retry: { baseDelayMs: 1, maxBackoffMs: 2 } })

/** The daemon's part (state + PKCE) and the browser's part (approve, read the redirect). */
async function authorize() {
  const pkce = await newPkce()
  const url = adapter.oauth.authorizeUrl({ redirectUri: REDIRECT, state: pkce.state, codeChallenge: pkce.codeChallenge })
  const outcome = await decideAuthorization(url)
  expect(outcome.state).toBe(pkce.state)
  return { code: outcome.code ?? '', redirectUri: REDIRECT, codeVerifier: pkce.codeVerifier }
}

describe('HuntressAdapter.oauth.authorizeUrl', () => {
  it('asks for the four read scopes with PKCE S256 and never carries the client secret', async () => {
    const pkce = await newPkce()

    const actual = new URL(adapter.oauth.authorizeUrl({ redirectUri: REDIRECT, state: pkce.state, codeChallenge: pkce.codeChallenge }))

    expect(actual.origin + actual.pathname).toBe(`${fake.url}/oauth/authorize`)
    expect(Object.fromEntries(actual.searchParams)).toEqual({
      response_type: 'code',
      client_id: fake.client.clientId,
      redirect_uri: REDIRECT,
      scope: 'account:read assignments:read assignments:learner-activity learners:read',
      state: pkce.state,
      code_challenge: pkce.codeChallenge,
      code_challenge_method: 'S256',
    })
    expect(actual.toString()).not.toContain(fake.client.clientSecret)
  })
})

describe('HuntressAdapter.oauth.exchange', () => {
  it('exchanges the code, skips the sandbox account and names the connection after the account', async () => {
    const example = seedWorkedExample(fake)
    const client = http()

    const actual = connected(await adapter.oauth.exchange(await authorize(), client))

    expect(actual.label).toBe('Example Corp')
    expect(actual.settings).toEqual({ baseUrl: fake.url, accountId: example.account.id, accountName: 'Example Corp' })
    expect(actual.secret).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresAt: expect.any(String) })
    expect(client.requests).toBe(2) // token + one page of accounts
  })

  it('asks for a choice when several accounts remain, then finishes without a second login', async () => {
    fake.tenant.addAccount({ name: 'Alpha' })
    const beta = fake.tenant.addAccount({ name: 'Beta' })
    fake.tenant.addAccount({ name: 'Demo', type: 'demo' })
    const input = await authorize()

    const choice = await adapter.oauth.exchange(input, http())
    const actual = connected(await adapter.oauth.exchange({ ...input, accountId: beta.id }, http()))

    expect(choice).toMatchObject({ kind: 'choose_account', unknownChoice: false })
    const choices = (choice as AccountChoice).accounts
    expect(choices.map((item) => item.name)).toEqual(['Alpha', 'Beta'])
    expect(actual.settings.accountId).toBe(beta.id)
    expect(fake.requestCount('/oauth/token')).toBe(1)
  })

  it('refuses with huntress_no_account when only sandbox accounts are visible', async () => {
    fake.tenant.addAccount({ name: 'Sandbox', type: 'sandbox' })

    const actual = adapter.oauth.exchange(await authorize(), http())

    await expect(actual).rejects.toMatchObject({ code: 'huntress_no_account' })
  })

  it('turns a reused code into ProviderError auth', async () => {
    seedWorkedExample(fake)
    const input = await authorize()
    await adapter.oauth.exchange(input, http())
    const other = createHuntressAdapter({ clientId: fake.client.clientId, clientSecret: fake.client.clientSecret, baseUrl: fake.url })

    const actual = await other.oauth.exchange(input, http()).catch((error: unknown) => error)

    expect(actual).toBeInstanceOf(ProviderError)
    expect(actual).toMatchObject({ kind: 'auth' })
  })

  it('turns a wrong client secret into provider_client_rejected without echoing the secret', async () => {
    const wrong = createHuntressAdapter({ clientId: fake.client.clientId, clientSecret: 'not-the-secret', baseUrl: fake.url })

    const actual = (await wrong.oauth.exchange(await authorize(), http()).catch((error: unknown) => error)) as ProviderError

    expect(actual).toMatchObject({ kind: 'auth', code: 'provider_client_rejected' })
    expect(actual.message).not.toContain('not-the-secret')
  })

  it('says Huntress is not set up when the client id is missing', () => {
    const bare = createHuntressAdapter({ clientId: null, clientSecret: null, baseUrl: fake.url })

    const actual = () => bare.oauth.authorizeUrl({ redirectUri: REDIRECT, state: 's', codeChallenge: 'c' })

    expect(actual).toThrow(expect.objectContaining({ code: 'huntress_not_configured' }))
  })

  it('refuses a plain-http base URL that is not this machine', () => {
    const actual = () => createHuntressAdapter({ clientId: 'a', clientSecret: 'b', baseUrl: 'http://mycurricula.com' })

    expect(actual).toThrow(/https/)
  })
})
