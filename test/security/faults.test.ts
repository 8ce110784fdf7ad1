import { readDb } from '../helpers/store-files.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHuntressFake, type Fault, type HuntressFake } from '../../fakes/huntress/index.ts'
import { seedLargeTenant as seedHuntress } from '../../fakes/huntress/seed.ts'
import { seedLargeTenant as seedKnowBe4, startKnowBe4Fake, type FakeFault, type KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import type { AuditEvent, Connection, SyncRun } from '../../shared/domain.ts'
import {
  completedModules,
  connectHuntress,
  connectKnowBe4,
  huntressLimit,
  kb4Limits,
  leakSurfaces,
  PACED,
  protectedState,
  recordFigures,
  REDIRECT_URI,
  selectAll,
  SOAK,
  startSecurityDaemon,
  sync,
  type SecurityDaemon,
} from './harness.ts'
import { VirtualClock } from '../helpers/virtual-clock.ts'

/**
 * The fault matrix, through the daemon's HTTP API: every fault makes `POST /connections/:id/sync`
 * answer `ok: false`, leaves people, records, campaigns and selections exactly as they were (in
 * memory and on disk), and says why on the connection and in the audit log. A change waiting at
 * the provider proves "nothing changed" means something: the recovery sync then lands it.
 */

type Outcome = { status: Connection['status']; code: string }
type Case<F> = { name: string; arm: (fake: F, path: string | RegExp) => void; expected: Outcome; recovers?: boolean }

const server = { status: 'error', code: 'provider_server' } as const
const limited = { status: 'error', code: 'provider_rate_limited' } as const
const bad = { status: 'error', code: 'provider_bad_response' } as const
const timeout = { status: 'error', code: 'provider_timeout' } as const
const network = { status: 'error', code: 'provider_network' } as const
const reauth = { status: 'needs_reauth', code: 'provider_auth' } as const

const kb4 = (name: string, fault: FakeFault, expected: Outcome, times = 20): Case<KnowBe4Fake> => ({
  name,
  expected,
  arm: (fake, path) => fake.inject(fault, { times, path }),
})

const KNOWBE4: Case<KnowBe4Fake>[] = [
  kb4('500 on every attempt', { kind: 'status', status: 500 }, server),
  kb4('503 on every attempt', { kind: 'status', status: 503 }, server),
  kb4('a 429 storm', { kind: 'rate_limit' }, limited, 200),
  kb4('a 429 asking to wait an hour', { kind: 'rate_limit', retryAfter: 3_600 }, limited),
  kb4('a request that never answers (timeout)', { kind: 'hang' }, timeout),
  kb4('malformed JSON', { kind: 'malformed_json' }, bad),
  kb4('JSON that breaks the schema', { kind: 'bad_shape' }, bad),
  kb4('rows that break the schema', { kind: 'json', body: [{ enrollment_id: 'x', user: { email: 42 } }] }, bad),
  kb4('a connection reset', { kind: 'drop' }, network),
  {
    name: 'the token revoked mid-sync',
    expected: reauth,
    arm: (fake, path) => {
      const take = fake.faults.take.bind(fake.faults)
      fake.faults.take = (requested) => {
        if (matches(path, requested)) fake.revokeToken(fake.token)
        return take(requested)
      }
    },
  },
]

const hun = (name: string, fault: Fault, expected: Outcome, times = 20): Case<HuntressFake> => ({
  name,
  expected,
  arm: (fake, path) => fake.inject(fault, { times, path }),
})

const HUNTRESS: Case<HuntressFake>[] = [
  hun('500 on every attempt', { kind: 'status', status: 500 }, server),
  hun('503 on every attempt', { kind: 'status', status: 503 }, server),
  hun('a 429 storm', { kind: 'rate_limit', retryAfter: 0 }, limited, 200),
  hun('a 429 asking to wait an hour', { kind: 'rate_limit', retryAfter: 3_600 }, limited),
  hun('an answer slower than the timeout', { kind: 'delay', ms: 1_500 }, timeout),
  hun('malformed JSON', { kind: 'malformed_json' }, bad),
  hun('JSON that breaks the schema', { kind: 'bad_shape' }, bad),
  hun('a connection reset', { kind: 'drop' }, network),
  {
    name: 'the grant revoked mid-sync (access token refused, refresh token dead)',
    expected: reauth,
    recovers: false,
    arm: (fake, match) => {
      fake.revokeRefreshTokens()
      fake.inject({ kind: 'expire_token' }, { path: match })
    },
  },
]

const KNOWBE4_PATHS = SOAK ? ['/v1/training/campaigns', '/v1/users', '/v1/training/enrollments'] : ['/v1/training/enrollments']
const HUNTRESS_PATHS = SOAK ? [/\/accounts\/[^/]+\/assignments$/, /\/learners$/, /\/learner-activity$/] : [/\/learners$/]

const matches = (pattern: string | RegExp, path: string) => (typeof pattern === 'string' ? pattern === path : pattern.test(path))
const tried = { knowbe4: 0, huntress: 0 }
afterAll(() => recordFigures('faults', { ...tried, total: tried.knowbe4 + tried.huntress }))

/** Runs one armed fault and checks the promises of product.md §sync. */
async function expectCleanFailure(d: SecurityDaemon, connectionId: string, expected: Outcome, secrets: string[]) {
  const before = protectedState(d.db())
  expect(before).toContain('"compliant"')
  const beforeOnDisk = protectedState(await readDb(d.dataDir))

  const run = (await sync(d, connectionId)) as SyncRun

  expect(run.ok).toBe(false)
  expect(run.error).toMatch(/^[A-Z].{10,}[.)]$/s)
  const connection = ((await d.api('/connections')).body as Connection[]).find((item) => item.id === connectionId)
  expect(connection).toMatchObject({ status: expected.status, lastError: run.error })
  const [event] = (await d.api('/audit?limit=1')).body as AuditEvent[]
  expect(event).toMatchObject({ action: 'sync.failed', detail: { connectionId, code: expected.code, message: run.error } })
  expect(protectedState(d.db())).toBe(before)
  expect(protectedState(await readDb(d.dataDir))).toBe(beforeOnDisk)
  for (const secret of secrets) expect(JSON.stringify([run, connection, event])).not.toContain(secret)
}

