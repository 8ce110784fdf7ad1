import { afterEach, describe, expect, it } from 'vitest'
import { seedLargeTenant, startKnowBe4Fake, type KnowBe4Fake, type KnowBe4FakeOptions } from '../../fakes/knowbe4/index.ts'

let fake: KnowBe4Fake | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function start(options: KnowBe4FakeOptions = {}): Promise<KnowBe4Fake> {
  fake = await startKnowBe4Fake({ limits: { perSecond: 10_000, perMinute: 100_000 }, ...options })
  return fake
}

function get(server: KnowBe4Fake, path: string, init: { token?: string | null; accept?: string; method?: string } = {}) {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' }
  const token = init.token === undefined ? server.token : init.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  return fetch(server.url + path, { headers, method: init.method ?? 'GET' })
}

async function json(server: KnowBe4Fake, path: string): Promise<any> {
  const response = await get(server, path)
  expect(response.status).toBe(200)
  return response.json()
}

describe('KnowBe4 fake: authentication and protocol', () => {
  it.each([
    ['missing', null],
    ['unknown', 'not-a-token'],
  ])('answers 401 Invalid Token when the token is %s', async (_case, token) => {
    const server = await start()

    const response = await get(server, '/v1/account', { token })

    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'Invalid Token' })
  })

  it('answers 401 once a token is revoked, and accepts an added one', async () => {
    const server = await start()
    server.addToken('second')
    server.revokeToken(server.token)

    expect((await get(server, '/v1/account', { token: 'kb4-fake-token' })).status).toBe(401)
    expect((await get(server, '/v1/account', { token: 'second' })).status).toBe(200)
  })

  it('answers 406 unless the Accept header admits JSON', async () => {
    const server = await start()

    expect((await get(server, '/v1/account', { accept: 'text/html' })).status).toBe(406)
    expect((await get(server, '/v1/account', { accept: 'text/html, */*;q=0.1' })).status).toBe(200)
    expect((await get(server, '/v1/account', { accept: 'application/json; charset=utf-8' })).status).toBe(200)
  })

  it('serves GET only, tolerates a trailing slash and answers 404 elsewhere', async () => {
    const server = await start()

    expect((await get(server, '/v1/account', { method: 'POST' })).status).toBe(405)
    expect((await get(server, '/v1/users/')).status).toBe(200)
    expect((await get(server, '/v2/users')).status).toBe(404)
    expect((await get(server, '/v1/training/campaigns/999')).status).toBe(404)
  })

  it('leaves subscription fields out for a trial account', async () => {
    const server = await start()
    server.tenant.account = { ...server.tenant.account, type: 'trial', subscriptionLevel: null, numberOfSeats: null }

    const actual = await json(server, '/v1/account')

    expect(actual).toMatchObject({ name: 'Fake Tenant', type: 'trial' })
    expect(actual).not.toHaveProperty('subscription_level')
    expect(actual).not.toHaveProperty('number_of_seats')
  })
})

