/**
 * A fake KnowBe4 KMSAT Reporting API for tests, the benchmark and the demo.
 *
 * @example
 * const fake = await startKnowBe4Fake({ limits: { perSecond: 100, perMinute: 1000 } })
 * seedWorkedExample(fake)
 * fake.inject({ kind: 'status', status: 503 }, { times: 2, path: '/v1/training/enrollments' })
 * // … point the adapter at fake.url with fake.token …
 * fake.count('/v1/training/enrollments')
 * await fake.close()
 */
export { startKnowBe4Fake, KnowBe4Fake, DEFAULT_FAKE_TOKEN, acceptsJson } from './server.ts'
export type { KnowBe4FakeOptions, RequestLogEntry } from './server.ts'
export { KnowBe4Tenant } from './model.ts'
export type {
  FakeAccount,
  FakeCampaign,
  FakeContent,
  FakeEnrollment,
  FakeUser,
  CampaignInput,
  EnrollInput,
  UserInput,
} from './model.ts'
export type { FakeFault, FaultOptions } from './faults.ts'
export { REAL_LIMITS, DAILY_BASE, type FakeLimits } from './rate-limiter.ts'
export { CAMPAIGN_CAP, DEFAULT_PER_PAGE, MAX_PER_PAGE, type EnrollmentPaging } from './routes.ts'
export { seedWorkedExample, seedLargeTenant } from './seed.ts'
export type { WorkedExample, LargeTenant, LargeTenantOptions } from './seed.ts'
