import { describe, expect, it } from 'vitest'
import { createDaemonClient, DaemonError, UNAUTHORIZED_MESSAGE } from '../../../extension/utils/daemon-client.ts'

type Seen = { url: string; init: RequestInit }

function clientAnswering(answer: () => Response | Promise<Response>, seen: Seen[] = []) {
  return createDaemonClient({
    baseUrl: async () => 'http://127.0.0.1:7878/',
    token: async () => 'tok',
    fetch: async (input, init) => {
      seen.push({ url: String(input), init: init ?? {} })
      return answer()
    },
  })
}

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

describe('createDaemonClient', () => {
  it('sends the bearer token to the API path and parses the answer', async () => {
    const seen: Seen[] = []
    const client = clientAnswering(() => jsonResponse(200, { role: 'employee', email: 'a@example.com' }), seen)

    const actual = await client.me()

    expect(actual).toEqual({ role: 'employee', email: 'a@example.com' })
    expect(seen[0]!.url).toBe('http://127.0.0.1:7878/api/v1/me')
    expect(new Headers(seen[0]!.init.headers).get('authorization')).toBe('Bearer tok')
  })

  it("passes on the daemon's own sentence and code", async () => {
    const client = clientAnswering(() =>
      jsonResponse(422, { error: { code: 'provider_auth_failed', message: 'KnowBe4 rejected the token.' } }),
    )

    await expect(client.connect({ provider: 'knowbe4', region: 'us', apiToken: 'x' })).rejects.toMatchObject({
      code: 'provider_auth_failed',
      message: 'KnowBe4 rejected the token.',
      status: 422,
    })
  })

  it('keeps Retry-After of a rate-limited re-check', async () => {
    const client = clientAnswering(() =>
      jsonResponse(
        429,
        { error: { code: 'recheck_rate_limited', message: 'Checked a moment ago; try again in 42 seconds.' } },
        { 'retry-after': '42' },
      ),
    )

    await expect(client.recheck()).rejects.toMatchObject({ code: 'recheck_rate_limited', retryAfterSeconds: 42 })
  })

  it('asks for a new token on 401', async () => {
    const client = clientAnswering(() => jsonResponse(401, { error: { code: 'unauthorized', message: 'Missing or unknown token.' } }))

    await expect(client.me()).rejects.toMatchObject({ code: 'unauthorized', message: UNAUTHORIZED_MESSAGE })
  })

  it('says the daemon is unreachable when the connection fails', async () => {
    const client = clientAnswering(() => Promise.reject(new TypeError('Failed to fetch')))

    const actual = await client.me().catch((error: unknown) => error)

    expect(actual).toBeInstanceOf(DaemonError)
    expect((actual as DaemonError).code).toBe('unreachable')
    expect((actual as DaemonError).message).toContain("Can't reach the trainproof daemon at http://127.0.0.1:7878.")
  })

  it('refuses an answer of the wrong shape', async () => {
    const client = clientAnswering(() => jsonResponse(200, { role: 'pirate' }))

    await expect(client.me()).rejects.toMatchObject({ code: 'bad_response' })
  })
})
