import type { KnowBe4Region } from './schemas.ts'
import type { RateLimit } from '../../http/pacer.ts'

/**
 * Every KnowBe4 Reporting API literal trainproof relies on (spec/providers/knowbe4.md).
 * Docs: https://developer.knowbe4.com/rest/reporting. Last checked against the spec 2026.
 */

export const PROVIDER_NAME = 'KnowBe4'

export const API_BASE: Record<KnowBe4Region, string> = {
  us: 'https://us.api.knowbe4.com',
  eu: 'https://eu.api.knowbe4.com',
  ca: 'https://ca.api.knowbe4.com',
  uk: 'https://uk.api.knowbe4.com',
  de: 'https://de.api.knowbe4.com',
}

/** The learner console of each region, where employees take their training. */
export const CONSOLE_URL: Record<KnowBe4Region, string> = {
  us: 'https://training.knowbe4.com',
  eu: 'https://eu.knowbe4.com',
  ca: 'https://ca.knowbe4.com',
  uk: 'https://uk.knowbe4.com',
  de: 'https://de.knowbe4.com',
}

export const PATHS = {
  account: '/v1/account',
  users: '/v1/users',
  campaigns: '/v1/training/campaigns',
  enrollments: '/v1/training/enrollments',
} as const

/** The API's maximum page size; we always ask for it. */
export const PAGE_SIZE = 500

export const QUERY = {
  page: 'page',
  perPage: 'per_page',
  cursor: 'cursor',
  cursorStart: 'true',
  userStatus: 'status',
  campaignId: 'campaign_id',
  userId: 'user_id',
} as const

export const USER_STATUS_ACTIVE = 'active'

/** Without this the campaign list silently stops at 10 campaigns. */
export const CAMPAIGN_LIST_FLAGS = { exclude_percentages: 'true' } as const

/** `include_store_purchase_id` gives each ModStore row its content id: modules are told apart by it, not by name. */
export const ENROLLMENT_FLAGS = { exclude_archived_users: 'true', include_campaign_id: 'true', include_store_purchase_id: 'true' } as const

/** Enrollment statuses that mean done, compared lower-cased. */
export const DONE_STATUSES: ReadonlySet<string> = new Set(['passed', 'completed'])

/** 4 requests a second and 50 a minute per token; the daily budget (2,000 + seats) is not paced. */
export const knowbe4Limits: readonly RateLimit[] = [
  { requests: 4, perMs: 1_000 },
  { requests: 50, perMs: 60_000 },
]

/** The daily budget: this many requests per 24 h plus one per licensed seat. */
export const DAILY_REQUEST_BASE = 2_000

/** A page loop stops here whatever the server says: 2,000,000 rows at 500 a page. */
export const MAX_PAGES = 4_000

/** Said with every 401: a bad token and a wrong region look the same to the API. */
export const UNAUTHORIZED_HELP =
  'Check that the token was copied whole and is enabled, and that the region matches ' +
  'the console you sign in to (training.knowbe4.com is US; eu/ca/uk/de.knowbe4.com are the others). ' +
  'The Reporting API must also be switched on in the account settings, and only Platinum and Diamond ' +
  'subscriptions include it.'
