import { describe, expect, it } from 'vitest'
import { seedLargeTenant, seedWorkedExample, type FakeFault } from '../../../../fakes/knowbe4/index.ts'
import { ProviderError } from '../../../../daemon/errors.ts'
import type { RemoteCampaign } from '../../../../daemon/providers/types.ts'
import { openSession, startFake } from '../../../helpers/knowbe4.ts'

const ENROLLMENTS = '/v1/training/enrollments'

function remote(id: number): RemoteCampaign {
  return { externalId: String(id), name: 'C', status: 'Active', importable: true, notImportableReason: null }
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ProviderError)
  return error as ProviderError
}

describe('knowbe4 session: failures become ProviderErrors', () => {
  // FAST_RETRY allows 3 attempts per request.
  it.each<[string, FakeFault, number, string, number]>([
    ['500 every time', { kind: 'status', status: 500 }, 3, 'server', 3],
    ['503 every time', { kind: 'status', status: 503 }, 3, 'server', 3],
    ['403', { kind: 'status', status: 403 }, 1, 'forbidden', 1],
    ['404', { kind: 'status', status: 404 }, 1, 'not_found', 1],
    ['a body that is not JSON', { kind: 'malformed_json' }, 1, 'bad_response', 1],
    ['JSON that breaks the contract', { kind: 'bad_shape' }, 1, 'bad_response', 1],
    ['rows missing a status', { kind: 'json', body: [{ enrollment_id: 1, user: null }] }, 1, 'bad_response', 1],
    ['a 200 saying Invalid Token', { kind: 'json', body: { message: 'Invalid Token' } }, 1, 'auth', 1],
    // 429s are bounded by patience, not attempts: a minute between tries, 6 minutes in all.
    ['429 without Retry-After every time', { kind: 'rate_limit' }, 7, 'rate_limited', 7],
    ['429 asking to wait an hour', { kind: 'rate_limit', retryAfter: 3_600 }, 1, 'rate_limited', 1],
    ['a reset connection every time', { kind: 'drop' }, 3, 'network', 3],
  ])('%s → %s', async (_case, fault, times, kind, requests) => {
    const fake = await startFake()
    const { campaigns } = seedWorkedExample(fake)
    fake.inject(fault, { times, path: ENROLLMENTS })
    const { session } = openSession(fake)

    const error = await failure(session.listEnrollments([remote(campaigns.a.id)]))

    expect(error.kind).toBe(kind)
    expect(fake.count(ENROLLMENTS)).toBe(requests)
    expect(error.message).toContain('KnowBe4')
  })

  it('times out a hanging request, retried a bounded number of times', async () => {
    const fake = await startFake()
    seedWorkedExample(fake)
    fake.inject({ kind: 'hang' }, { times: 3 })
    const { session } = openSession(fake, { timeoutMs: 150 })

    const error = await failure(session.listCampaigns())

    expect(error.kind).toBe('timeout')
    expect(fake.count()).toBe(3)
  })

  it.each<[string, FakeFault]>([
    ['503', { kind: 'status', status: 503 }],
    ['500', { kind: 'status', status: 500 }],
    ['429 with Retry-After: 0', { kind: 'rate_limit', retryAfter: 0 }],
    ['429 without Retry-After', { kind: 'rate_limit' }],
    ['a reset', { kind: 'drop' }],
    ['a slow answer', { kind: 'delay', ms: 50 }],
  ])('recovers from %s twice in a row', async (_case, fault) => {
    const fake = await startFake()
    const { campaigns } = seedWorkedExample(fake)
    fake.inject(fault, { times: 2, path: ENROLLMENTS })
    const { session, http } = openSession(fake)

    const rows = await session.listEnrollments([remote(campaigns.b.id)])

    expect(rows).toHaveLength(3)
    expect(http.requests).toBe(fault.kind === 'delay' ? 1 : 3)
    expect(fake.faults.pending).toBe(fault.kind === 'delay' ? 1 : 0)
  })

  it('says what a rejected token may mean, never retries it and never shows it', async () => {
    const fake = await startFake()
    seedWorkedExample(fake)
    fake.revokeToken(fake.token)
    const { session } = openSession(fake)

    const error = await failure(session.listCampaigns())

    expect(error.kind).toBe('auth')
    expect(error.code).toBe('provider_auth')
    expect(error.message).toMatch(/token/i)
    expect(error.message).toMatch(/region/)
    expect(error.message).toMatch(/Platinum and Diamond/)
    expect(error.message).not.toContain(fake.token)
    expect(fake.count()).toBe(1)
  })

  it('refuses a page that repeats the previous one instead of looping', async () => {
    const fake = await startFake({ enrollmentPaging: 'page' })
    const [campaign] = seedLargeTenant(fake, { users: 10, campaigns: 1 }).campaigns
    const row = (id: number) => ({ enrollment_id: id, module_name: 'M', user: null, status: 'Passed' })
    const fullPage = Array.from({ length: 500 }, (_, index) => row(index + 1))
    fake.inject({ kind: 'json', body: fullPage }, { times: 2, path: ENROLLMENTS })
    const { session } = openSession(fake)

    const error = await failure(session.listEnrollments([remote(campaign!.id)]))

    expect(error.kind).toBe('bad_response')
    expect(error.message).toContain('the same page twice')
    expect(fake.count(ENROLLMENTS)).toBe(2)
  })

  it('refuses a cursor that repeats instead of looping', async () => {
    const fake = await startFake()
    const [campaign] = seedLargeTenant(fake, { users: 10, campaigns: 1 }).campaigns
    const envelope = { data: [{ enrollment_id: 1, user: null, status: 'Passed' }], pagination: { next_cursor: '7' } }
    fake.inject({ kind: 'json', body: envelope }, { times: 3, path: ENROLLMENTS })
    const { session } = openSession(fake)

    const error = await failure(session.listEnrollments([remote(campaign!.id)]))

    expect([error.kind, fake.count(ENROLLMENTS)]).toEqual(['bad_response', 2])
    expect(error.message).toContain('the same cursor twice')
  })

  it('rejects a campaign id that is not a KnowBe4 id before any request', async () => {
    const fake = await startFake()
    const { session } = openSession(fake)

    const error = await failure(session.listEnrollments([{ ...remote(1), externalId: 'abc' }]))

    expect(error.kind).toBe('not_found')
    expect(fake.count()).toBe(0)
  })
})
