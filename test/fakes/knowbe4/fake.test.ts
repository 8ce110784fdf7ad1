import { describe, expect, it } from 'vitest'
import { seedLargeTenant } from '../../../fakes/knowbe4/index.ts'
import { wireGet as get, wireJson as json, startWireFake as start } from '../../helpers/knowbe4.ts'

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

  it('caps per_page at 500 in cursor mode too: asking for 5,000 gets 500 and a cursor', async () => {
    const server = await start()
    const [campaign] = seedLargeTenant(server, { users: 1001, campaigns: 1 }).campaigns

    const page = await json(server, `/v1/training/enrollments?campaign_id=${campaign!.id}&per_page=5000&cursor=true`)
    const bare = await json(server, `/v1/training/enrollments?campaign_id=${campaign!.id}&per_page=5000`)

    expect(page.data).toHaveLength(500)
    expect(page.pagination.per_page).toBe(500)
    expect(page.pagination.next_cursor).not.toBeNull()
    expect(bare).toHaveLength(500)
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
