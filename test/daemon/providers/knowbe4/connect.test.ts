import { describe, expect, it } from 'vitest'
import { AppError, ProviderError } from '../../../../daemon/errors.ts'
import { ProviderHttp } from '../../../../daemon/http/provider-http.ts'
import { knowbe4, KnowBe4ConnectBody } from '../../../../daemon/providers/knowbe4/index.ts'
import { FAST_HTTP_RETRY as FAST_RETRY, startFake } from '../../../helpers/knowbe4.ts'

/** A client like the one the daemon builds for connecting: no credentials of its own. */
function plainHttp(baseUrl = 'https://us.api.knowbe4.com') {
  return new ProviderHttp({ provider: 'KnowBe4', baseUrl, retry: FAST_RETRY })
}

const connect = knowbe4.direct!.connect

describe('knowbe4.direct.connect', () => {
  it('checks the token with one GET /v1/account and names the connection after the account', async () => {
    const fake = await startFake()
    fake.tenant.account.name = 'Acme Corp'
    const body = { provider: 'knowbe4', region: 'uk', apiToken: ` ${fake.token} `, baseUrl: fake.url }

    const actual = await connect(body, plainHttp())

    expect(actual).toEqual({
      label: 'Acme Corp',
      settings: { region: 'uk', baseUrl: fake.url },
      secret: { apiToken: fake.token },
    })
    expect(fake.log.map((entry) => [entry.path, entry.status])).toEqual([['/v1/account', 200]])
  })

  it('answers ProviderError auth naming token, region and plan when the token is rejected', async () => {
    const fake = await startFake()
    const body = { provider: 'knowbe4', region: 'us', apiToken: 'wrong-token', baseUrl: fake.url }

    const error = await connect(body, plainHttp()).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ kind: 'auth', status: 422 })
    expect((error as Error).message).toMatch(/region.*Reporting API.*Platinum and Diamond/s)
    expect((error as Error).message).not.toContain('wrong-token')
    expect(fake.count()).toBe(1)
  })

  it.each([
    ['an unknown field', { extra: 1 }],
    ['a region that does not exist', { region: 'au' }],
    ['an empty token', { apiToken: '   ' }],
    ['a base URL that is not http(s)', { baseUrl: 'ftp://example.com' }],
    ['a base URL that is not a URL', { baseUrl: 'not a url' }],
  ])('refuses a body with %s before any request', async (_case, change) => {
    const fake = await startFake()
    const body = { provider: 'knowbe4', region: 'us', apiToken: 'token', ...change }

    const error = await connect(body, plainHttp(fake.url)).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'invalid_request' })
    expect(KnowBe4ConnectBody.safeParse(body).success).toBe(false)
    expect(fake.count()).toBe(0)
  })
})

describe('knowbe4 adapter settings', () => {
  it.each([
    ['us', 'https://training.knowbe4.com', 'https://us.api.knowbe4.com'],
    ['eu', 'https://eu.knowbe4.com', 'https://eu.api.knowbe4.com'],
    ['ca', 'https://ca.knowbe4.com', 'https://ca.api.knowbe4.com'],
    ['uk', 'https://uk.knowbe4.com', 'https://uk.api.knowbe4.com'],
    ['de', 'https://de.knowbe4.com', 'https://de.api.knowbe4.com'],
  ] as const)('maps region %s to its console and API host', (region, portal, api) => {
    expect(knowbe4.portalUrl({ region })).toBe(portal)
    expect(knowbe4.baseUrl({ region, baseUrl: null })).toBe(api)
  })

  it.each([
    ['http://127.0.0.1:4567/', 'http://127.0.0.1:4567/learner'],
    ['http://localhost:4567', 'http://localhost:4567/learner'],
    ['https://kb4-proxy.corp.example', 'https://training.knowbe4.com'],
  ])('sends learners of a tenant at %s to %s (a loopback sandbox has its own portal; a proxy does not)', (baseUrl, portal) => {
    expect(knowbe4.portalUrl({ region: 'us', baseUrl })).toBe(portal)
  })

  it('lets a base URL replace the region’s, without a trailing slash', () => {
    expect(knowbe4.baseUrl({ region: 'us', baseUrl: 'http://127.0.0.1:9/kb4/' })).toBe('http://127.0.0.1:9/kb4')
  })

  it('paces at the documented 4 per second and 50 per minute', () => {
    expect(knowbe4.rateLimits).toEqual([
      { requests: 4, perMs: 1_000 },
      { requests: 50, perMs: 60_000 },
    ])
  })

  it('keeps the token out of the settings schema and requires it in the secret', () => {
    expect(knowbe4.settings.safeParse({ region: 'us', apiToken: 'x' }).data).toEqual({ region: 'us' })
    expect(knowbe4.secret.safeParse({}).success).toBe(false)
  })
})
