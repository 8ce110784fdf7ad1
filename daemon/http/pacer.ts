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
  private held: Promise<void> = Promise.resolve()
  private releaseHeld: (() => void) | null = null

  constructor(
    readonly limits: readonly RateLimit[],
    private readonly clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> } = realClock,
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

  /** Makes the pacer wait as if the window had been used up now (after a 429 despite pacing). */
  backOff(ms: number): void {
    const until = this.clock.now() + ms
    this.limits.forEach((limit, index) => {
      this.history[index] = Array.from({ length: limit.requests }, () => until - limit.perMs)
    })
  }

  private waitMs(now: number): number {
    let wait = 0
    this.limits.forEach((limit, index) => {
      const times = this.history[index] as number[]
      if (times.length < limit.requests) return
      wait = Math.max(wait, (times[0] as number) + limit.perMs - now)
    })
    return wait
  }
}

export const realClock = {
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}