describe('fault matrix: KnowBe4', () => {
  let fake: KnowBe4Fake
  let d: SecurityDaemon
  let connectionId: string
  let pending: { id: number }[] = []

  beforeAll(async () => {
    const clock = new VirtualClock()
    fake = await startKnowBe4Fake({ limits: kb4Limits, now: clock.now })
    const tenant = seedKnowBe4(fake, { users: 150, campaigns: 2, completedShare: 0.3, seed: 7 })
    pending = tenant.campaigns.flatMap((campaign) => fake.tenant.enrollmentsOf(campaign.id).filter((row) => row.completionDate === null))
    d = await startSecurityDaemon({ tuning: PACED, clock })
    connectionId = (await connectKnowBe4(d, fake)).id
    await selectAll(d, connectionId)
    expect((await sync(d, connectionId)).ok).toBe(true)
  })
  afterAll(async () => {
    await d.stop()
    await fake.close()
  })

  const cases = KNOWBE4_PATHS.flatMap((path) => KNOWBE4.map((item) => ({ ...item, path })))
  it.each(cases)('$name at $path: the sync fails cleanly, then recovers', async ({ arm, path, expected }) => {
    for (const row of pending.splice(0, 5)) fake.tenant.complete(row.id, '2026-03-01T10:00:00.000Z')
    arm(fake, path)

    const progress = completedModules(d.db())
    await expectCleanFailure(d, connectionId, expected, [fake.token])
    tried.knowbe4++

    fake.faults.clear()
    delete (fake.faults as { take?: unknown }).take
    fake.addToken(fake.token)
    const recovered = (await sync(d, connectionId)) as SyncRun
    expect(recovered.ok).toBe(true)
    expect(completedModules(d.db())).toBeGreaterThan(progress)
  })

  it('leaks the API token nowhere: db files, logs, answers, audit, connections, runs', () => {
    for (const [where, text] of Object.entries(leakSurfaces(d)))
      expect({ where, leaked: text.includes(fake.token) }).toEqual({ where, leaked: false })
  })
})

describe('fault matrix: Huntress', () => {
  let fake: HuntressFake
  let d: SecurityDaemon
  let connectionId: string
  let pending: { assignment: string; learner: string }[] = []

  beforeAll(async () => {
    const clock = new VirtualClock()
    fake = await startHuntressFake({ rateLimit: huntressLimit(clock) })
    fake.addRedirectUri(fake.client.clientId, REDIRECT_URI)
    // Every case lands five new completions: the soak's 25 cases need more people waiting than npm test's 9.
    const { assignments } = seedHuntress(fake, { learners: SOAK ? 400 : 120, assignments: 2 })
    pending = assignments.flatMap((assignment) =>
      fake.tenant
        .enrolledIds(assignment.id)
        .filter((learner) => !fake.tenant.activityOf(assignment.id, learner)?.completedAt)
        .map((learner) => ({ assignment: assignment.id, learner })),
    )
    d = await startSecurityDaemon({
      env: {
        TRAINPROOF_HUNTRESS_CLIENT_ID: fake.client.clientId,
        TRAINPROOF_HUNTRESS_CLIENT_SECRET: fake.client.clientSecret,
        TRAINPROOF_HUNTRESS_BASE_URL: fake.url,
      },
      tuning: PACED,
      clock,
    })
    connectionId = (await connectHuntress(d)).id
    await selectAll(d, connectionId)
    expect((await sync(d, connectionId)).ok).toBe(true)
  })
  afterAll(async () => {
    await d.stop()
    await fake.close()
  })

  // The revoked grant cannot recover without a new sign-in, so it runs last.
  const cases = HUNTRESS_PATHS.flatMap((path) =>
    HUNTRESS.filter((item) => item.recovers !== false || path === HUNTRESS_PATHS.at(-1)).map((item) => ({
      ...item,
      path,
      at: path.source,
    })),
  ).sort((a, b) => Number(a.recovers === false) - Number(b.recovers === false))
  it.each(cases)('$name at $at: the sync fails cleanly', async ({ arm, path, expected, recovers }) => {
    for (const { assignment, learner } of pending.splice(0, 5)) fake.tenant.complete(assignment, learner, '2026-03-01T10:00:00Z')
    arm(fake, path)
    const secrets = () => [fake.client.clientSecret, ...fake.oauth.accessTokens.keys(), ...fake.oauth.refreshTokens.keys()]

    const progress = completedModules(d.db())
    await expectCleanFailure(d, connectionId, expected, secrets())
    tried.huntress++

    fake.clearFaults()
    if (recovers === false) return
    const recovered = (await sync(d, connectionId)) as SyncRun
    expect(recovered.ok).toBe(true)
    expect(completedModules(d.db())).toBeGreaterThan(progress)
  })

  it('leaks no client secret, access or refresh token anywhere', () => {
    const secrets = [fake.client.clientSecret, ...fake.oauth.accessTokens.keys(), ...fake.oauth.refreshTokens.keys()]
    expect(secrets.length).toBeGreaterThan(2)
    for (const [where, text] of Object.entries(leakSurfaces(d))) {
      expect({ where, leaked: secrets.filter((secret) => text.includes(secret)) }).toEqual({ where, leaked: [] })
    }
  })
})
