import { z } from 'zod'
import { formatIssues } from '../../../shared/errors.ts'
import { ProviderError } from '../../errors.ts'
import type { ProviderHttp } from '../../http/provider-http.ts'
import {
  CAMPAIGN_LIST_FLAGS,
  ENROLLMENT_FLAGS,
  MAX_PAGES,
  PAGE_SIZE,
  PATHS,
  PROVIDER_NAME,
  QUERY,
  UNAUTHORIZED_HELP,
  USER_STATUS_ACTIVE,
} from './config.ts'
import {
  cursorPageSchema,
  Kb4AccountSchema,
  Kb4CampaignSchema,
  Kb4EnrollmentSchema,
  Kb4InvalidTokenSchema,
  Kb4UserSchema,
  type Kb4Account,
  type Kb4Campaign,
  type Kb4Enrollment,
  type Kb4User,
} from './schemas.ts'

/**
 * Typed calls to the KnowBe4 Reporting API over ProviderHttp (which paces, retries and times
 * out). Auth: `Authorization: Bearer <token>`. Rate limit: 4/s, 50/min, 2,000 + seats a day.
 * Paging: `page`/`per_page` (max 500, bare arrays) everywhere, and on enrollments a cursor
 * (`cursor=true`, then `cursor=<next_cursor>`, `{data, pagination}`); the mode is read from the
 * body's shape, so either answer works.
 */

export type KnowBe4Target = { baseUrl: string; apiToken: string }
type Query = Record<string, string | number>
type ListOptions<T> = { path: string; query: Query; row: z.ZodType<T>; key: (row: T) => string; cursor: boolean }

export class KnowBe4Client {
  constructor(
    private readonly http: ProviderHttp,
    private readonly target: KnowBe4Target,
  ) {}

  /** The cheapest authenticated call: checks a token and names the account. */
  async account(): Promise<Kb4Account> {
    return this.parse(Kb4AccountSchema, await this.get(PATHS.account, {}), PATHS.account)
  }

  /** Every campaign, whatever its status (the flag lifts the silent 10-campaign cap). */
  campaigns(): Promise<Kb4Campaign[]> {
    const query = { ...CAMPAIGN_LIST_FLAGS }
    return this.list({ path: PATHS.campaigns, query, row: Kb4CampaignSchema, key: (c) => c.campaign_id, cursor: false })
  }

  activeUsers(): Promise<Kb4User[]> {
    const query = { [QUERY.userStatus]: USER_STATUS_ACTIVE }
    return this.list({ path: PATHS.users, query, row: Kb4UserSchema, key: (user) => user.id, cursor: false })
  }

  /** One campaign's enrollments, archived users left out by the API, each row naming its campaign. */
  enrollments(campaignId: string): Promise<Kb4Enrollment[]> {
    const query = { [QUERY.campaignId]: campaignId, ...ENROLLMENT_FLAGS }
    const key = (row: Kb4Enrollment) => row.enrollment_id
    return this.list({ path: PATHS.enrollments, query, row: Kb4EnrollmentSchema, key, cursor: true })
  }

  /** One user's enrollments in every campaign (the `user_id` filter): a re-check of one person. */
  enrollmentsOfUser(userId: string): Promise<Kb4Enrollment[]> {
    const query = { [QUERY.userId]: userId, ...ENROLLMENT_FLAGS }
    const key = (row: Kb4Enrollment) => row.enrollment_id
    return this.list({ path: PATHS.enrollments, query, row: Kb4EnrollmentSchema, key, cursor: true })
  }

  /**
   * Walks a list to its end. Page mode asks for the next page only after a full one; cursor mode
   * follows `next_cursor` until it is null. A repeated page or cursor is a bad answer, not a loop.
   */
  private async list<T>({ path, query, row, key, cursor }: ListOptions<T>): Promise<T[]> {
    const rows: T[] = []
    const base = { ...query, [QUERY.perPage]: PAGE_SIZE }
    let next: Query = cursor ? { ...base, [QUERY.cursor]: QUERY.cursorStart } : { ...base, [QUERY.page]: 1 }
    let previousPage: string | null = null
    const seenCursors = new Set<string>()
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.get(path, next)
      if (Array.isArray(body)) {
        const batch = this.parse(z.array(row), body, path)
        const signature = batch.map(key).join(',')
        if (batch.length > 0 && signature === previousPage) throw this.bad(path, 'the same page twice')
        rows.push(...batch)
        if (batch.length < PAGE_SIZE) return rows
        previousPage = signature
        next = { ...base, [QUERY.page]: page + 1 }
        continue
      }
      const { data, pagination } = this.parse(cursorPageSchema(row), body, path)
      rows.push(...data)
      const nextCursor = pagination?.next_cursor ?? pagination?.nextCursor ?? null
      if (nextCursor === null || data.length === 0) return rows
      if (seenCursors.has(nextCursor)) throw this.bad(path, 'the same cursor twice')
      seenCursors.add(nextCursor)
      next = { ...base, [QUERY.cursor]: nextCursor }
    }
    throw this.bad(path, `more than ${MAX_PAGES} pages`)
  }

  /** One GET; a rejected token (a 401, or a 200 that only says "Invalid Token") is an auth error. */
  private async get(path: string, query: Query): Promise<unknown> {
    let body: unknown
    try {
      body = await this.http.json(z.unknown(), {
        url: this.target.baseUrl.replace(/\/+$/, '') + path,
        query,
        headers: { Authorization: `Bearer ${this.target.apiToken}` },
      })
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'auth') throw rejectedToken(error)
      throw error
    }
    if (Kb4InvalidTokenSchema.safeParse(body).success) throw rejectedToken()
    return body
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, path: string): z.infer<S> {
    const parsed = schema.safeParse(body)
    if (parsed.success) return parsed.data
    const where = formatIssues(parsed.error.issues, { messages: false, limit: 5 })
    throw this.bad(path, `data trainproof does not understand (at ${where.join(', ')})`)
  }

  private bad(path: string, what: string): ProviderError {
    return new ProviderError('bad_response', `${PROVIDER_NAME} GET ${path} answered with ${what}.`)
  }
}

/** The 401 message, in KnowBe4's terms: token, region or plan. Never the token itself. */
export function rejectedToken(cause?: unknown): ProviderError {
  return new ProviderError('auth', `${PROVIDER_NAME} rejected the API token. ${UNAUTHORIZED_HELP}`, { cause })
}
