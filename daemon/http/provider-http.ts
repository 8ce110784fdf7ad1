import type { z } from 'zod'
import { formatIssues } from '../../shared/errors.ts'
import { ProviderError } from '../errors.ts'
import { realClock, type Clock } from '../clock.ts'
import type { Pacer } from './pacer.ts'
import { decideRateLimit, decideRetry, type RateLimitDecision, type RetryOptions } from './retry-policy.ts'

export type ProviderRequest = {
  method?: 'GET' | 'POST'
  /** Absolute URL, or a path joined to the base URL. */
  url: string
  query?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** A form body (OAuth token endpoint); JSON bodies are not needed by any provider yet. */
  form?: Record<string, string>
  /** Skip the `authorize` headers (token endpoint, pre-signed download links). */
  anonymous?: boolean
}

export type ProviderHttpOptions = {
  /** For messages: "KnowBe4". */
  provider: string
  baseUrl: string
  /** Headers that authenticate a request; called before every attempt so refreshed tokens apply. */
  authorize?: () => Promise<Record<string, string>> | Record<string, string>
  /** Explains a 401 in the provider's terms ("token rejected — check the token and the region"). */
  describeUnauthorized?: string
  pacer?: Pacer
  timeoutMs?: number
  retry?: Partial<RetryOptions>
  signal?: AbortSignal
  fetch?: typeof fetch
  /** Waits and Retry-After dates (the pacer keeps its own; tests give both the same virtual clock). */
  clock?: Clock
}

/** 429s: wait out a whole minute each time, up to 6 minutes in all (KnowBe4's lockout lasts ~5). */
export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxBackoffMs: 30_000,
  rateLimitWaitMs: 60_000,
  maxWaitMs: 6 * 60_000,
}

/**
 * Every request trainproof makes to a provider goes through here: it is counted, paced under the
 * provider's limits, timed out, retried on 429/5xx/network failures with bounded backoff (honouring
 * Retry-After), and its JSON is validated before anyone reads it. Failures become ProviderErrors.
 */
export class ProviderHttp {
  /** HTTP requests actually sent (every attempt counts). */
  requests = 0
  /** 429 answers received. */
  rateLimited = 0
  private readonly retry: RetryOptions

