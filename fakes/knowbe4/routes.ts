import type { FakeEnrollment, KnowBe4Tenant } from './model.ts'
import { renderAccount, renderCampaign, renderEnrollment, renderUser } from './render.ts'

export type FakeAnswer = { status: number; body: unknown }

/**
 * How enrollments page: `both` answers cursor mode when `cursor` is sent and page mode otherwise
 * (today's API); `page` ignores `cursor` (before cursors existed); `cursor` always answers the
 * cursor envelope and ignores `page` (after the page parameter is retired).
 */
export type EnrollmentPaging = 'both' | 'page' | 'cursor'

export const DEFAULT_PER_PAGE = 100
/** Larger `per_page` values are clamped to this (the real behaviour above 500 is undocumented). */
export const MAX_PER_PAGE = 500
/** Without `exclude_percentages=true` the campaign list stops after this many, on every page. */
export const CAMPAIGN_CAP = 10

class BadRequest extends Error {}

const notFound: FakeAnswer = { status: 404, body: { message: 'Not Found' } }

export function route(tenant: KnowBe4Tenant, path: string, query: URLSearchParams, paging: EnrollmentPaging): FakeAnswer {
  try {
    return dispatch(tenant, path, query, paging)
  } catch (error) {
    if (error instanceof BadRequest) return { status: 400, body: { message: error.message } }
    throw error
  }
}

function dispatch(tenant: KnowBe4Tenant, path: string, query: URLSearchParams, paging: EnrollmentPaging): FakeAnswer {
  if (path === '/v1/account') {
    const seats = tenant.account.numberOfSeats === null ? null : tenant.seats()
    return ok(renderAccount({ ...tenant.account, numberOfSeats: seats }))
  }
  if (path === '/v1/users') return ok(users(tenant, query).map(renderUser))
  if (path === '/v1/training/campaigns') return ok(campaigns(tenant, query))
  if (path === '/v1/training/enrollments') return ok(enrollments(tenant, query, paging))
  const single = /^\/v1\/(users|training\/campaigns|training\/enrollments)\/(\d+)$/.exec(path)
  if (!single) return notFound
  const id = Number(single[2])
  if (single[1] === 'users') {
    const user = tenant.users.get(id)
    return user ? ok(renderUser(user)) : notFound
  }
  if (single[1] === 'training/campaigns') {
    const campaign = tenant.campaigns.get(id)
    return campaign ? ok(renderCampaign(campaign, true)) : notFound
  }
  const row = tenant.enrollments.get(id)
  return row ? ok(renderEnrollment(tenant, row, flags(query))) : notFound
}

function ok(body: unknown): FakeAnswer {
  return { status: 200, body }
}

function users(tenant: KnowBe4Tenant, query: URLSearchParams) {
  const status = query.get('status')
  if (status !== null && status !== 'active' && status !== 'archived') throw new BadRequest('Invalid status')
  const { skip, take } = pageWindow(query)
  return scan([...tenant.users.values()], 0, (user) => status === null || user.status === status, skip, take).rows
}

function campaigns(tenant: KnowBe4Tenant, query: URLSearchParams): unknown[] {
  const all = [...tenant.campaigns.values()]
  if (query.get('exclude_percentages') === 'true') return pageOf(all, query).map((c) => renderCampaign(c, false))
  return pageOf(all.slice(0, CAMPAIGN_CAP), query, CAMPAIGN_CAP).map((c) => renderCampaign(c, true))
}

/** Pages are found by scanning from the cursor's row, so a 100,000-row campaign pages fast. */
function enrollments(tenant: KnowBe4Tenant, query: URLSearchParams, paging: EnrollmentPaging): unknown {
  const campaignId = intParam(query, 'campaign_id')
  const source = campaignId === undefined ? [...tenant.enrollments.values()] : tenant.enrollmentsOf(campaignId)
  const keep = enrollmentFilter(tenant, query)
  const render = (row: FakeEnrollment) => renderEnrollment(tenant, row, flags(query))
  const cursor = query.get('cursor')
  if (paging === 'page' || (paging === 'both' && cursor === null)) {
    const { skip, take } = pageWindow(query)
    return scan(source, 0, keep, skip, take).rows.map(render)
  }
  const perPage = perPageOf(query)
  const { rows, more } = scan(source, cursorStart(tenant, source, cursor), keep, 0, perPage, true)
  const nextCursor = more ? String((rows.at(-1) as FakeEnrollment).id) : null
  return { data: rows.map(render), pagination: { per_page: perPage, next_cursor: nextCursor } }
}

function enrollmentFilter(tenant: KnowBe4Tenant, query: URLSearchParams): (row: FakeEnrollment) => boolean {
  const userId = intParam(query, 'user_id')
  const storePurchaseId = intParam(query, 'store_purchase_id')
  const excludeArchived = query.get('exclude_archived_users') === 'true'
  // user: null rows stay: the API cannot tell whose they are, so it cannot know they are archived.
  return (row) =>
    (userId === undefined || row.userId === userId) &&
    (storePurchaseId === undefined || (row.contentType === 'Store Purchase' && row.contentId === storePurchaseId)) &&
    !(excludeArchived && row.userId !== null && tenant.users.get(row.userId)?.status === 'archived')
}

/**
 * From `start`, skips `skip` kept rows and collects up to `take`; with `lookAhead`, also says
 * whether another kept row follows.
 */
function scan<T>(rows: readonly T[], start: number, keep: (row: T) => boolean, skip: number, take: number, lookAhead = false) {
  const found: T[] = []
  let skipped = 0
  for (let index = start; index < rows.length; index++) {
    const row = rows[index] as T
    if (!keep(row)) continue
    if (skipped < skip) {
      skipped++
      continue
    }
    if (found.length === take) return { rows: found, more: true }
    found.push(row)
    if (found.length === take && !lookAhead) break
  }
  return { rows: found, more: false }
}

/** The cursor is the id of the last row served; `true` and `0` start at the beginning. */
function cursorStart(tenant: KnowBe4Tenant, rows: readonly FakeEnrollment[], cursor: string | null): number {
  if (cursor === null || cursor === 'true' || cursor === '0') return 0
  if (!/^\d+$/.test(cursor)) throw new BadRequest('Invalid cursor')
  const id = Number(cursor)
  const known = tenant.positionOf(id)
  const index = known !== undefined && rows[known]?.id === id ? known : rows.findIndex((row) => row.id === id)
  if (index < 0) throw new BadRequest('Invalid cursor')
  return index + 1
}

function flags(query: URLSearchParams) {
  return {
    campaignId: query.get('include_campaign_id') === 'true',
    storePurchaseId: query.get('include_store_purchase_id') === 'true',
    employeeNumber: query.get('include_employee_number') === 'true',
  }
}

function pageOf<T>(rows: readonly T[], query: URLSearchParams, cap = MAX_PER_PAGE): T[] {
  const { skip, take } = pageWindow(query, cap)
  return rows.slice(skip, skip + take)
}

function pageWindow(query: URLSearchParams, cap = MAX_PER_PAGE): { skip: number; take: number } {
  const page = intParam(query, 'page') ?? 1
  const take = Math.min(perPageOf(query), cap)
  return { skip: (page - 1) * take, take }
}

function perPageOf(query: URLSearchParams): number {
  return Math.min(intParam(query, 'per_page') ?? DEFAULT_PER_PAGE, MAX_PER_PAGE)
}

/** A positive integer parameter; anything else that is present is a 400. */
function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)
  if (value === null) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new BadRequest(`Invalid ${name}`)
  return Number(value)
}
