import { describe, expect, it } from 'vitest'
import { seedLargeTenant, seedWorkedExample, type KnowBe4Fake } from '../../../fakes/knowbe4/index.ts'
import { startKnowBe4, summary } from '../../helpers/knowbe4.ts'

const MINUTE = 60_000

/** The most requests KnowBe4 let through (not 429) in any one minute. */
function busiestMinute(fake: KnowBe4Fake): number {
  const times = fake.log.filter((entry) => entry.status !== 429).map((entry) => entry.at)
  let most = 0
  for (let first = 0, last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= MINUTE) first++
    most = Math.max(most, last - first + 1)
  }
  return most
}

/** Another tool using the same API token: `count` requests now, as KnowBe4 counts them. */
async function otherClient(fake: KnowBe4Fake, count: number): Promise<number[]> {
  const statuses: number[] = []
  for (let index = 0; index < count; index++) {
    const answer = await fetch(`${fake.url}/v1/account`, { headers: { authorization: `Bearer ${fake.token}`, accept: 'application/json' } })
    await answer.body?.cancel()
    statuses.push(answer.status)
  }
  return statuses
}

describe('KnowBe4 rate limits shared with other clients of the token', () => {
  it('another client used up the minute window just before the sync: the sync waits out the lockout and ends ok', async () => {
    const { fake, clock, connect, select, sync, person, campaignId } = await startKnowBe4()
    const { campaigns } = seedWorkedExample(fake)
    const connection = await connect()
    await select('security_awareness', connection.id, [campaignId(connection, campaigns.a.id), campaignId(connection, campaigns.b.id)])
    clock.advance(10 * MINUTE)
    // 4 a second, 50 in all: the whole minute window, without tripping the per-second limit.
    for (let second = 0; second < 13; second++) {
      expect(await otherClient(fake, second < 12 ? 4 : 2)).not.toContain(429)
      clock.advance(1_000)
    }
    const slept = clock.slept

    const run = await sync(connection.id)

    expect(run).toMatchObject({ ok: true, error: null })
    expect(summary(await person('wizard@example.com'))).toBe('non_compliant 1/2')
    expect(summary(await person('astronaut@example.com'))).toBe('compliant 2/2')
    // Without Retry-After the daemon waited a minute at a time until the 5-minute lockout ended.
    expect(fake.rateLimited).toBeGreaterThanOrEqual(1)
    expect(clock.slept - slept).toBeGreaterThanOrEqual(4 * MINUTE)
    expect(busiestMinute(fake)).toBeLessThanOrEqual(50)
  })

  it('with Retry-After, waits as long as KnowBe4 says, once', async () => {
    const { fake, clock, connect, select, sync, campaignId } = await startKnowBe4({ fake: { retryAfter: true } })
    const { campaigns } = seedWorkedExample(fake)
    const connection = await connect()
    await select('security_awareness', connection.id, [campaignId(connection, campaigns.a.id)])
    clock.advance(10 * MINUTE)
    for (let second = 0; second < 13; second++) {
      await otherClient(fake, second < 12 ? 4 : 2)
      clock.advance(1_000)
    }

    const run = await sync(connection.id)

    expect(run).toMatchObject({ ok: true, error: null })
    expect(fake.rateLimited).toBe(1)
  })

  it('after a 429 with Retry-After: 1, the next syncs still keep to 50 a minute', async () => {
    const { fake, connect, select, sync, campaignId } = await startKnowBe4()
    const { campaigns } = seedLargeTenant(fake, { users: 7_000, campaigns: 1 })
    const connection = await connect()
    await select('security_awareness', connection.id, [campaignId(connection, campaigns[0]!.id)])
    // Someone else's burst answered with a short Retry-After, in the middle of the first sync.
    fake.inject({ kind: 'rate_limit', retryAfter: 1 }, { after: 10 })

    const first = await sync(connection.id)
    const second = await sync(connection.id)

    expect([first.ok, second.ok]).toEqual([true, true])
    expect(first.requests + second.requests).toBeGreaterThan(55)
    // The injected 429 is the only one: the pacer never overran the window KnowBe4 counts.
    expect(fake.rateLimited).toBe(1)
    expect(busiestMinute(fake)).toBeLessThanOrEqual(50)
  })

  it('gives up with a clear message when KnowBe4 asks to wait longer than a sync may (a daily budget)', async () => {
    const { fake, clock, connect, select, sync, campaignId } = await startKnowBe4()
    const { campaigns } = seedWorkedExample(fake)
    const connection = await connect()
    await select('security_awareness', connection.id, [campaignId(connection, campaigns.a.id)])
    fake.inject({ kind: 'rate_limit', retryAfter: 6 * 3600 }, { times: 1 })
    const slept = clock.slept

    const run = await sync(connection.id)

    expect(run.ok).toBe(false)
    expect(run.error).toMatch(/KnowBe4 asked trainproof to wait 6 hours .*429.*next sync will try again/)
    expect(clock.slept - slept).toBeLessThan(MINUTE)
  })

  it('gives up after about six minutes of 429s, saying why', async () => {
    const { fake, clock, connect, select, sync, campaignId } = await startKnowBe4()
    const { campaigns } = seedWorkedExample(fake)
    const connection = await connect()
    await select('security_awareness', connection.id, [campaignId(connection, campaigns.a.id)])
    fake.inject({ kind: 'rate_limit' }, { times: 100 })
    const slept = clock.slept

    const run = await sync(connection.id)

    expect(run.ok).toBe(false)
    expect(run.error).toMatch(/kept refusing requests as too many \(429\) after waiting 6 minutes.*another tool/)
    expect(clock.slept - slept).toBe(6 * MINUTE)
    expect(fake.rateLimited).toBe(7)
  })
})
