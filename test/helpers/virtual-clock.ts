import type { Clock } from '../../daemon/http/clock.ts'

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
