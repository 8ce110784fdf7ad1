import { describe, expect, it } from 'vitest'
import { REAL_LIMITS, seedLargeTenant, seedWorkedExample } from '../../../../fakes/knowbe4/index.ts'
import { Pacer } from '../../../../daemon/http/pacer.ts'
import { ProviderHttp } from '../../../../daemon/http/provider-http.ts'
import { knowbe4, knowbe4Limits } from '../../../../daemon/providers/knowbe4/index.ts'
import type { RemoteCampaign, RemoteEnrollment } from '../../../../daemon/providers/types.ts'
import { evaluateRows } from '../../../helpers/evaluate.ts'
import { VirtualClock } from '../../../helpers/virtual-clock.ts'
import { openSession, queriesTo, settingsFor, startFake } from '../../../helpers/knowbe4.ts'

const ENROLLMENTS = '/v1/training/enrollments'
const DONE_AT = '2026-02-10T14:30:00.000Z'

function remote(id: number, name = `Campaign ${id}`): RemoteCampaign {
  return { externalId: String(id), name, status: 'In Progress', importable: true, notImportableReason: null }
}

function summary(rows: readonly RemoteEnrollment[], names: Record<string, string>) {
  return rows
    .map((row) => [row.email, names[row.externalCampaignId], row.moduleName, row.completedAt] as const)
    .sort((a, b) => a.join().localeCompare(b.join()))
}

describe('knowbe4 session: the worked example', () => {
  it('lists the selected campaigns’ rows only, and they evaluate as product.md says', async () => {
    const fake = await startFake()
    const { campaigns, selected } = seedWorkedExample(fake)
    const { session } = openSession(fake)
    const names = { [campaigns.a.id]: 'A', [campaigns.b.id]: 'B', [campaigns.c.id]: 'C' }

    const rows = await session.listEnrollments(selected.map((campaign) => remote(campaign.id, campaign.name)))

    expect(summary(rows, names)).toEqual([
      ['astronaut@example.com', 'A', 'Password Hygiene', DONE_AT],
      ['astronaut@example.com', 'A', 'Phishing Basics', DONE_AT],
      ['astronaut@example.com', 'B', 'Social Engineering', DONE_AT],
      ['hero@example.com', 'A', 'Password Hygiene', DONE_AT],
      ['hero@example.com', 'A', 'Phishing Basics', DONE_AT],
      ['ninja@example.com', 'B', 'Social Engineering', null],
      ['wizard@example.com', 'A', 'Password Hygiene', DONE_AT],
      ['wizard@example.com', 'A', 'Phishing Basics', null],
      ['wizard@example.com', 'B', 'Social Engineering', DONE_AT],
    ])
    expect(new Set(rows.map((row) => row.enrollmentId)).size).toBe(rows.length)
    expect(queriesTo(fake, ENROLLMENTS).map((query) => query.campaign_id)).toEqual([String(campaigns.a.id), String(campaigns.b.id)])

    const selectedRefs = selected.map((campaign) => ({ id: String(campaign.id), name: campaign.name }))
    const keyed = rows.map(({ externalCampaignId, ...row }) => ({ ...row, campaignId: externalCampaignId }))
    const outcome = (email: string) => {
      const record = evaluateRows(keyed, email, selectedRefs, { now: '2026-03-01T00:00:00.000Z' })
      return [record.status, record.completed, record.required]
    }
    expect(outcome('astronaut@example.com')).toEqual(['compliant', 2, 2])
    expect(outcome('wizard@example.com')).toEqual(['non_compliant', 1, 2])
    expect(outcome('hero@example.com')).toEqual(['compliant', 1, 1])
    expect(outcome('ninja@example.com')).toEqual(['non_compliant', 0, 1])
  })

  it('sends the flags the contract requires on every enrollments request', async () => {
    const fake = await startFake()
    const { selected } = seedWorkedExample(fake)
    const { session } = openSession(fake)

    await session.listEnrollments([remote(selected[0]!.id)])

    expect(queriesTo(fake, ENROLLMENTS)).toEqual([
      {
        campaign_id: String(selected[0]!.id),
        exclude_archived_users: 'true',
        include_campaign_id: 'true',
        include_store_purchase_id: 'true',
        per_page: '500',
        cursor: 'true',
      },
    ])
  })
})

