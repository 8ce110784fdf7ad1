import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../daemon/log.ts'
import { Scheduler } from '../../../daemon/sync/scheduler.ts'
import type { SyncService } from '../../../daemon/sync/service.ts'
import type { ChangeScope } from '../../../daemon/store/store.ts'
import type { AuditEvent, Person, TrainingConfig } from '../../../shared/domain.ts'
import { startSynced, type Synced } from '../../helpers/audit.ts'

const LATE = 'late@example.com'
const NOW = '2026-11-30T12:00:00.000Z'

/** The worked example plus someone compliant since 2026-11-01 (astronaut and hero: since 2026-02-10T14:30Z). */
async function setUp(): Promise<Synced & { preview(rule: unknown): Promise<Response>; save(body: object): Promise<Response> }> {
  const setup = await startSynced({ now: NOW })
  const late = setup.fake.tenant.addUser({ email: LATE, firstName: 'Late', lastName: 'Example' })
  for (const campaign of setup.example.selected) setup.fake.tenant.enroll({ campaign, user: late, completedAt: '2026-11-01T09:00:00.000Z' })
  expect((await setup.sync()).ok).toBe(true)
  const campaignIds = setup.example.selected.map((campaign) => `${setup.connection.id}:${campaign.id}`)
  return {
    ...setup,
    preview: (recurrence) => setup.daemon.api('/trainings/security_awareness/recurrence/preview', { method: 'POST', json: { recurrence } }),
    save: (body) =>
      setup.daemon.api('/trainings/security_awareness', {
        method: 'PUT',
        json: { connectionId: setup.connection.id, campaignIds, ...body },
      }),
  }
}

const resetsIn = async (setup: Synced) =>
  (await setup.ok<AuditEvent[]>(setup.daemon.api('/audit?limit=1000'))).filter((event) => event.action === 'person.reset')
const status = async (setup: Synced, email: string) =>
  (await setup.ok<Person>(setup.daemon.api(`/personnel/${email}`))).trainings.security_awareness

