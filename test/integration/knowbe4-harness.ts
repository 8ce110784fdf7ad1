import { afterEach } from 'vitest'
import { REAL_LIMITS, startKnowBe4Fake, type KnowBe4Fake, type KnowBe4FakeOptions } from '../../fakes/knowbe4/index.ts'
import type { Connection, Person, SyncRun, TrainingId } from '../../shared/domain.ts'
import { FAST_RETRY, startTestDaemon, type TestDaemon } from '../helpers/daemon.ts'
import type { HttpTuning } from '../../daemon/sync/session.ts'
import { VirtualClock } from '../helpers/virtual-clock.ts'

const running: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => item.close()))
})

/**
 * KnowBe4's real limits on both sides (the fake's 4/s, 50/min and 5-minute lockout; the daemon's
 * pacing), on one virtual clock: a sync that needs minutes of pacing takes none of wall time.
 */
export async function startKnowBe4(options: { fake?: KnowBe4FakeOptions; tuning?: HttpTuning; now?: () => number } = {}) {
  const clock = new VirtualClock()
  const fake = await startKnowBe4Fake({ limits: REAL_LIMITS, now: clock.now, ...options.fake })
  const daemon = await startTestDaemon({ tuning: { ...FAST_RETRY, ...options.tuning }, providerClock: clock, now: options.now })
  running.push(fake, { close: () => daemon.stop() })
  return { fake, daemon, providerClock: clock, ...bind(daemon, fake) }
}

function bind(daemon: TestDaemon, fake: KnowBe4Fake) {
  const json = async <T>(res: Response, status = 200): Promise<T> => {
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${await res.text()}`)
    return (await res.json()) as T
  }
  return {
    connect: async (apiToken = fake.token) =>
      json<Connection>(
        await daemon.api('/connections', { method: 'POST', json: { provider: 'knowbe4', region: 'eu', apiToken, baseUrl: fake.url } }),
        201,
      ),
    /** The daemon's campaign id of a fake campaign. */
    campaignId: (connection: Connection, externalId: number | string) => `${connection.id}:${externalId}`,
    select: async (training: TrainingId, connectionId: string, campaignIds: string[]) =>
      json(await daemon.api(`/trainings/${training}`, { method: 'PUT', json: { connectionId, campaignIds } })),
    sync: async (connectionId: string) => json<SyncRun>(await daemon.api(`/connections/${connectionId}/sync`, { method: 'POST' })),
    person: async (email: string) => json<Person>(await daemon.api(`/personnel/${email}`)),
    people: async () => json<Person[]>(await daemon.api('/personnel')),
  }
}

/** `status completed/required` of one training, for compact assertions. */
export function summary(person: Person, training: TrainingId = 'security_awareness'): string {
  const status = person.trainings[training]
  return `${status.status} ${status.completed}/${status.required}`
}