describe('knowbe4 session: paging', () => {
  // Cursor mode: max(1, ceil(n / 500)) requests, since the last page says next_cursor: null.
  // Page mode: floor(n / 500) + 1 = ceil((n + 1) / 500), since only a short page ends the list.
  it.each([
    ['cursor', 'both', 1_201, 3],
    ['cursor', 'both', 1_000, 2],
    ['page', 'page', 1_201, 3],
    ['page', 'page', 1_000, 3],
    ['cursor-only', 'cursor', 1_000, 2],
  ] as const)('reads all %s-mode rows of a campaign with %s paging and %i rows', async (_mode, paging, n, requests) => {
    const fake = await startFake({ enrollmentPaging: paging })
    const [campaign] = seedLargeTenant(fake, { users: n, campaigns: 1 }).campaigns
    const { session, http } = openSession(fake)

    const rows = await session.listEnrollments([remote(campaign!.id)])

    expect(rows).toHaveLength(n)
    expect(new Set(rows.map((row) => row.email)).size).toBe(n)
    expect(fake.count(ENROLLMENTS)).toBe(requests)
    expect(http.requests).toBe(requests)
    expect(fake.log.every((entry) => entry.query.per_page === '500')).toBe(true)
  })

  it('never asks past a short page in page mode', async () => {
    const fake = await startFake({ enrollmentPaging: 'page' })
    const [campaign] = seedLargeTenant(fake, { users: 501, campaigns: 1 }).campaigns
    const { session } = openSession(fake)

    await session.listEnrollments([remote(campaign!.id)])

    expect(queriesTo(fake, ENROLLMENTS).map((query) => query.page ?? 'first')).toEqual(['first', '2'])
  })

  it('makes the minimal number of requests for a whole sync', async () => {
    const fake = await startFake()
    const { campaigns } = seedLargeTenant(fake, { users: 1_000, campaigns: 3 })
    const { session, http } = openSession(fake)

    await session.listCampaigns()
    await session.listPeople([])
    await session.listEnrollments(campaigns.slice(0, 2).map((campaign) => remote(campaign.id)))

    // campaigns: 3 < 500 → 1 page; users: 1,000 active → floor(1000/500)+1 = 3 pages (the third empty);
    // enrollments: 2 selected campaigns × 1,000 rows in cursor mode → 2 × ceil(1000/500) = 4.
    expect(fake.count()).toBe(1 + 3 + 4)
    expect(http.requests).toBe(8)
    expect(queriesTo(fake, ENROLLMENTS).map((query) => query.campaign_id)).not.toContain(String(campaigns[2]!.id))
  })
})

describe('knowbe4 session: modules, re-enrolments and people', () => {
  it('keeps one row per module and re-enrolment, with done meaning Passed or Completed', async () => {
    const fake = await startFake()
    const { tenant } = fake
    const user = tenant.addUser({ email: 'Mixed.Case@Example.com ' })
    const campaign = tenant.addCampaign({ name: 'Multi', allowMultipleEnrollments: true, modules: ['One', 'Two'] })
    tenant.enroll({ campaign, user, modules: ['One'], status: 'Past Due' })
    tenant.enroll({ campaign, user, modules: ['One'], status: 'COMPLETED', completedAt: '2026-03-01T10:00:00.000Z' })
    tenant.enroll({ campaign, user, modules: ['Two'], status: 'In Progress' })
    const { session } = openSession(fake)

    const rows = await session.listEnrollments([remote(campaign.id), remote(campaign.id)])

    expect(rows.map((row) => [row.email, row.moduleName, row.completedAt])).toEqual([
      ['mixed.case@example.com', 'One', null],
      ['mixed.case@example.com', 'One', '2026-03-01T10:00:00.000Z'],
      ['mixed.case@example.com', 'Two', null],
    ])
    expect(rows.every((row) => row.externalCampaignId === String(campaign.id) && /^\d+$/.test(row.enrollmentId))).toBe(true)
    expect(fake.count(ENROLLMENTS)).toBe(1)
  })

  it('skips user: null rows, archived users and users without an e-mail', async () => {
    const fake = await startFake()
    const { tenant } = fake
    const campaign = tenant.addCampaign({ name: 'Edge' })
    tenant.enroll({ campaign, user: tenant.addUser({ email: 'kept@example.com' }) })
    tenant.enroll({ campaign, user: tenant.addUser({ email: 'left@example.com', status: 'archived' }) })
    tenant.enroll({ campaign, user: tenant.addUser({ email: null }) })
    tenant.enroll({ campaign, user: null })
    const { session } = openSession(fake)

    const rows = await session.listEnrollments([remote(campaign.id)])

    expect(rows.map((row) => row.email)).toEqual(['kept@example.com'])
  })

  it('lists active people with names and aliases, and maps alias e-mails to the primary one', async () => {
    const fake = await startFake()
    const { tenant } = fake
    const campaign = tenant.addCampaign({ name: 'Aliases' })
    const primary = tenant.addUser({ email: 'Ada@Example.com', firstName: 'Ada', lastName: 'Lovelace' })
    primary.aliases = ['ada.l@example.com', 'ADA@example.com']
    tenant.addUser({ email: 'gone@example.com', status: 'archived' })
    const aliasUser = tenant.addUser({ email: 'ada.l@example.com', firstName: 'Ada', lastName: 'L' })
    tenant.enroll({ campaign, user: aliasUser, completedAt: DONE_AT })
    const { session } = openSession(fake)

    const people = await session.listPeople([])
    const rows = await session.listEnrollments([remote(campaign.id)])

    expect(people.map((person) => [person.email, person.name, person.aliases])).toEqual([
      ['ada@example.com', 'Ada Lovelace', []],
      ['ada.l@example.com', 'Ada L', []],
    ])
    expect(queriesTo(fake, '/v1/users')).toEqual([{ status: 'active', per_page: '500', page: '1' }])
    // ada.l@ is also someone's primary e-mail, so it stays theirs and is no alias of Ada.
    expect(rows.map((row) => row.email)).toEqual(['ada.l@example.com'])
  })

  it('maps an alias e-mail to its person’s primary one and drops rows of users not listed as active', async () => {
    const fake = await startFake()
    const { tenant } = fake
    const campaign = tenant.addCampaign({ name: 'Aliases' })
    const grace = tenant.addUser({ email: 'grace@example.com', aliases: ['G.Hopper@example.com'] })
    const gone = tenant.addUser({ email: 'gone@example.com', status: 'archived' })
    const { session } = openSession(fake)
    await session.listPeople([])
    const body = fakeRows(campaign.id, [
      { id: 1, email: 'g.hopper@example.com', userId: grace.id },
      { id: 2, email: 'gone@example.com', userId: gone.id },
    ])
    fake.inject({ kind: 'json', body }, { path: ENROLLMENTS })

    const rows = await session.listEnrollments([remote(campaign.id)])

    expect(rows.map((row) => [row.enrollmentId, row.email, row.completedAt])).toEqual([
      ['1', 'grace@example.com', '2026-01-01T00:00:00.000Z'],
    ])
  })

  it('lists all 13 campaigns, whatever their status', async () => {
    const fake = await startFake()
    const statuses = ['Created', 'Pending', 'In Progress', 'Active', 'Completed', 'Closed', 'Canceled', 'Cancelled']
    for (let index = 0; index < 13; index++) {
      fake.tenant.addCampaign({ name: `C${index}`, status: statuses[index % statuses.length] ?? 'Scheduled' })
    }
    fake.tenant.addCampaign({ name: 'Odd', status: 'Archived-ish', nestedContent: true, modules: ['x', 'y'] })
    const { session } = openSession(fake)

    const campaigns = await session.listCampaigns()

    expect(campaigns).toHaveLength(14)
    expect(campaigns.every((campaign) => campaign.importable && campaign.notImportableReason === null)).toBe(true)
    expect(campaigns.at(-1)).toMatchObject({ name: 'Odd', status: 'Archived-ish' })
    expect(queriesTo(fake, '/v1/training/campaigns')).toEqual([{ exclude_percentages: 'true', per_page: '500', page: '1' }])
  })
})

