import { describe, expect, it } from 'vitest'
import { Pacer } from '../../../daemon/http/pacer.ts'
import { decideRateLimit } from '../../../daemon/http/retry-policy.ts'
import { DEFAULT_RETRY } from '../../../daemon/http/provider-http.ts'
import { VirtualClock } from '../../helpers/virtual-clock.ts'

const MINUTE = 60_000

/** Starts `count` requests through the pacer; the clock time at which each one started. */
async function run(pacer: Pacer, clock: VirtualClock, count: number): Promise<number[]> {
  const starts: number[] = []
  for (let index = 0; index < count; index++) {
    await pacer.acquire()
    starts.push(clock.now())
    pacer.release()
  }
  return starts
}

describe('Pacer', () => {
  it('keeps counting the requests it made across a back-off (a 429 with Retry-After: 1)', async () => {
    const clock = new VirtualClock(0)
    const pacer = new Pacer([{ requests: 50, perMs: MINUTE }], clock)
    await run(pacer, clock, 40)

    pacer.backOff(1_000)
    const next = await run(pacer, clock, 20)

    // 40 made already: 10 more this minute (after the second asked for), the rest once it is over.
    expect(next.slice(0, 10).every((at) => at === 1_000)).toBe(true)
    expect(next.slice(10).every((at) => at >= MINUTE)).toBe(true)
  })

  it('holds every request until a back-off is over, even with an empty history', async () => {
    const clock = new VirtualClock(0)
    const pacer = new Pacer([{ requests: 4, perMs: 1_000 }], clock)

    pacer.backOff(5 * MINUTE)
    pacer.backOff(1_000) // a shorter one later does not shorten it

    expect(await run(pacer, clock, 1)).toEqual([5 * MINUTE])
  })
})

describe('decideRateLimit', () => {
  const at = 0

  it('without Retry-After waits out a whole minute, up to six in all', () => {
    const waits: number[] = []
    let waited = 0
    for (let count = 1; ; count++) {
      const decision = decideRateLimit(null, count, waited, DEFAULT_RETRY, at)
      if (!decision.retry) {
        expect(decision.reason).toBe('exhausted')
        break
      }
      waits.push(decision.waitMs)
      waited += decision.waitMs
    }

    expect(waits).toEqual([MINUTE, MINUTE, MINUTE, MINUTE, MINUTE, MINUTE])
  })

  it('honours Retry-After, with a doubling floor so that 0 cannot make a storm', () => {
    expect(decideRateLimit('300', 1, 0, DEFAULT_RETRY, at)).toEqual({ retry: true, waitMs: 300_000 })
    expect(decideRateLimit('0', 1, 0, DEFAULT_RETRY, at)).toEqual({ retry: true, waitMs: 1_000 })
    expect(decideRateLimit('0', 4, 7_000, DEFAULT_RETRY, at)).toEqual({ retry: true, waitMs: 8_000 })
    expect(decideRateLimit('0', 20, 0, DEFAULT_RETRY, at)).toEqual({ retry: true, waitMs: MINUTE })
  })

  it('does not wait for a Retry-After beyond its patience (a daily budget)', () => {
    expect(decideRateLimit(String(3 * 3600), 1, 0, DEFAULT_RETRY, at)).toEqual({
      retry: false,
      reason: 'asked_too_long',
      askedMs: 3 * 3600_000,
    })
    expect(decideRateLimit('120', 3, 5 * MINUTE, DEFAULT_RETRY, at)).toMatchObject({ retry: false, reason: 'asked_too_long' })
  })
})
