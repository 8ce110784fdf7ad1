/**
 * The KnowBe4 fake in its own process, so that serving pages does not take CPU from the daemon
 * under test. Driven over IPC: the first message seeds it; then `stats` and `reset`.
 */
import { seedLargeTenant, startKnowBe4Fake, type FakeLimits, type LargeTenantOptions } from '../fakes/knowbe4/index.ts'

export type FakeSetup = { limits: Partial<FakeLimits>; tenant: LargeTenantOptions }
export type FakeReady = { url: string; token: string; campaignIds: number[]; users: number; enrollments: number; seedMs: number }
export type FakeStats = { total: number; rateLimited: number; users: number; campaigns: number; enrollments: number; other: number }
export type FakeCommand = { kind: 'stats' } | { kind: 'reset' }

const setup = await new Promise<FakeSetup>((resolve) => process.once('message', (message) => resolve(message as FakeSetup)))
const fake = await startKnowBe4Fake({ limits: setup.limits, logLimit: 0 })
const started = performance.now()
const tenant = seedLargeTenant(fake, setup.tenant)
const ready: FakeReady = {
  url: fake.url,
  token: fake.token,
  campaignIds: tenant.campaigns.map((campaign) => campaign.id),
  users: tenant.users,
  enrollments: tenant.enrollments,
  seedMs: performance.now() - started,
}
process.send?.(ready)

process.on('message', (message) => {
  const command = message as FakeCommand
  if (command.kind === 'reset') fake.resetStats()
  const users = fake.count('/v1/users')
  const campaigns = fake.count('/v1/training/campaigns')
  const enrollments = fake.count('/v1/training/enrollments')
  const stats: FakeStats = {
    total: fake.count(),
    rateLimited: fake.rateLimited,
    users,
    campaigns,
    enrollments,
    other: fake.count() - users - campaigns - enrollments,
  }
  process.send?.(stats)
})
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)))