/** Enrollment rows as the API would send them, for answers the model cannot express. */
function fakeRows(campaignId: number, rows: { id: number; email: string | null; userId: number }[]) {
  return rows.map((row) => ({
    enrollment_id: row.id,
    module_name: 'Module',
    user: { id: row.userId, first_name: 'A', last_name: 'B', email: row.email },
    campaign_id: campaignId,
    status: 'Passed',
    completion_date: '2026-01-01',
  }))
}

describe('knowbe4 session: pacing', () => {
  // The fake keeps KnowBe4's real limits (4/s, 50/min, a 5-minute burst lockout) on the same
  // virtual clock the pacer waits on: minutes of pacing take no wall time, whatever the load.
  async function realLimits() {
    const clock = new VirtualClock()
    const fake = await startFake({ limits: REAL_LIMITS, now: clock.now })
    return { clock, fake }
  }

  it('stays under the real limits with a pacer of the same limits: no 429 in 67 requests', async () => {
    const { clock, fake } = await realLimits()
    const { campaigns } = seedLargeTenant(fake, { users: 2_600, campaigns: 10 })
    const started = clock.now()
    const { session, http } = openSession(fake, { pacer: new Pacer(knowbe4Limits, clock), clock })

    await session.listCampaigns()
    await session.listPeople([])
    await session.listEnrollments(campaigns.map((campaign) => remote(campaign.id)))

    expect(fake.count()).toBe(1 + 6 + 10 * 6)
    expect(fake.rateLimited).toBe(0)
    expect(http.rateLimited).toBe(0)
    // 67 requests at 50 a minute need a second minute: the pacer waited for it.
    expect(clock.now() - started).toBeGreaterThanOrEqual(60_000)
  })

  it('meets 429s without a pacer, which is what the pacer prevents (and then only waiting saves it)', async () => {
    const { clock, fake } = await realLimits()
    seedLargeTenant(fake, { users: 2_600, campaigns: 0 })
    const { session, http } = openSession(fake, { clock })

    const people = await session.listPeople([])

    expect(people).toHaveLength(2_600)
    expect(fake.rateLimited).toBeGreaterThan(0)
    expect(http.rateLimited).toBe(fake.rateLimited)
    expect(clock.slept).toBeGreaterThanOrEqual(60_000)
  })

  it('works with a plain ProviderHttp on the adapter’s base URL, as the sync builds it', async () => {
    const fake = await startFake()
    seedWorkedExample(fake)
    const settings = settingsFor(fake)
    const http = new ProviderHttp({ provider: knowbe4.displayName, baseUrl: knowbe4.baseUrl(settings) })
    const session = knowbe4.open({ settings, secret: { apiToken: fake.token }, http, saveSecret: async () => {} })

    const campaigns = await session.listCampaigns()

    expect(campaigns.map((campaign) => campaign.name)).toEqual(['Campaign A', 'Campaign B', 'Campaign C'])
  })
})
