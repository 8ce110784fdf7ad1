import { realClock, type Clock } from '../clock.ts'

export { realClock, type Clock } from '../clock.ts'

export type RateLimit = { requests: number; perMs: number }

/**
 * Keeps a client under a provider's rate limits instead of discovering them with 429s.
 * For each limit it remembers when the last `requests` calls finished; a new call starts only
 * once the oldest of them is a whole window old. Counting from when the answer arrived (not when
 * the request left) keeps us on the safe side of the server's own clock. One request is in flight
 * at a time: `acquire` waits for the previous holder's `release`, so callers sharing a pacer
 * (a sync and a certificate download of one connection) cannot overrun the limit together.
 */
export class Pacer {
  private readonly history: number[][]
  /** No request starts before this (a 429's wait); the history is kept meanwhile. */
  private blockedUntil = -Infinity
  private held: Promise<void> = Promise.resolve()
  private releaseHeld: (() => void) | null = null

  constructor(
    readonly limits: readonly RateLimit[],
    private readonly clock: Clock = realClock,
  ) {
    this.history = limits.map(() => [])
  }

  /** Resolves when one more request may start. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const previous = this.held
    let release!: () => void
    this.held = new Promise<void>((resolve) => (release = resolve))
    await previous
    this.releaseHeld = release
    try {
      for (;;) {
        const wait = this.waitMs(this.clock.now())
        if (wait <= 0) return
        await this.clock.sleep(wait, signal)
      }
    } catch (error) {
      this.releaseHeld = null
      release()
      throw error
    }
  }

  /** Records that a request has been answered (or has failed) now, and lets the next one start. */
  release(): void {
    const release = this.releaseHeld
    this.releaseHeld = null
    release?.()
    const now = this.clock.now()
    this.limits.forEach((limit, index) => {
      const times = this.history[index] as number[]
      times.push(now)
      if (times.length > limit.requests) times.shift()
    })
  }

  /**
   * Holds every request for `ms` from now (a 429 despite pacing: the provider's window is shared
   * with someone else). The requests already made stay counted: once the wait is over, the
   * windows still hold them, so the limits keep applying.
   */
  backOff(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms)
  }

  private waitMs(now: number): number {
    let wait = this.blockedUntil - now
    this.limits.forEach((limit, index) => {
      const times = this.history[index] as number[]
      if (times.length < limit.requests) return
      wait = Math.max(wait, (times[0] as number) + limit.perMs - now)
    })
    return wait
  }
}
