import { REAL_LIMITS, startKnowBe4Fake, seedWorkedExample, type KnowBe4Fake, type WorkedExample } from '../../fakes/knowbe4/index.ts'
import { knowbe4 } from '../../daemon/providers/knowbe4/index.ts'
import { createHuntressAdapter } from '../../daemon/providers/huntress/index.ts'
import { ProviderRegistry } from '../../daemon/providers/registry.ts'
import type { HuntressFake } from '../../fakes/huntress/index.ts'
import type { Campaign, Connection, TrainingId } from '../../shared/domain.ts'
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.ts'
import { FastForwardClock } from '../helpers/virtual-clock.ts'

/**
 * One clock per test file, the daemon's and the fakes' rate limiters': the real time (the browser
 * and the IdP keep it), except that the daemon's waits take none, so the fakes keep their real
 * limits and the daemon paces itself under them with no wall time spent.
 */
export const providerClock = new FastForwardClock()

/** The Huntress fake's 60 requests a minute per client, on the provider clock. */
export const huntressLimit = { requests: 60, windowMs: 60_000, retryAfter: true, now: providerClock.now }

/** KnowBe4's real limits (4/s, 50/min, the lockout), on the provider clock the daemon paces by. */
export async function startKnowBe4(): Promise<{ fake: KnowBe4Fake; example: WorkedExample }> {
  const fake = await startKnowBe4Fake({ limits: REAL_LIMITS, now: providerClock.now })
  return { fake, example: seedWorkedExample(fake) }
}

/** The real daemon with both real adapters; Huntress points at its fake when one is given. */
export function startDaemon(huntress?: HuntressFake): Promise<TestDaemon> {
  const adapters = [
    knowbe4,
    ...(huntress
      ? [createHuntressAdapter({ clientId: huntress.client.clientId, clientSecret: huntress.client.clientSecret, baseUrl: huntress.url })]
      : []),
  ]
  return startTestDaemon({ providers: new ProviderRegistry(adapters), clock: providerClock })
}

export async function json<T>(response: Response | Promise<Response>): Promise<T> {
  const answer = await response
  if (!answer.ok) throw new Error(`${answer.status} ${await answer.text()}`)
  return (await answer.json()) as T
}

/** Connects KnowBe4 through the API (for tests whose subject is something else). */
export async function connectKnowBe4(daemon: TestDaemon, fake: KnowBe4Fake): Promise<Connection> {
  return json(
    daemon.api('/connections', { method: 'POST', json: { provider: 'knowbe4', region: 'us', apiToken: fake.token, baseUrl: fake.url } }),
  )
}

/** Selects campaigns by name for a training, then syncs everything. */
export async function selectAndSync(daemon: TestDaemon, connectionId: string, training: TrainingId, names: string[]): Promise<void> {
  const campaigns = await json<Campaign[]>(daemon.api(`/connections/${connectionId}/campaigns`))
  const campaignIds = names.map((name) => {
    const found = campaigns.find((campaign) => campaign.name === name)
    if (!found) throw new Error(`no campaign ${name} in ${campaigns.map((item) => item.name).join(', ')}`)
    return found.id
  })
  await json(daemon.api(`/trainings/${training}`, { method: 'PUT', json: { connectionId, campaignIds } }))
  const runs = await json<{ ok: boolean; error: string | null }[]>(daemon.api('/sync', { method: 'POST' }))
  if (runs.some((run) => !run.ok)) throw new Error(`sync failed: ${JSON.stringify(runs)}`)
}

export async function tokenFor(daemon: TestDaemon, role: string, email?: string): Promise<string> {
  const created = await json<{ token: string }>(daemon.api('/tokens', { method: 'POST', json: { role, ...(email ? { email } : {}) } }))
  return created.token
}
