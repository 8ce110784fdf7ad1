import { afterEach } from 'vitest'
import { startKnowBe4Fake, type KnowBe4Fake, type KnowBe4FakeOptions } from '../../fakes/knowbe4/index.ts'
import { Pacer } from '../../daemon/http/pacer.ts'
import type { RetryOptions } from '../../daemon/http/retry-policy.ts'
import { VirtualClock } from '../helpers/virtual-clock.ts'
import { createKnowBe4Http, knowbe4, type KnowBe4Settings } from '../../daemon/providers/knowbe4/index.ts'

/** Retries that keep tests fast: 3 attempts, 5 ms backoff. */
export const FAST_RETRY: Partial<RetryOptions> = { maxAttempts: 3, baseDelayMs: 5, maxBackoffMs: 20 }

const started: KnowBe4Fake[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()))
})

/** A fake with limits far above what a test sends, unless the test passes its own. */
export async function startFake(options: KnowBe4FakeOptions = {}): Promise<KnowBe4Fake> {
  const fake = await startKnowBe4Fake({ limits: { perSecond: 1e6, perMinute: 1e6 }, ...options })
  started.push(fake)
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
    retry: options.retry ?? FAST_RETRY,
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
