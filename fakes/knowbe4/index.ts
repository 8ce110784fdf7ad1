/**
 * A fake KnowBe4 KMSAT Reporting API for tests, the benchmark and the demo, on 127.0.0.1.
 *
 * Where the real API's behaviour is undocumented, the fake chooses the strict reading:
 * - `per_page` above 500 is clamped to 500; a `page`, `per_page`, id or cursor that is not a
 *   positive integer answers 400; methods other than GET answer 405; unknown paths 404.
 * - Without `exclude_percentages=true` the campaign list holds at most 10 campaigns in all (page 2
 *   is empty), each with `completion_percentage`.
 * - Order is creation order (= id order). Cursors are the id of the last row served.
 * - Checks run in this order: injected fault, method, Accept, token, rate limits, route. Faulted
 *   and 401/406 requests use no rate-limit window; 429s use none either.
 * - `exclude_archived_users=true` keeps `user: null` rows (nobody can tell they are archived).
 * - The daily budget is per fake (one account); seats are `numberOfSeats`, else the user count.
 * - More than 50 requests in a minute on one token locks that token out for 5 minutes (every
 *   client of it gets 429), like KnowBe4's burst lockout; `limits.burstLockoutMs` changes it.
 * - `now` is the limits' clock: tests share a virtual one with the daemon's pacing.
 *
 * @example
 * const fake = await startKnowBe4Fake({ limits: { perSecond: 100, perMinute: 1000 } })
 * seedWorkedExample(fake)
 * fake.inject({ kind: 'status', status: 503 }, { times: 2, path: '/v1/training/enrollments' })
 * // … point the adapter at fake.url with fake.token …
 * fake.count('/v1/training/enrollments')
 * await fake.close()
 */
export { startKnowBe4Fake, KnowBe4Fake, DEFAULT_FAKE_TOKEN } from './server.ts'
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
