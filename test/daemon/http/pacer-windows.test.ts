import { describe, expect, it } from 'vitest'
import { Pacer, type RateLimit } from '../../../daemon/http/pacer.ts'
import { VirtualClock } from '../../helpers/virtual-clock.ts'

const SECOND = 1_000
const MINUTE = 60_000

/** Starts `count` requests one after another, each answered `tookMs` after it started; the start times. */
async function run(pacer: Pacer, clock: VirtualClock, count: number, tookMs = 0): Promise<number[]> {
  const starts: number[] = []
  for (let index = 0; index < count; index++) {
    await pacer.acquire()
    starts.push(clock.now())
    clock.advance(tookMs)
    pacer.release()
  }
  return starts
}

function pacerAt(limits: RateLimit[]): { pacer: Pacer; clock: VirtualClock } {
  const clock = new VirtualClock(0)
  return { pacer: new Pacer(limits, clock), clock }
}

/** Lets every pending promise and timer callback of the virtual clock run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('Pacer windows', () => {
  it('starts the first `requests` at once and the next one a whole window after the oldest', async () => {
    const { pacer, clock } = pacerAt([{ requests: 4, perMs: SECOND }])

    const starts = await run(pacer, clock, 9)

    expect(starts).toEqual([0, 0, 0, 0, SECOND, SECOND, SECOND, SECOND, 2 * SECOND])
  })

  it('keeps every limit at once: 4 a second and 50 a minute', async () => {
    const { pacer, clock } = pacerAt([
      { requests: 4, perMs: SECOND },
      { requests: 50, perMs: MINUTE },
    ])

    const starts = await run(pacer, clock, 54)

    expect(starts[49]).toBe(12 * SECOND)
    expect(starts[50]).toBe(MINUTE)
    for (let index = 4; index < starts.length; index++) {
      expect((starts[index] as number) - (starts[index - 4] as number)).toBeGreaterThanOrEqual(SECOND)
    }
    for (let index = 50; index < starts.length; index++) {
      expect((starts[index] as number) - (starts[index - 50] as number)).toBeGreaterThanOrEqual(MINUTE)
    }
  })

  it('counts a window from when the answer arrived, not from when the request left', async () => {
    const { pacer, clock } = pacerAt([{ requests: 2, perMs: SECOND }])

    const starts = await run(pacer, clock, 3, 300)

    // The first answer arrived at 300, so the third request waits until 1,300 (not 1,000).
    expect(starts).toEqual([0, 300, 1_300])
  })

  it('lets one request be in flight at a time: the next acquire waits for the release', async () => {
    const { pacer } = pacerAt([{ requests: 100, perMs: SECOND }])
    const order: string[] = []

    await pacer.acquire()
    const second = pacer.acquire().then(() => order.push('second started'))
    await settle()
    order.push('first released')
    pacer.release()
    await second

    expect(order).toEqual(['first released', 'second started'])
  })

  it('gives the turn to the next caller when a waiting acquire is aborted', async () => {
    const { pacer, clock } = pacerAt([{ requests: 1, perMs: MINUTE }])
    await run(pacer, clock, 1)
    const controller = new AbortController()
    controller.abort(new Error('sync cancelled'))

    await expect(pacer.acquire(controller.signal)).rejects.toThrow('sync cancelled')
    const starts = await run(pacer, clock, 1)

    expect(starts).toEqual([MINUTE])
  })

  it('needs no wait at all under the limits', async () => {
    const { pacer, clock } = pacerAt([{ requests: 10, perMs: MINUTE }])

    await run(pacer, clock, 10)

    expect(clock.slept).toBe(0)
  })
})