describe('KnowBe4 fake: lists and paging', () => {
  it('caps the campaign list at 10 with percentages unless exclude_percentages=true', async () => {
    const server = await start()
    for (let index = 1; index <= 13; index++) server.tenant.addCampaign({ name: `C${index}` })

    const capped = await json(server, '/v1/training/campaigns?per_page=500')
    const cappedPage2 = await json(server, '/v1/training/campaigns?per_page=10&page=2')
    const all = await json(server, '/v1/training/campaigns?per_page=500&exclude_percentages=true')

    expect(capped).toHaveLength(10)
    expect(capped[0]).toHaveProperty('completion_percentage')
    expect(cappedPage2).toEqual([])
    expect(all).toHaveLength(13)
    expect(all[0]).not.toHaveProperty('completion_percentage')
  })

  it('pages with a default of 100, clamps per_page to 500 and answers [] past the end', async () => {
    const server = await start()
    seedLargeTenant(server, { users: 620, campaigns: 0 })

    expect(await json(server, '/v1/users')).toHaveLength(100)
    expect(await json(server, '/v1/users?per_page=1000')).toHaveLength(500)
    expect(await json(server, '/v1/users?per_page=500&page=2')).toHaveLength(120)
    expect(await json(server, '/v1/users?per_page=500&page=3')).toEqual([])
    expect((await get(server, '/v1/users?page=0')).status).toBe(400)
  })

  it('filters users by status', async () => {
    const server = await start()
    server.tenant.addUser({ email: 'a@example.com' })
    server.tenant.addUser({ email: 'b@example.com', status: 'archived' })

    const active = await json(server, '/v1/users?status=active')
    const archived = await json(server, '/v1/users?status=archived')

    expect(active.map((user: any) => user.email)).toEqual(['a@example.com'])
    expect(archived.map((user: any) => [user.email, user.archived_at !== null])).toEqual([['b@example.com', true]])
  })

  it('walks enrollments by cursor until next_cursor is null', async () => {
    const server = await start()
    const [campaign] = seedLargeTenant(server, { users: 1001, campaigns: 1 }).campaigns
    const path = `/v1/training/enrollments?campaign_id=${campaign!.id}&per_page=500`

    const first = await json(server, `${path}&cursor=true`)
    const second = await json(server, `${path}&cursor=${first.pagination.next_cursor}`)
    const third = await json(server, `${path}&cursor=${second.pagination.next_cursor}`)

    expect([first.data.length, second.data.length, third.data.length]).toEqual([500, 500, 1])
    expect(third.pagination).toEqual({ per_page: 500, next_cursor: null })
    const ids = new Set([...first.data, ...second.data, ...third.data].map((row: any) => row.enrollment_id))
    expect(ids.size).toBe(1001)
    expect((await get(server, `${path}&cursor=abc`)).status).toBe(400)
  })

  it('answers enrollments by page only, or by cursor only, when told to', async () => {
    const server = await start({ enrollmentPaging: 'page' })
    seedLargeTenant(server, { users: 3, campaigns: 1 })

    expect(Array.isArray(await json(server, '/v1/training/enrollments?cursor=true'))).toBe(true)
    server.enrollmentPaging = 'cursor'
    expect(await json(server, '/v1/training/enrollments?page=2')).toMatchObject({ data: [{}, {}, {}] })
  })

  it('applies the enrollment filters and include flags, and serves user: null rows', async () => {
    const server = await start()
    const { tenant } = server
    const campaign = tenant.addCampaign({ name: 'Policies', modules: ['Acceptable Use', 'Privacy'] })
    const other = tenant.addCampaign({ name: 'Other' })
    tenant.enroll({ campaign, user: tenant.addUser({ email: 'kept@example.com' }) })
    tenant.enroll({ campaign, user: tenant.addUser({ email: 'gone@example.com', status: 'archived' }) })
    tenant.enroll({ campaign, user: null, modules: ['Privacy'] })
    tenant.enroll({ campaign: other, user: 'kept@example.com' })

    const plain = await json(server, `/v1/training/enrollments?campaign_id=${campaign.id}`)
    const flagged = await json(
      server,
      `/v1/training/enrollments?campaign_id=${campaign.id}&exclude_archived_users=true&include_campaign_id=true`,
    )

    expect(plain).toHaveLength(5)
    expect(plain[0]).not.toHaveProperty('campaign_id')
    expect(flagged.map((row: any) => [row.user?.email ?? null, row.module_name, row.campaign_id])).toEqual([
      ['kept@example.com', 'Acceptable Use', campaign.id],
      ['kept@example.com', 'Privacy', campaign.id],
      [null, 'Privacy', campaign.id],
    ])
  })

  it('serves nested content when asked to', async () => {
    const server = await start()
    server.tenant.addCampaign({ name: 'Nested', nestedContent: true, modules: ['One', 'Two'] })

    const [campaign] = await json(server, '/v1/training/campaigns?exclude_percentages=true')

    expect(campaign.content.map((group: any[]) => group.map((item) => item.name))).toEqual([['One', 'Two']])
  })
})

describe('KnowBe4 fake: rate limits', () => {
  function clocked(options: KnowBe4FakeOptions = {}) {
    const clock = { now: 0 }
    const started = startKnowBe4Fake({ now: () => clock.now, ...options })
    return { clock, started }
  }

  it('answers 429 past 4 per second, counted at arrival, and lets requests through once the window moves', async () => {
    const { clock, started } = clocked()
    const server = (fake = await started)

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

  it('answers 429 past 50 per minute even when each second stays under 4', async () => {
    const { clock, started } = clocked({ retryAfter: true })
    const server = (fake = await started)

    for (let index = 0; index < 50; index++) {
      clock.now = index * 300
      expect((await get(server, '/v1/account')).status).toBe(200)
    }
    clock.now = 50 * 300
    const limited = await get(server, '/v1/account')

    expect(limited.status).toBe(429)
    expect(await limited.json()).toHaveProperty('message')
    expect(limited.headers.get('retry-after')).toBe('45')
  })

  it('sends Retry-After only when switched on', async () => {
    const { started } = clocked({ limits: { perSecond: 1 } })
    const server = (fake = await started)
    await get(server, '/v1/account')

    const without = await get(server, '/v1/account')
    server.retryAfter = true
    const withHeader = await get(server, '/v1/account')

    expect(without.status).toBe(429)
    expect(without.headers.get('retry-after')).toBeNull()
    expect(withHeader.headers.get('retry-after')).toBe('1')
  })

  it('enforces a daily budget of 2,000 plus seats from the first request', async () => {
    const { clock, started } = clocked({ limits: { perSecond: 1e6, perMinute: 1e6, daily: 2 }, retryAfter: true })
    const server = (fake = await started)

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
    server.inject({ kind: 'malformed-json' })
    server.inject({ kind: 'bad-shape' })
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
    server.inject({ kind: 'rate-limit', retryAfterSeconds: 7 })
    server.inject({ kind: 'rate-limit' })

    const first = await get(server, '/v1/account')
    const second = await get(server, '/v1/account')

    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '7'])
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, null])
    expect(server.rateLimited).toBe(2)
  })

  it('resets the connection, hangs, or answers late', async () => {
    const server = await start()
    server.inject({ kind: 'reset' })
    server.inject({ kind: 'hang' })
    server.inject({ kind: 'delay', ms: 30 })

    await expect(get(server, '/v1/account')).rejects.toThrow()
    await expect(fetch(server.url + '/v1/account', { signal: AbortSignal.timeout(100) })).rejects.toThrow()
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
