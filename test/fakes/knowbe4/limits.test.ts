import { describe, expect, it } from 'vitest'
import { seedLargeTenant, type KnowBe4FakeOptions } from '../../../fakes/knowbe4/index.ts'
import { wireGet as get, wireJson as json, startWireFake as start } from '../../helpers/knowbe4.ts'

describe('KnowBe4 fake: rate limits', () => {
  /** A fake with the real limits (unless given) on a clock the test moves. */
  async function clocked(options: KnowBe4FakeOptions = {}) {
    const clock = { now: 0 }
    const server = await start({ now: () => clock.now, limits: {}, ...options })
    return { clock, server }
  }

  it('answers 429 past 4 per second, counted at arrival, and lets requests through once the window moves', async () => {
    const { clock, server } = await clocked()

    const statuses = []
    for (let index = 0; index < 5; index++) statuses.push((await get(server, '/v1/account')).status)
    clock.now = 999
    const stillLimited = (await get(server, '/v1/account')).status
    clock.now = 1_000
    const later = (await get(server, '/v1/account')).status

    expect(statuses).toEqual([200, 200, 200, 200, 429])
    expect(stillLimited).toBe(429)
    expect(later).toBe(200)
    expect(server.rateLimited).toBe(2)
  })

  it('answers 429 past 50 per minute even when each second stays under 4, then locks the token for 5 minutes', async () => {
    const { clock, server } = await clocked({ retryAfter: true })

    for (let index = 0; index < 50; index++) {
      clock.now = index * 300
      expect((await get(server, '/v1/account')).status).toBe(200)
    }
    clock.now = 50 * 300
    const limited = await get(server, '/v1/account')
    // The minute window has long moved on, but the burst lockout has not.
    clock.now = 50 * 300 + 5 * 60_000 - 1
    const stillLocked = await get(server, '/v1/account')
    clock.now = 50 * 300 + 5 * 60_000
    const free = await get(server, '/v1/account')

    expect(limited.status).toBe(429)
    expect(await limited.json()).toHaveProperty('message')
    expect(limited.headers.get('retry-after')).toBe('300')
    expect(stillLocked.status).toBe(429)
    expect(stillLocked.headers.get('retry-after')).toBe('1')
    expect(free.status).toBe(200)
  })

  it('locks out a token another client pushed past 50 a minute, for every client of that token', async () => {
    const { clock, server } = await clocked()
    for (let index = 0; index < 51; index++) {
      clock.now = index * 1_000
      await get(server, '/v1/account')
    }

    clock.now = 4 * 60_000
    const during = (await get(server, '/v1/users')).status
    clock.now = 50_000 + 5 * 60_000
    const after = (await get(server, '/v1/users')).status

    expect([during, after]).toEqual([429, 200])
  })

  it('sends Retry-After only when switched on', async () => {
    const { server } = await clocked({ limits: { perSecond: 1 } })
    await get(server, '/v1/account')

    const without = await get(server, '/v1/account')
    server.retryAfter = true
    const withHeader = await get(server, '/v1/account')

    expect(without.status).toBe(429)
    expect(without.headers.get('retry-after')).toBeNull()
    expect(withHeader.headers.get('retry-after')).toBe('1')
  })

  it('enforces a daily budget of 2,000 plus seats from the first request', async () => {
    const { clock, server } = await clocked({ limits: { perSecond: 1e6, perMinute: 1e6, daily: 2 }, retryAfter: true })

    const statuses = []
    for (let index = 0; index < 3; index++) statuses.push((await get(server, '/v1/account')).status)
    const limited = await get(server, '/v1/account')
    clock.now = 24 * 60 * 60_000
    const nextDay = (await get(server, '/v1/account')).status

    expect(statuses).toEqual([200, 200, 429])
    expect(limited.headers.get('retry-after')).toBe(String(24 * 60 * 60))
    expect(nextDay).toBe(200)
  })

  it('defaults the daily budget to 2,000 + seats', async () => {
    const server = await start({ limits: { perSecond: 1e6, perMinute: 1e6 } })
    server.tenant.account.numberOfSeats = 1

    const statuses = new Map<number, number>()
    for (let index = 0; index < 2_002; index++) {
      const status = (await get(server, '/v1/account')).status
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }

    expect(Object.fromEntries(statuses)).toEqual({ 200: 2_001, 429: 1 })
  })
})

describe('KnowBe4 fake: faults and counting', () => {
  it('serves injected statuses for the next N matching requests, then answers normally', async () => {
    const server = await start()
    server.inject({ kind: 'status', status: 503 }, { times: 2, path: '/v1/users' })

    const account = (await get(server, '/v1/account')).status
    const users = [await get(server, '/v1/users'), await get(server, '/v1/users'), await get(server, '/v1/users')]

    expect(account).toBe(200)
    expect(users.map((response) => response.status)).toEqual([503, 503, 200])
    expect(await users[0]!.json()).toHaveProperty('message')
  })

  it('serves malformed JSON, contract-breaking JSON and any body', async () => {
    const server = await start()
    server.inject({ kind: 'malformed_json' })
    server.inject({ kind: 'bad_shape' })
    server.inject({ kind: 'json', body: [{ odd: true }], status: 202 })

    const malformed = await (await get(server, '/v1/users')).text()
    const badShape = await (await get(server, '/v1/users')).json()
    const custom = await get(server, '/v1/users')

    expect(() => JSON.parse(malformed)).toThrow()
    expect(Array.isArray(badShape)).toBe(false)
    expect([custom.status, await custom.json()]).toEqual([202, [{ odd: true }]])
  })

  it('serves a 429 with or without Retry-After and counts it', async () => {
    const server = await start()
    server.inject({ kind: 'rate_limit', retryAfter: 7 })
    server.inject({ kind: 'rate_limit' })

    const first = await get(server, '/v1/account')
    const second = await get(server, '/v1/account')

    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '7'])
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, null])
    expect(server.rateLimited).toBe(2)
  })

  it('resets the connection, hangs, or answers late', async () => {
    const server = await start()
    server.inject({ kind: 'drop' })
    server.inject({ kind: 'hang' })
    server.inject({ kind: 'delay', ms: 30 })

    await expect(get(server, '/v1/account')).rejects.toThrow()
    await expect(fetch(`${server.url}/v1/account`, { signal: AbortSignal.timeout(100) })).rejects.toThrow()
    expect((await get(server, '/v1/account')).status).toBe(200)
  })

  it('counts every request, in all and per path, and logs its query and status', async () => {
    const server = await start()

    await get(server, '/v1/users?status=active&page=2')
    await get(server, '/v1/users/')
    await get(server, '/v1/account', { token: 'wrong' })

    expect(server.count()).toBe(3)
    expect(server.count('/v1/users')).toBe(2)
    expect(server.log.map((entry) => [entry.path, entry.query, entry.status])).toEqual([
      ['/v1/users', { status: 'active', page: '2' }, 200],
      ['/v1/users', {}, 200],
      ['/v1/account', {}, 401],
    ])
    server.resetStats()
    expect(server.count()).toBe(0)
  })

  it('seeds a 100,000-person tenant', async () => {
    const server = await start()

    const seeded = seedLargeTenant(server, { users: 100_000, campaigns: 1, archivedShare: 0.01, seed: 7 })

    expect(seeded.enrollments).toBe(100_000)
    const page = await json(server, '/v1/users?status=active&per_page=500&page=2')
    expect(page).toHaveLength(500)
  })
})
