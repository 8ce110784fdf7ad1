import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorCode } from '../shared/errors.ts'

/** The one place a code gets its HTTP status. */
export const ERROR_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  invalid_state: 400,
  not_found: 404,
  unknown_provider: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  http_error: 500, // never an AppError: the framework's refusal keeps its own status (app.ts)
  unauthorized: 401,
  forbidden: 403,
  forbidden_host: 403,
  forbidden_origin: 403,
  sign_in_refused: 403,
  sign_in_failed: 401,
  oidc_not_configured: 404,
  oidc_unavailable: 502,
  provider_auth: 422,
  provider_forbidden: 422,
  provider_not_found: 502,
  provider_rate_limited: 503,
  provider_server: 502,
  provider_timeout: 504,
  provider_network: 502,
  provider_bad_response: 502,
  provider_client_rejected: 422,
  provider_auth_failed: 422,
  provider_unavailable: 502,
  huntress_not_configured: 503,
  huntress_no_account: 422,
  account_choice_required: 409,
  recheck_rate_limited: 429,
  recheck_budget_reserved: 429,
  storage_failed: 503,
  shutting_down: 503,
  internal_error: 500,
}

/**
 * An error the API can show: a stable snake_case code (its status comes from ERROR_STATUS), a
 * human sentence. Messages never carry a secret or a stack.
 */
export class AppError extends Error {
  override name = 'AppError'
  readonly status: ContentfulStatusCode
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { retryAfterSeconds?: number; details?: Record<string, unknown> },
  ) {
    super(message, options)
    this.status = ERROR_STATUS[code]
    this.retryAfterSeconds = options?.retryAfterSeconds
    this.details = options?.details
  }

  /** Extra structured facts for the client (e.g. the accounts to choose from); never a secret. */
  readonly details: Record<string, unknown> | undefined

  /** Sent as Retry-After with a 429 or 503. */
  readonly retryAfterSeconds: number | undefined
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`)
export const invalidRequest = (message: string) => new AppError('invalid_request', message)

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

export class ProviderError extends AppError {
  override name = 'ProviderError'
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    options?: ErrorOptions & { code?: ErrorCode },
  ) {
    super(options?.code ?? `provider_${kind}`, message, options)
  }
}
