import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * An error the API can show: a stable snake_case code, a human sentence, an HTTP status.
 * Messages never carry a secret or a stack.
 */
export class AppError extends Error {
  override name = 'AppError'
  constructor(
    readonly code: string,
    message: string,
    readonly status: ContentfulStatusCode = 400,
    options?: ErrorOptions & { retryAfterSeconds?: number; details?: Record<string, unknown> },
  ) {
    super(message, options)
    this.retryAfterSeconds = options?.retryAfterSeconds
    this.details = options?.details
  }

  /** Extra structured facts for the client (e.g. the accounts to choose from); never a secret. */
  readonly details: Record<string, unknown> | undefined

  /** Sent as Retry-After with a 429 or 503. */
  readonly retryAfterSeconds: number | undefined
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`, 404)
export const invalidRequest = (message: string) => new AppError('invalid_request', message, 400)

/** Why a provider call failed, as the sync engine and the connection status need to know it. */
export type ProviderErrorKind =
  | 'auth' // token rejected or expired beyond refresh: the connection needs an admin
  | 'forbidden' // authenticated, but the plan, API access or scope does not allow it
  | 'not_found'
  | 'rate_limited' // still limited after the bounded retries
  | 'server' // 5xx after the bounded retries
  | 'timeout'
  | 'network'
  | 'bad_response' // not JSON, or JSON that breaks the contract

const PROVIDER_ERROR_STATUS: Record<ProviderErrorKind, ContentfulStatusCode> = {
  auth: 422,
  forbidden: 422,
  not_found: 502,
  rate_limited: 503,
  server: 502,
  timeout: 504,
  network: 502,
  bad_response: 502,
}

export class ProviderError extends AppError {
  override name = 'ProviderError'
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    options?: ErrorOptions & { code?: string },
  ) {
    super(options?.code ?? `provider_${kind}`, message, PROVIDER_ERROR_STATUS[kind], options)
  }
}
