import { describe, expect, it } from 'vitest'
import { seedWorkedExample } from '../../../fakes/knowbe4/index.ts'
import type { MyTrainings } from '../../../shared/domain.ts'
import { startKnowBe4 } from '../../helpers/knowbe4.ts'
import { VirtualClock } from '../../helpers/virtual-clock.ts'

/*
 * POST /me/recheck (issue 10, defect 2): employee only, a targeted check of that person (one
 * KnowBe4 request for a person with up to 500 enrollments, whatever the tenant's size), once a
 * minute, within the daily budget's share left after the nightly sync's reserve. On main it was
 * a full sync of the connection, open to every role.
 */

const ENROLLMENTS = '/v1/training/enrollments'

async function setUp() {
  const clock = new VirtualClock(Date.parse('2026-12-01T09:00:00.000Z'))
  const h = await startKnowBe4({ clock })
  const example = seedWorkedExample(h.fake)
  const connection = await h.connect()
  await h.select(
    'security_awareness',
    connection.id,
    example.selected.map((campaign) => h.campaignId(connection, campaign.id)),
  )
  expect((await h.sync(connection.id)).ok).toBe(true)
  const tokenOf = async (role: string, email?: string) => {
    const res = await h.daemon.api('/tokens', { method: 'POST', json: { role, email } })
    return ((await res.json()) as { token: string }).token
  }
  const recheck = (token: string) => h.daemon.api('/me/recheck', { method: 'POST', token })
  return { h, example, connection, clock, tokenOf, recheck }
}

describe('POST /me/recheck', () => {
  it('checks one person with one targeted request, updates their record, and turns their badge count', async () => {
    const { h, example, tokenOf, recheck } = await setUp()
    const wizard = await tokenOf('employee', 'wizard@example.com')
    // The wizard finishes the module of Campaign A still open.
    const open = h.fake.tenant
      .enrollmentsOf(example.campaigns.a.id)
      .find((row) => row.userId === example.users.wizard.id && row.completionDate === null)!
    h.fake.tenant.complete(open.id, '2026-11-30T10:00:00.000Z')

    const before = h.fake.count()
    const res = await recheck(wizard)
    expect(res.status).toBe(200)
    const body = (await res.json()) as MyTrainings
    expect(body.trainings.security_awareness).toMatchObject({ status: 'compliant', completed: 2, required: 2, sticky: true })
    expect(body.due).toBe(0)

    const requests = h.fake.log.slice(before)
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ path: ENROLLMENTS, query: expect.objectContaining({ user_id: String(example.users.wizard.id) }) })
    expect(requests[0]?.query.campaign_id).toBeUndefined()
    const [event] = h.daemon.deps.store.data.audit.filter((item) => item.action === 'person.rechecked')
    expect(event?.detail).toMatchObject({ email: 'wizard@example.com', requests: 1, statuses: { security_awareness: 'compliant' } })
  })

  it('answers at once without asking the provider when nothing is due, and 429 with Retry-After within a minute', async () => {
    const { h, tokenOf, recheck, clock } = await setUp()
    const astronaut = await tokenOf('employee', 'astronaut@example.com')
    const before = h.fake.count()
    expect((await recheck(astronaut)).status).toBe(200)
    expect(h.fake.count()).toBe(before)

    clock.advance(59_000)
    const again = await recheck(astronaut)
    expect(again.status).toBe(429)
    expect(again.headers.get('retry-after')).toBe('1')
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('recheck_rate_limited')
    clock.advance(1_000)
    expect((await recheck(astronaut)).status).toBe(200)
  })

  it('is refused to every role but employee', async () => {
    const { h, tokenOf, recheck } = await setUp()
    for (const role of ['admin', 'workspace_manager', 'devops_engineer', 'access_reviewer']) {
      const before = h.fake.count()
      expect((await recheck(await tokenOf(role))).status).toBe(403)
      expect(h.fake.count()).toBe(before)
    }
  })

  it('keeps the nightly sync reserve of the KnowBe4 daily budget (2,000 + seats): refused with 429 recheck_budget_reserved', async () => {
    const { h, connection, tokenOf, recheck, clock } = await setUp()
    const wizard = await tokenOf('employee', 'wizard@example.com')
    // Other syncs today used almost all of 2,000 + 4 seats; what is left is less than the reserve (50) plus one re-check.
    const at = new Date(clock.now()).toISOString()
    await h.daemon.deps.store.update((db) => {
      db.syncRuns.push({ connectionId: connection.id, ok: false, startedAt: at, finishedAt: at, requests: 1_960, error: 'test' })
    })
    const before = h.fake.count()
    const res = await recheck(wizard)
    expect(res.status).toBe(429)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('recheck_budget_reserved')
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(h.fake.count()).toBe(before)

    // A day later the window has moved on.
    clock.advance(24 * 60 * 60 * 1000 + 60_000)
    expect((await recheck(wizard)).status).toBe(200)
    expect(h.fake.count()).toBe(before + 1)
  })
})
