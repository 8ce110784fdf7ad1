import { afterEach, expect } from 'vitest'
import { REAL_LIMITS, startKnowBe4Fake, type KnowBe4Fake, type KnowBe4FakeOptions } from '../../fakes/knowbe4/index.ts'
import type { Connection, Person, SyncRun, TrainingId } from '../../shared/domain.ts'
import { FAST_RETRY, startTestDaemon, type TestDaemon } from './daemon.ts'
import type { HttpTuning } from '../../daemon/sync/session.ts'
import { VirtualClock } from './virtual-clock.ts'
import { Pacer } from '../../daemon/http/pacer.ts'
import type { RetryOptions } from '../../daemon/http/retry-policy.ts'
import { createKnowBe4Http, knowbe4, type KnowBe4Settings } from '../../daemon/providers/knowbe4/index.ts'

/** Test harness for one provider, merged by scripts/mirror-tests.mjs from 3 file(s). */

// --- A daemon synced against the KnowBe4 fake (was test/integration/knowbe4-harness.ts) ---

const running: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => item.close()))
})

/**
 * KnowBe4's real limits on both sides (the fake's 4/s, 50/min and 5-minute lockout; the daemon's
 * pacing), on one virtual clock: a sync that needs minutes of pacing takes none of wall time.
 */
export async function startKnowBe4(options: { fake?: KnowBe4FakeOptions; tuning?: HttpTuning; clock?: VirtualClock } = {}) {
  const clock = options.clock ?? new VirtualClock()
  const fake = await startKnowBe4Fake({ limits: REAL_LIMITS, now: clock.now, ...options.fake })
  const daemon = await startTestDaemon({ tuning: { ...FAST_RETRY, ...options.tuning }, clock })
  running.push(fake, { close: () => daemon.stop() })
  return { fake, daemon, clock, ...bind(daemon, fake) }
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

// --- The KnowBe4 adapter over real HTTP, without a daemon (was test/providers/knowbe4-harness.ts) ---

/** Retries that keep tests fast: 3 attempts, 5 ms backoff. */
export const FAST_HTTP_RETRY: Partial<RetryOptions> = { maxAttempts: 3, baseDelayMs: 5, maxBackoffMs: 20 }

const startedForAdapter: KnowBe4Fake[] = []

afterEach(async () => {
  await Promise.all(startedForAdapter.splice(0).map((fake) => fake.close()))
})

/** A fake with limits far above what a test sends, unless the test passes its own. */
export async function startFake(options: KnowBe4FakeOptions = {}): Promise<KnowBe4Fake> {
  const fake = await startKnowBe4Fake({ limits: { perSecond: 1e6, perMinute: 1e6 }, ...options })
  startedForAdapter.push(fake)
  return fake
}

export function settingsFor(fake: KnowBe4Fake): KnowBe4Settings {
  return { region: 'eu', baseUrl: fake.url }
}

/** A session over real HTTP, built the way a sync builds one. */
export function openSession(
  fake: KnowBe4Fake,
  options: { pacer?: Pacer; retry?: Partial<RetryOptions>; timeoutMs?: number; token?: string; clock?: VirtualClock } = {},
) {
  // Waits (backoff, Retry-After, a minute after a bare 429) pass on a virtual clock: no wall time.
  const clock = options.clock ?? new VirtualClock()
  const settings = settingsFor(fake)
  const secret = { apiToken: options.token ?? fake.token }
  const http = createKnowBe4Http({
    settings,
    secret,
    pacer: options.pacer ?? new Pacer([], clock),
    retry: options.retry ?? FAST_HTTP_RETRY,
    timeoutMs: options.timeoutMs ?? 5_000,
    clock,
  })
  const session = knowbe4.open({ settings, secret, http, saveSecret: async () => {} })
  return { http, session, clock }
}

/** The query of every logged request to a path. */
export function queriesTo(fake: KnowBe4Fake, path: string): Record<string, string>[] {
  return fake.log.filter((entry) => entry.path === path).map((entry) => entry.query)
}

// --- The KnowBe4 fake's own wire contract (was test/fakes/knowbe4-fake-harness.ts) ---

const startedForWire: KnowBe4Fake[] = []

afterEach(async () => {
  await Promise.all(startedForWire.splice(0).map((fake) => fake.close()))
})

/** A fake closed after the test; limits far above what a test sends unless given. */
export async function startWireFake(options: KnowBe4FakeOptions = {}): Promise<KnowBe4Fake> {
  const fake = await startKnowBe4Fake({ limits: { perSecond: 10_000, perMinute: 100_000 }, ...options })
  startedForWire.push(fake)
  return fake
}

export function wireGet(
  server: KnowBe4Fake,
  path: string,
  init: { token?: string | null; accept?: string; method?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' }
  const token = init.token === undefined ? server.token : init.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  return fetch(server.url + path, { headers, method: init.method ?? 'GET' })
}

export async function wireJson(server: KnowBe4Fake, path: string): Promise<any> {
  const response = await wireGet(server, path)
  expect(response.status).toBe(200)
  return response.json()
}
