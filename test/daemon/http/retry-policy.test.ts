import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY } from '../../../daemon/http/provider-http.ts'
import { backoffMs, decideRateLimit, decideRetry, parseRetryAfterMs, type RetryOptions } from '../../../daemon/http/retry-policy.ts'

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0)
const MINUTE = 60_000
const OPTIONS: RetryOptions = { maxAttempts: 4, baseDelayMs: 1_000, maxBackoffMs: 5_000, rateLimitWaitMs: MINUTE, maxWaitMs: 6 * MINUTE }

describe('parseRetryAfterMs', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1_500],
    ['-5', 0],
    [' 30 ', 30_000],
  ])('reads delta-seconds %j as %i ms', (header, expected) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(expected)
  })

  it('reads an HTTP date as the time from now until then', () => {
    const at = new Date(NOW + 90_000).toUTCString()

    expect(parseRetryAfterMs(at, NOW)).toBe(90_000)
  })

  it('reads an HTTP date already past as no wait', () => {
    expect(parseRetryAfterMs(new Date(NOW - 90_000).toUTCString(), NOW)).toBe(0)
  })

  it.each([null, '', '   ', 'soon', 'later'])('knows no wait in %j', (header) => {
    expect(parseRetryAfterMs(header, NOW)).toBeNull()
  })
})

describe('backoffMs', () => {
  it('doubles each attempt, with jitter between half the step and the whole step', () => {
    const lowest = [1, 2, 3].map((attempt) => backoffMs(attempt, OPTIONS, () => 0))
    const highest = [1, 2, 3].map((attempt) => backoffMs(attempt, OPTIONS, () => 1))

    expect(lowest).toEqual([500, 1_000, 2_000])
    expect(highest).toEqual([1_000, 2_000, 4_000])
  })

  it('never steps past maxBackoffMs however many attempts were made', () => {
    expect(backoffMs(4, OPTIONS, () => 1)).toBe(5_000)
    expect(backoffMs(30, OPTIONS, () => 1)).toBe(5_000)
    expect(backoffMs(30, OPTIONS, () => 0)).toBe(2_500)
  })
})

describe('decideRetry', () => {
  it.each([200, 204, 302, 304])('does not retry a %i (the request succeeded)', (status) => {
    expect(decideRetry(status, 1, OPTIONS)).toEqual({ retry: false, reason: 'ok' })
  })

  it.each([401, 403])('does not retry a %i: the credentials are wrong, asking again cannot help', (status) => {
    expect(decideRetry(status, 1, OPTIONS)).toEqual({ retry: false, reason: 'auth' })
  })

  it.each([400, 404, 409, 422])('does not retry a %i: the request itself is wrong', (status) => {
    expect(decideRetry(status, 1, OPTIONS)).toEqual({ retry: false, reason: 'client_error' })
  })

  it.each([500, 502, 503, 504])('retries a %i after a backoff', (status) => {
    const actual = decideRetry(status, 1, OPTIONS)

    expect(actual).toMatchObject({ retry: true, reason: 'server_error' })
    expect(actual.retry && actual.waitMs).toBeGreaterThanOrEqual(500)
    expect(actual.retry && actual.waitMs).toBeLessThanOrEqual(1_000)
  })

  it('retries a network failure (no status) as its own reason', () => {
    expect(decideRetry(null, 2, OPTIONS)).toMatchObject({ retry: true, reason: 'network' })
  })

  it('gives up once maxAttempts attempts have failed, and not before', () => {
    const attempts = [1, 2, 3, 4, 5].map((attempt) => decideRetry(503, attempt, OPTIONS).retry)

    expect(attempts).toEqual([true, true, true, false, false])
    expect(decideRetry(null, 4, OPTIONS)).toEqual({ retry: false, reason: 'exhausted' })
  })

  it('still refuses a client error on the last attempt as a client error, not as exhausted', () => {
    expect(decideRetry(404, 4, OPTIONS)).toEqual({ retry: false, reason: 'client_error' })
  })

  it('waits longer as the attempts go on, within the cap', () => {
    const waits = [1, 2, 3].map((attempt) => {
      const decision = decideRetry(500, attempt, { ...OPTIONS, maxAttempts: 10 })
      return decision.retry ? decision.waitMs : -1
    })

    expect(waits[0]).toBeLessThanOrEqual(1_000)
    expect(waits[1]).toBeGreaterThanOrEqual(1_000)
    expect(waits[2]).toBeGreaterThanOrEqual(2_000)
    expect(Math.max(...waits)).toBeLessThanOrEqual(OPTIONS.maxBackoffMs)
  })
})

describe('decideRateLimit', () => {
  it('waits out the whole window when the 429 says nothing', () => {
    expect(decideRateLimit(null, 1, 0, OPTIONS, NOW)).toEqual({ retry: true, waitMs: MINUTE })
  })

  it('honours a Retry-After given as an HTTP date', () => {
    const at = new Date(NOW + 3 * MINUTE).toUTCString()

    expect(decideRateLimit(at, 1, 0, OPTIONS, NOW)).toEqual({ retry: true, waitMs: 3 * MINUTE })
  })

  it('raises a too-small Retry-After to a floor that doubles per 429 in a row, up to the window', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((count) => {
      const decision = decideRateLimit('0', count, 0, OPTIONS, NOW)
      return decision.retry ? decision.waitMs : -1
    })

    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, MINUTE, MINUTE])
  })

  it('waits exactly up to its patience, and not a millisecond past it', () => {
    expect(decideRateLimit(null, 6, 5 * MINUTE, OPTIONS, NOW)).toEqual({ retry: true, waitMs: MINUTE })
    expect(decideRateLimit(null, 7, 5 * MINUTE + 1, OPTIONS, NOW)).toEqual({ retry: false, reason: 'exhausted', askedMs: null })
  })

  it('tells a Retry-After beyond its patience (a spent daily budget) from patience used up', () => {
    const aDay = decideRateLimit(String(24 * 3600), 1, 0, OPTIONS, NOW)
    const pastWhatIsLeft = decideRateLimit('30', 9, 6 * MINUTE - 10_000, OPTIONS, NOW)
    const floorPastWhatIsLeft = decideRateLimit('1', 9, 6 * MINUTE - 10_000, OPTIONS, NOW)

    expect(aDay).toEqual({ retry: false, reason: 'asked_too_long', askedMs: 24 * 3600_000 })
    expect(pastWhatIsLeft).toEqual({ retry: false, reason: 'asked_too_long', askedMs: 30_000 })
    expect(floorPastWhatIsLeft).toEqual({ retry: false, reason: 'exhausted', askedMs: 1_000 })
  })

  it('outlasts a five-minute lockout with the defaults the daemon uses', () => {
    let waited = 0
    let count = 1
    for (;;) {
      const decision = decideRateLimit(null, count, waited, DEFAULT_RETRY, NOW)
      if (!decision.retry) break
      waited += decision.waitMs
      count++
    }

    expect(waited).toBeGreaterThan(5 * MINUTE)
    expect(waited).toBeLessThanOrEqual(DEFAULT_RETRY.maxWaitMs)
  })
})