describe('POST /trainings/:id/recurrence/preview', () => {
  it('lists exactly the compliant people the rule resets within 365 days, and when (now for those already due)', async () => {
    const setup = await setUp()
    const before = await setup.ok<Person[]>(setup.daemon.api('/personnel'))

    expect(await setup.ok(setup.preview({ kind: 'rolling', months: 15 }))).toEqual({
      resets: [
        { email: 'astronaut@example.com', at: '2027-05-10T14:30:00.000Z' },
        { email: 'hero@example.com', at: '2027-05-10T14:30:00.000Z' },
      ],
    })
    expect(await setup.ok(setup.preview({ kind: 'rolling', months: 6 }))).toEqual({
      resets: [
        { email: 'astronaut@example.com', at: NOW },
        { email: 'hero@example.com', at: NOW },
        { email: LATE, at: '2027-05-01T09:00:00.000Z' },
      ],
    })
    expect(await setup.ok(setup.preview({ kind: 'fixed', month: 12, day: 1 }))).toEqual({
      resets: ['astronaut@example.com', 'hero@example.com', LATE].map((email) => ({ email, at: '2026-12-01T00:00:00.000Z' })),
    })
    expect(await setup.ok(setup.preview({ kind: 'none' }))).toEqual({ resets: [] })

    for (const bad of [{ kind: 'fixed', month: 2, day: 29 }, { kind: 'rolling', months: 0 }, { kind: 'weekly' }, null]) {
      const res = await setup.preview(bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request')
    }

    // Nothing changed: no reset, no rule saved.
    expect(await setup.ok(setup.daemon.api('/personnel'))).toEqual(before)
    expect(await resetsIn(setup)).toEqual([])
    const configs = await setup.ok<TrainingConfig[]>(setup.daemon.api('/trainings'))
    expect(configs.find((config) => config.id === 'security_awareness')?.recurrence).toBeUndefined()
  })
})

describe('saving a recurrence rule', () => {
  it('resets those already due at once, audited, with a due date; old completions no longer count; retraining counts', async () => {
    const setup = await setUp()
    const saved = await setup.ok<TrainingConfig>(setup.save({ recurrence: { kind: 'rolling', months: 6 }, graceDays: 14 }))
    expect(saved).toMatchObject({ recurrence: { kind: 'rolling', months: 6 }, graceDays: 14 })

    const resets = await resetsIn(setup)
    expect(resets.map((event) => event.detail.email).sort()).toEqual(['astronaut@example.com', 'hero@example.com'])
    for (const event of resets) {
      expect(event).toMatchObject({
        at: NOW,
        detail: {
          training: 'security_awareness',
          by: 'recurrence',
          compliantAt: '2026-02-10T14:30:00.000Z',
          dueAt: '2026-12-14T12:00:00.000Z',
        },
      })
    }
    expect(await status(setup, 'astronaut@example.com')).toMatchObject({
      status: 'not_enrolled',
      sticky: false,
      dueAt: '2026-12-14T12:00:00.000Z',
    })
    expect(await status(setup, LATE)).toMatchObject({ status: 'compliant', dueAt: null })

    // The provider still has the 2026-02-10 completions: they do not count any more.
    expect((await setup.sync()).ok).toBe(true)
    expect(await status(setup, 'astronaut@example.com')).toMatchObject({
      status: 'non_compliant',
      completed: 0,
      required: 2,
      dueAt: '2026-12-14T12:00:00.000Z',
    })

    // Retrained: new completions after the reset count.
    const astronaut = setup.example.users.astronaut
    for (const campaign of setup.example.selected)
      setup.fake.tenant.enroll({ campaign, user: astronaut, completedAt: '2026-12-03T10:00:00.000Z' })
    setup.clock.set('2026-12-04T00:00:00.000Z')
    expect((await setup.sync()).ok).toBe(true)
    expect(await status(setup, 'astronaut@example.com')).toMatchObject({
      status: 'compliant',
      compliantAt: '2026-12-03T10:00:00.000Z',
      dueAt: null,
    })

    // A PUT that omits recurrence and graceDays keeps them.
    const kept = await setup.ok<TrainingConfig>(
      setup.daemon.api('/trainings/security_awareness', {
        method: 'PUT',
        json: { connectionId: setup.connection.id, campaignIds: saved.campaignIds },
      }),
    )
    expect(kept).toMatchObject({ recurrence: { kind: 'rolling', months: 6 }, graceDays: 14 })
    expect((await resetsIn(setup)).length).toBe(2)
  })

  it('refuses an invalid rule or grace with 400 and changes nothing', async () => {
    const setup = await setUp()
    for (const body of [
      { recurrence: { kind: 'fixed', month: 2, day: 29 } },
      { recurrence: { kind: 'rolling' } },
      { graceDays: -1 },
      { graceDays: 1.5 },
    ]) {
      expect((await setup.save(body)).status, JSON.stringify(body)).toBe(400)
    }
    const configs = await setup.ok<TrainingConfig[]>(setup.daemon.api('/trainings'))
    expect(configs.find((config) => config.id === 'security_awareness')).not.toHaveProperty('recurrence')
    expect(await resetsIn(setup)).toEqual([])
  })
})

describe('the scheduler', () => {
  it('applies due resets daily on its clock, audited as the scheduler, and never before a rule is saved', async () => {
    const setup = await setUp()
    const { store, sync } = setup.daemon.deps
    // What the store was told to write before the nightly sync started: the resets' own scope.
    let beforeSync: ChangeScope[] = []
    let syncing = false
    store.onChange((scope) => void (syncing || beforeSync.push(scope)))
    const watched = Object.assign(Object.create(sync) as SyncService, {
      syncAll: (...args: Parameters<SyncService['syncAll']>) => {
        syncing = true
        return sync.syncAll(...args)
      },
    })
    const night = async () => {
      beforeSync = []
      syncing = false
      await scheduler.runNow()
      return beforeSync.map((scope) => scope.people ?? [])
    }
    const scheduler = Scheduler.start({ store, sync: watched, log: createLogger('silent'), at: '02:00', clock: setup.clock })
    try {
      await scheduler.caughtUp()
      setup.clock.set('2031-01-01T02:00:00.000Z')
      await scheduler.runNow()
      expect(await resetsIn(setup)).toEqual([])
      expect(await status(setup, 'astronaut@example.com')).toMatchObject({ status: 'compliant' })

      setup.clock.set(NOW)
      await setup.ok(setup.save({ recurrence: { kind: 'rolling', months: 12 } }))
      expect(await resetsIn(setup)).toEqual([])

      setup.clock.set('2027-02-10T14:29:59.999Z')
      // A quiet night names no one: no people file, no index rebuild.
      expect(await night()).toEqual([[]])
      expect(await resetsIn(setup)).toEqual([])

      setup.clock.set('2027-02-11T02:00:00.000Z')
      expect((await night()).map((people) => [...people].sort())).toEqual([['astronaut@example.com', 'hero@example.com']])
      const resets = await resetsIn(setup)
      expect(resets.map((event) => event.detail.email).sort()).toEqual(['astronaut@example.com', 'hero@example.com'])
      for (const event of resets) {
        expect(event).toMatchObject({
          actor: 'scheduler',
          at: '2027-02-11T02:00:00.000Z',
          detail: { by: 'recurrence', resetAt: '2027-02-10T14:30:00.000Z', dueAt: '2027-03-13T02:00:00.000Z' },
        })
      }
      // The nightly sync right after the resets evaluated them afresh, without the old completions.
      expect(await status(setup, 'hero@example.com')).toMatchObject({ status: 'non_compliant', dueAt: '2027-03-13T02:00:00.000Z' })
      expect(await status(setup, LATE)).toMatchObject({ status: 'compliant' })

      await scheduler.runNow()
      expect((await resetsIn(setup)).length).toBe(2)
    } finally {
      scheduler.stop()
    }
  })
})
