import { afterEach } from 'vitest'
import { seedWorkedExample, startKnowBe4Fake, type KnowBe4Fake, type WorkedExample } from '../../fakes/knowbe4/index.ts'
import type { Connection, SyncRun, TrainingId } from '../../shared/domain.ts'
import { FAST_RETRY, startTestDaemon, type TestDaemon } from './daemon.ts'
import { VirtualClock } from './virtual-clock.ts'

const running: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => item.close()))
})

export type Synced = {
  fake: KnowBe4Fake
  daemon: TestDaemon
  clock: VirtualClock
  connection: Connection
  example: WorkedExample
  sync(): Promise<SyncRun>
  ok<T>(res: Response | Promise<Response>, status?: number): Promise<T>
}

/**
 * A daemon on a fixed clock with the KnowBe4 fake seeded with product.md's worked example,
 * connected, Security Awareness selecting campaigns A and B, synced once
 * (astronaut and hero compliant since 2026-02-10T14:30Z, wizard and ninja not).
 */
export async function startSynced(options: { now?: string; training?: TrainingId } = {}): Promise<Synced> {
  const clock = new VirtualClock(Date.parse(options.now ?? '2026-11-30T12:00:00.000Z'))
  const fake = await startKnowBe4Fake({ limits: { perSecond: 1e6, perMinute: 1e6 } })
  const daemon = await startTestDaemon({ clock, tuning: { ...FAST_RETRY, rateLimits: { knowbe4: [] } } })
  running.push(fake, { close: () => daemon.stop() })
  const ok = async <T>(res: Response | Promise<Response>, status = 200): Promise<T> => {
    const answer = await res
    if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${await answer.text()}`)
    return (await answer.json()) as T
  }
  const example = seedWorkedExample(fake)
  const connection = await ok<Connection>(
    daemon.api('/connections', { method: 'POST', json: { provider: 'knowbe4', region: 'eu', apiToken: fake.token, baseUrl: fake.url } }),
    201,
  )
  const campaignIds = example.selected.map((campaign) => `${connection.id}:${campaign.id}`)
  await ok(
    daemon.api(`/trainings/${options.training ?? 'security_awareness'}`, {
      method: 'PUT',
      json: { connectionId: connection.id, campaignIds },
    }),
  )
  const sync = () => ok<SyncRun>(daemon.api(`/connections/${connection.id}/sync`, { method: 'POST' }))
  const run = await sync()
  if (!run.ok) throw new Error(`sync failed: ${run.error}`)
  return { fake, daemon, clock, connection, example, sync, ok }
}
