import { z } from 'zod'

/**
 * Every `error.code` the daemon can answer (spec/api.md). The daemon maps each one to its HTTP
 * status in one table (daemon/errors.ts); the extension matches codes through this union, so a
 * renamed code fails the type check on both sides.
 */
export const ERROR_CODES = [
  // The request itself
  'invalid_request',
  'invalid_state',
  'not_found',
  'unknown_provider',
  'payload_too_large',
  'unsupported_media_type',
  'http_error', // any other refusal by the HTTP framework, with the framework's status
  // Who is asking
  'unauthorized',
  'forbidden',
  'forbidden_host',
  'forbidden_origin',
  'sign_in_refused',
  'sign_in_failed',
  'oidc_not_configured',
  'oidc_unavailable',
  // Providers
  'provider_auth',
  'provider_forbidden',
  'provider_not_found',
  'provider_rate_limited',
  'provider_server',
  'provider_timeout',
  'provider_network',
  'provider_bad_response',
  'provider_client_rejected',
  'provider_auth_failed',
  'provider_unavailable',
  'huntress_not_configured',
  'huntress_no_account',
  'account_choice_required',
  // Recheck
  'recheck_rate_limited',
  'recheck_budget_reserved',
  // The daemon
  'storage_failed',
  'shutting_down',
  'internal_error',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * The body of every error answer. On the wire `code` stays an open string (a newer daemon may add
 * codes an older client treats as unknown); in TypeScript it is an ErrorCode.
 */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      /** Extra facts some errors carry, e.g. `choices` with `account_choice_required`. */
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' })
export type ErrorBody = { error: Omit<z.infer<typeof ErrorBody>['error'], 'code'> & { code: ErrorCode } }

/** What the formatter needs of a zod issue. */
export type IssueLike = { readonly path: readonly PropertyKey[]; readonly message: string }

export type IssueFormat = {
  /** Shown for an issue about the value itself (empty path). Default `(root)`. */
  root?: string
  /** How many path segments to keep (e.g. 1: the top-level field only). Default all. */
  depth?: number
  /** `path: message` (the default), or the path alone; paths alone are listed once each. */
  messages?: boolean
  /** At most this many lines. Default all. */
  limit?: number
}

/** Where zod found a problem, as dotted paths (`people.0.email`), one line per issue. */
export function formatIssues(issues: readonly IssueLike[], format: IssueFormat = {}): string[] {
  const { root = '(root)', depth, messages = true, limit } = format
  const lines = issues.map((issue) => {
    const where = issue.path.slice(0, depth).map(String).join('.') || root
    return messages ? `${where}: ${issue.message}` : where
  })
  return (messages ? lines : [...new Set(lines)]).slice(0, limit)
}