  constructor(private readonly options: ProviderHttpOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry }
  }

  get provider(): string {
    return this.options.provider
  }

  /** GET/POST and parse the answer with `schema`. */
  async json<S extends z.ZodType>(schema: S, request: ProviderRequest): Promise<z.infer<S>> {
    const response = await this.send(request, 'application/json')
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new ProviderError('bad_response', `${this.label(request)} answered with a body that is not JSON.`)
    }
    const parsed = schema.safeParse(body)
    if (!parsed.success) {
      const paths = formatIssues(parsed.error.issues, { messages: false, limit: 5 })
      throw new ProviderError(
        'bad_response',
        `${this.label(request)} answered with data trainproof does not understand (at ${paths.join(', ')}).`,
      )
    }
    return parsed.data
  }

  /** Downloads bytes (a certificate PDF). */
  async bytes(request: ProviderRequest): Promise<Uint8Array> {
    const response = await this.send(request, '*/*')
    return new Uint8Array(await response.arrayBuffer())
  }

  /**
   * Sends a request with pacing, timeouts and retries, and returns the successful response.
   * Callers that need to read error bodies themselves (OAuth token errors) use `raw`.
   */
  async send(request: ProviderRequest, accept: string): Promise<Response> {
    let failures = 0
    const limited = { count: 0, waitedMs: 0 }
    for (;;) {
      const response = await this.attempt(request, accept, failures + 1)
      if (response === null) {
        failures++ // network failure that may be retried
        continue
      }
      if (response.ok) return response
      await response.body?.cancel()
      if (response.status === 429) {
        this.rateLimited++
        limited.count++
        const decision = decideRateLimit(response.headers.get('retry-after'), limited.count, limited.waitedMs, this.retry, this.clock.now())
        if (!decision.retry) throw this.rateLimitFailure(decision, limited.waitedMs)
        // Everyone sharing this pacer waits; the requests already made stay counted in its windows.
        this.options.pacer?.backOff(decision.waitMs)
        limited.waitedMs += decision.waitMs
        await this.sleep(decision.waitMs)
        continue
      }
      failures++
      const decision = decideRetry(response.status, failures, this.retry)
      if (decision.retry) {
        await this.sleep(decision.waitMs)
        continue
      }
      throw this.failure(request, response.status)
    }
  }

  /** Sends once, counted and paced, and returns whatever came back (OAuth token endpoint). */
  async raw(request: ProviderRequest, accept = 'application/json'): Promise<Response> {
    const response = await this.attempt(request, accept, this.retry.maxAttempts)
    if (response === null) throw new ProviderError('network', `${this.label(request)} could not be reached.`)
    return response
  }

  /** One attempt. Null means a network failure worth retrying; other failures throw. */
  private async attempt(request: ProviderRequest, accept: string, attempt: number): Promise<Response | null> {
    const { pacer, signal } = this.options
    const url = this.url(request)
    const headers: Record<string, string> = {
      accept,
      'user-agent': 'trainproof/0.1 (+compliance evidence)',
      ...(request.anonymous ? {} : await this.options.authorize?.()),
      ...request.headers,
    }
    let body: string | undefined
    if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(request.form).toString()
    }
    await pacer?.acquire(signal)
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000)
    this.requests++
    try {
      return await (this.options.fetch ?? fetch)(url, {
        method: request.method ?? (body ? 'POST' : 'GET'),
        headers,
        body,
        redirect: 'follow',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      const timedOut = timeout.aborted
      const decision = decideRetry(null, attempt, this.retry)
      if (decision.retry) {
        await this.sleep(decision.waitMs)
        return null
      }
      throw new ProviderError(
        timedOut ? 'timeout' : 'network',
        timedOut
          ? `${this.label(request)} did not answer in time, ${attempt} times.`
          : `${this.label(request)} could not be reached (${attempt} attempts).`,
        { cause: error },
      )
    } finally {
      pacer?.release()
    }
  }

  private rateLimitFailure(decision: Extract<RateLimitDecision, { retry: false }>, waitedMs: number): ProviderError {
    const waited = waitedMs > 0 ? ` after waiting ${duration(waitedMs)}` : ''
    if (decision.reason === 'asked_too_long' && decision.askedMs !== null) {
      return new ProviderError(
        'rate_limited',
        `${this.provider} asked trainproof to wait ${duration(decision.askedMs)} before its next request (429)${waited}: its request budget is used up, perhaps by another tool using the same credentials. The next sync will try again.`,
      )
    }
    return new ProviderError(
      'rate_limited',
      `${this.provider} kept refusing requests as too many (429)${waited}, although trainproof stays under its limits: another tool using the same credentials is probably using them up. The next sync will try again.`,
    )
  }

  private failure(request: ProviderRequest, status: number): ProviderError {
    const label = this.label(request)
    if (status === 401)
      return new ProviderError('auth', `${this.provider} rejected the credentials. ${this.options.describeUnauthorized ?? ''}`.trim())
    if (status === 403) return new ProviderError('forbidden', `${label} is not allowed for these credentials (403).`)
    if (status === 404) return new ProviderError('not_found', `${label} was not found (404).`)
    if (status >= 500) return new ProviderError('server', `${label} failed with ${status} after ${this.retry.maxAttempts} attempts.`)
    return new ProviderError('bad_response', `${label} was refused with ${status}.`)
  }

  private url(request: ProviderRequest): string {
    const url = /^https?:\/\//.test(request.url) ? new URL(request.url) : new URL(this.options.baseUrl.replace(/\/$/, '') + request.url)
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value))
    return url.toString()
  }

  /** "KnowBe4 GET /v1/training/campaigns": never the query string or host, which may carry ids. */
  private label(request: ProviderRequest): string {
    const path = /^https?:\/\//.test(request.url) ? new URL(request.url).pathname : request.url.split('?')[0]
    return `${this.provider} ${request.method ?? (request.form ? 'POST' : 'GET')} ${path}`
  }

  /** The daemon's time, as this client's waits see it. */
  now(): Date {
    return new Date(this.clock.now())
  }

  private get clock(): Clock {
    return this.options.clock ?? realClock
  }

  private sleep(ms: number): Promise<void> {
    return this.clock.sleep(ms, this.options.signal)
  }
}

/** "45 seconds", "6 minutes", "3 hours": how long, for a sentence. */
function duration(ms: number): string {
  const [amount, unit] =
    ms < 90_000
      ? [Math.ceil(ms / 1_000), 'second']
      : ms < 2 * 3_600_000
        ? [Math.round(ms / 60_000), 'minute']
        : [Math.round(ms / 3_600_000), 'hour']
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`
}
