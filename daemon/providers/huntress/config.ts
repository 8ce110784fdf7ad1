import type { RateLimit } from '../../http/pacer.ts'

/** Every Huntress Managed SAT literal trainproof relies on (spec/providers/huntress.md). */
export const HUNTRESS = {
  id: 'huntress',
  displayName: 'Huntress',
  /** Replaced as a whole by TRAINPROOF_HUNTRESS_BASE_URL (OAuth and API live together). */
  defaultBaseUrl: 'https://mycurricula.com',
  paths: {
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    accounts: '/api/v1/accounts',
    assignments: (accountId: string) => `/api/v1/accounts/${encodeURIComponent(accountId)}/assignments`,
    learners: (assignmentId: string) => `/api/v1/assignments/${encodeURIComponent(assignmentId)}/learners`,
    activity: (assignmentId: string) => `/api/v1/assignments/${encodeURIComponent(assignmentId)}/learner-activity`,
    certificate: (assignmentId: string) => `/api/v1/assignments/${encodeURIComponent(assignmentId)}/completion-certificate`,
  },
  /** Where learners sign in to take their training. */
  portalPath: '/',
  params: {
    pageNumber: 'page[number]',
    pageSize: 'page[size]',
    certificateLearner: 'learnerId',
  },
  mediaType: 'application/vnd.api+json',
  scopes: ['account:read', 'assignments:read', 'assignments:learner-activity', 'learners:read'],
  pageSize: 100,
  /** A defensive cap: 100,000 learners at 100 a page is 1,000 pages. */
  maxPages: 5_000,
  /** Refresh this long before the access token's stated expiry (S8 used 120 s, S9 60 s). */
  refreshMarginMs: 120_000,
  /** When the token answer has no expires_in; the observed lifetime is one hour. */
  defaultTokenLifetimeSeconds: 3600,
  /** How long an exchanged grant waits for the admin to pick an account (the daemon's state lives as long). */
  accountChoiceTtlMs: 10 * 60_000,
  accountTypesSkipped: ['sandbox', 'demo'],
  learnerActive: 'active',
} as const

/** Assignment statuses as Huntress spells them, with the words people see. */
export const ASSIGNMENT_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  staged: 'Staged',
  launching: 'Launching',
  'in-progress': 'In-Progress',
  completed: 'Completed',
  canceled: 'Canceled',
}

/** The statuses an admin may select (what the seed integration imports). */
export const IMPORTABLE_STATUSES: ReadonlySet<string> = new Set(['draft', 'in-progress', 'completed'])

/** The scope each call needs, to say which one is missing when Huntress answers 403. */
export const SCOPE_BY_CALL = {
  accounts: 'account:read',
  assignments: 'assignments:read',
  learners: 'learners:read',
  activity: 'assignments:learner-activity',
  certificate: 'assignments:learner-activity',
} as const
export type HuntressCall = keyof typeof SCOPE_BY_CALL

/**
 * Huntress does not document a limit for the SAT API; 60 a minute per client is the EDR API's
 * documented limit and what the fake enforces.
 */
export const HUNTRESS_RATE_LIMITS: readonly RateLimit[] = [{ requests: 60, perMs: 60_000 }]
