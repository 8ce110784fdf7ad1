export type RetryDecision =
  | { retry: true; reason: 'rate_limited' | 'server_error' | 'network'; waitMs: number }
  | { retry: false; reason: 'ok' | 'auth' | 'client_error' | 'exhausted' | 'wait_too_long'; waitMs?: number }

export type RetryOptions = {
  maxAttempts: number
  /** First backoff step; doubles each attempt (with jitter) up to maxBackoffMs. */
  baseDelayMs: number
  maxBackoffMs: number
  /** A Retry-After longer than this is not waited for (a daily budget, a long lockout). */
  maxWaitMs: number
}

/** How long a `Retry-After` header asks to wait: delta-seconds or an HTTP date. */
export function parseRetryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

export function backoffMs(attempt: number, { baseDelayMs, maxBackoffMs }: RetryOptions, random = Math.random): number {
  const step = Math.min(maxBackoffMs, baseDelayMs * 2 ** (attempt - 1))
  return Math.round(step / 2 + (random() * step) / 2)
}

/**
 * Whether to try a provider request again. `attempt` counts the attempts made so far (1 after
 * the first). `status` is null when the request never got an answer (reset, refused).
 * 429s wait as long as Retry-After says; 5xx and network failures back off exponentially.
 */
export function decideRetry(
  status: number | null,
  retryAfter: string | null,
  attempt: number,
  options: RetryOptions,
): RetryDecision {
  if (status !== null && status < 400) return { retry: false, reason: 'ok' }
  if (status === 401 || status === 403) return { retry: false, reason: 'auth' }
  if (status !== null && status !== 429 && status < 500) return { retry: false, reason: 'client_error' }
  if (attempt >= options.maxAttempts) return { retry: false, reason: 'exhausted' }
  if (status === 429) {
    const hinted = parseRetryAfterMs(retryAfter)
    if (hinted !== null && hinted > options.maxWaitMs) return { retry: false, reason: 'wait_too_long', waitMs: hinted }
    return { retry: true, reason: 'rate_limited', waitMs: hinted ?? backoffMs(attempt, options) }
  }
  return { retry: true, reason: status === null ? 'network' : 'server_error', waitMs: backoffMs(attempt, options) }
}
