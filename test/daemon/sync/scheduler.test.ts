import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { seedWorkedExample, startKnowBe4Fake } from '../../../fakes/knowbe4/index.ts'
import { startTestDaemon } from '../../helpers/daemon.ts'
import { VirtualClock } from '../../helpers/virtual-clock.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'trainproof-schedule-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('nightly schedule', () => {
  it('catches up a nightly sync missed while the daemon was down, once', async () => {
    const fake = await startKnowBe4Fake({ limits: { perSecond: 1e6, perMinute: 1e6 } })
    // The daemon's clock: whether a night was missed is decided by it, not by the wall clock.
    const clock = new VirtualClock(Date.parse('2026-03-10T12:00:00.000Z'))
    seedWorkedExample(fake)
    try {
      const first = await startTestDaemon({ dataDir, clock })
      const res = await first.api('/connections', {
        method: 'POST',
        json: { provider: 'knowbe4', region: 'us', apiToken: fake.token, baseUrl: fake.url },
      })
      expect(res.status).toBe(201)
      // The last nightly run happened two days ago; the daemon then stops.
      await first.deps.store.update((db) => {
        db.schedule.lastNightlyAt = new Date(clock.now() - 2 * 86_400_000).toISOString()
      })
      await first.close()
      fake.resetStats()

      const second = await startTestDaemon({ dataDir, clock, env: { TRAINPROOF_SCHEDULER: '1', TRAINPROOF_SYNC_AT: '02:00' } })
      await expect.poll(() => second.deps.store.data.connections[0]?.lastSyncAt, { timeout: 10_000 }).not.toBeNull()
      await expect
        .poll(() => Date.parse(second.deps.store.data.schedule.lastNightlyAt ?? '0'), { timeout: 10_000 })
        .toBeGreaterThan(clock.now() - 86_400_000)
      const audit = second.deps.store.data.audit.filter((event) => event.action === 'sync.completed')
      expect(audit.at(-1)?.actor).toBe('scheduler')
      await second.close()
      const requestsAfterCatchUp = fake.count()
      expect(requestsAfterCatchUp).toBeGreaterThan(0)

      const third = await startTestDaemon({ dataDir, clock, env: { TRAINPROOF_SCHEDULER: '1', TRAINPROOF_SYNC_AT: '02:00' } })
      await third.close()
      expect(fake.count()).toBe(requestsAfterCatchUp)
    } finally {
      await fake.close()
    }
  })
})
