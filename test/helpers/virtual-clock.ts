import type { Clock } from '../../daemon/clock.ts'

/**
 * A clock that only moves when someone sleeps on it (or a test advances it): waits of minutes
 * take no wall time. Give the same clock to a fake's rate limiter and to the daemon's pacing, and
 * both sides agree on what a minute is. Sleepers that overlap each move it forward, so time may
 * run ahead of a strict timeline, never behind: pacing stays on the safe side.
 */
export class VirtualClock implements Clock {
  private time: number

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.time = start
  }

  now = (): number => this.time

  advance(ms: number): void {
    this.time += Math.max(0, ms)
  }

  /** Jumps to `at` (either way): a test that plays "the next morning" or "the IdP's clock is ahead". */
  set(at: number | string | Date): void {
    this.time = typeof at === 'number' ? at : new Date(at).getTime()
  }

  /** Total virtual time slept, for assertions about patience. */
  slept = 0

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw signal.reason
    const step = Math.max(0, ms)
    this.time += step
    this.slept += step
    // Let I/O run between waits, as a real sleep would.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

/**
 * The real time, except that waits take none: each sleep moves the clock forward by its length at
 * once. For tests where something outside keeps the real time (an OpenID Provider stamping ID
 * tokens, a browser) while the daemon paces itself against a fake's real limits on the same clock.
 */
export class FastForwardClock implements Clock {
  private skipped = 0

  constructor(private offset = 0) {}

  now = (): number => Date.now() + this.offset + this.skipped

  /** Runs the clock `ms` ahead of (or, negative, behind) the real time from now on. */
  shift(ms: number): void {
    this.offset = ms
  }

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw signal.reason
    this.skipped += Math.max(0, ms)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
