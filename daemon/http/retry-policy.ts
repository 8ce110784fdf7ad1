export type RetryDecision =
  | { retry: true; reason: 'server_error' | 'network'; waitMs: number }
  | { retry: false; reason: 'ok' | 'auth' | 'client_error' | 'exhausted' }

export type RateLimitDecision =
  | { retry: true; waitMs: number }
  /** `asked`: Retry-After beyond the patience left (a daily budget); `exhausted`: patience used up. */
  | { retry: false; reason: 'asked_too_long' | 'exhausted'; askedMs: number | null }

export type RetryOptions = {
  /** Attempts at a request that fails with 5xx or a network error (429s are bounded by time instead). */
  maxAttempts: number
  /** First backoff step; doubles each attempt (with jitter) up to maxBackoffMs. */
  baseDelayMs: number
  maxBackoffMs: number
  /**
   * After a 429 without Retry-After: how long to wait before asking again. A provider's window is
   * shared with every other client of the same credentials, so wait it out whole (a minute).
   */
  rateLimitWaitMs: number
  /**
   * Patience with 429s for one request: the total time waited on them. KnowBe4's burst lockout
   * lasts about five minutes, so the default outlasts it; a Retry-After asking for more than is
   * left (a daily budget) is not waited for.
   */
  maxWaitMs: number
}

/** How long a `Retry-After` header asks to wait: delta-seconds or an HTTP date. */
export function parseRetryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

export function backoffMs(
  attempt: number,
  { baseDelayMs, maxBackoffMs }: Pick<RetryOptions, 'baseDelayMs' | 'maxBackoffMs'>,
  random = Math.random,
): number {
  const step = Math.min(maxBackoffMs, baseDelayMs * 2 ** (attempt - 1))
  return Math.round(step / 2 + (random() * step) / 2)
}

/**
 * Whether to try again a provider request that failed with a 5xx, a network failure (`status`
 * null) or anything else that is not a 429. `attempt` counts the attempts made so far.
 */
export function decideRetry(status: number | null, attempt: number, options: RetryOptions): RetryDecision {
  if (status !== null && status < 400) return { retry: false, reason: 'ok' }
  if (status === 401 || status === 403) return { retry: false, reason: 'auth' }
  if (status !== null && status < 500) return { retry: false, reason: 'client_error' }
  if (attempt >= options.maxAttempts) return { retry: false, reason: 'exhausted' }
  return { retry: true, reason: status === null ? 'network' : 'server_error', waitMs: backoffMs(attempt, options) }
}

/**
 * Whether to ask again after the `count`-th 429 in a row, having waited `waitedMs` on 429s so far.
 * A Retry-After is honoured (never below a doubling floor from one second, so a `0` cannot make a
 * storm); without one, the whole window is waited out. Patience is bounded by `maxWaitMs` in all.
 */
export function decideRateLimit(
  retryAfter: string | null,
  count: number,
  waitedMs: number,
  options: RetryOptions,
  now: number,
): RateLimitDecision {
  const asked = parseRetryAfterMs(retryAfter, now)
  const floor = Math.min(options.rateLimitWaitMs, 1_000 * 2 ** (count - 1))
  const waitMs = asked === null ? options.rateLimitWaitMs : Math.max(asked, floor)
  if (waitedMs + waitMs <= options.maxWaitMs) return { retry: true, waitMs }
  return { retry: false, reason: asked !== null && waitedMs + asked > options.maxWaitMs ? 'asked_too_long' : 'exhausted', askedMs: asked }
}
