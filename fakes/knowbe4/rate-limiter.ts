/**
 * KnowBe4's documented limits: 4 requests a second and 50 a minute per token (sliding windows,
 * counted when a request arrives), and a daily budget of 2,000 plus the seats per account whose
 * 24 h window opens with the first request. Requests answered 429 do not use up any window.
 */
export type FakeLimits = {
  perSecond: number
  secondMs: number
  perMinute: number
  minuteMs: number
  /** Requests per daily window; null means 2,000 + the account's seats. */
  daily: number | null
  dailyMs: number
  /** After a 50/min breach the token stays locked this long (the real one is about 5 minutes). */
  burstLockoutMs: number
}

export const REAL_LIMITS: FakeLimits = {
  perSecond: 4,
  secondMs: 1_000,
  perMinute: 50,
  minuteMs: 60_000,
  daily: null,
  dailyMs: 24 * 60 * 60_000,
  burstLockoutMs: 5 * 60_000,
}

export const DAILY_BASE = 2_000

export type LimitVerdict = { ok: true } | { ok: false; retryAfterMs: number; reason: 'second' | 'minute' | 'daily' }

export class RateLimiter {
  private readonly arrivals = new Map<string, number[]>()
  private readonly lockedUntil = new Map<string, number>()
  private dayStart: number | null = null
  private dayCount = 0

  constructor(public limits: FakeLimits) {}

  /** Decides one arriving request and, when it is let through, counts it. */
  admit(token: string, now: number, seats: number): LimitVerdict {
    const locked = this.lockedUntil.get(token) ?? 0
    if (locked > now) return { ok: false, retryAfterMs: locked - now, reason: 'minute' }
    const verdict = this.check(token, now, seats)
    if (!verdict.ok) {
      if (verdict.reason === 'minute' && this.limits.burstLockoutMs > 0) {
        this.lockedUntil.set(token, now + this.limits.burstLockoutMs)
        return { ...verdict, retryAfterMs: this.limits.burstLockoutMs }
      }
      return verdict
    }
    this.times(token).push(now)
    if (this.dayStart === null) this.dayStart = now
    this.dayCount++
    return verdict
  }

  reset(): void {
    this.arrivals.clear()
    this.lockedUntil.clear()
    this.dayStart = null
    this.dayCount = 0
  }

  private check(token: string, now: number, seats: number): LimitVerdict {
    const { perSecond, secondMs, perMinute, minuteMs, dailyMs } = this.limits
    if (this.dayStart !== null && now - this.dayStart >= dailyMs) {
      this.dayStart = null
      this.dayCount = 0
    }
    const budget = this.limits.daily ?? DAILY_BASE + seats
    if (this.dayStart !== null && this.dayCount >= budget) {
      return { ok: false, retryAfterMs: this.dayStart + dailyMs - now, reason: 'daily' }
    }
    const times = this.times(token)
    const horizon = now - Math.max(secondMs, minuteMs)
    while (times.length > 0 && (times[0] as number) <= horizon) times.shift()
    const second = waitFor(times, now, perSecond, secondMs)
    if (second > 0) return { ok: false, retryAfterMs: second, reason: 'second' }
    const minute = waitFor(times, now, perMinute, minuteMs)
    if (minute > 0) return { ok: false, retryAfterMs: minute, reason: 'minute' }
    return { ok: true }
  }

  private times(token: string): number[] {
    let times = this.arrivals.get(token)
    if (!times) {
      times = []
      this.arrivals.set(token, times)
    }
    return times
  }
}

/** How long until a window of `windowMs` holds fewer than `limit` arrivals (0: now). */
function waitFor(times: readonly number[], now: number, limit: number, windowMs: number): number {
  let inWindow = 0
  for (let index = times.length - 1; index >= 0 && (times[index] as number) > now - windowMs; index--) inWindow++
  if (inWindow < limit) return 0
  const oldestThatMustLeave = times[times.length - limit] as number
  return oldestThatMustLeave + windowMs - now
}
