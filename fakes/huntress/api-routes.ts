import type { HttpBindings } from '@hono/node-server'
import { Hono, type Context } from 'hono'
import { certificatePdf, type CertificateLinks } from './certificates.ts'
import { jsonApiError, JSON_API } from './faults.ts'
import { paginate, PageError } from './json-api.ts'
import type { AccessToken, OAuthState } from './oauth-state.ts'
import type { FakeAccount, FakeActivity, FakeAssignment, FakeLearner, HuntressTenant } from './tenant.ts'

export type RateLimitSettings = {
  requests: number
  windowMs: number
  retryAfter: boolean
  /** The limiter's clock (default Date.now); tests share a virtual one with the daemon's pacing. */
  now?: () => number
}

export type ApiSettings = {
  /** Per OAuth client, sliding window. `null` turns the limiter off. */
  rateLimit: RateLimitSettings | null
}

/** The scope each endpoint needs (the certificate's scope is our choice; the public record is silent). */
export const ENDPOINT_SCOPES = {
  accounts: 'account:read',
  assignments: 'assignments:read',
  learners: 'learners:read',
  activity: 'assignments:learner-activity',
  certificate: 'assignments:learner-activity',
} as const

type Env = { Bindings: HttpBindings; Variables: { clientId: string | null; token: AccessToken } }
type Deps = {
  tenant: HuntressTenant
  oauth: OAuthState
  links: CertificateLinks
  settings: ApiSettings
  baseUrl: () => string
}

/** The JSON:API under `/api/v1`. */
export function apiRoutes(deps: Deps): Hono<Env> {
  const { tenant } = deps
  const app = new Hono<Env>()
  app.use('*', guard(deps))

  app.get('/accounts', (c) => scoped(c, 'accounts', () => paginate(c, [...tenant.accounts.values()], (a) => toAccount(a, tenant))))
  app.get('/accounts/:id', (c) => scoped(c, 'accounts', () => one(tenant.accounts.get(c.req.param('id')), (a) => toAccount(a, tenant))))
  app.get('/accounts/:id/assignments', (c) =>
    scoped(c, 'assignments', () => {
      if (!tenant.accounts.has(c.req.param('id'))) return notFound('account')
      return paginate(c, tenant.assignmentsOf(c.req.param('id')), toAssignment)
    }),
  )
  app.get('/assignments/:id', (c) => scoped(c, 'assignments', () => one(tenant.assignments.get(c.req.param('id')), toAssignment)))
  app.get('/assignments/:id/learners', (c) =>
    scoped(c, 'learners', () => {
      const ids = tenant.enrollments.get(c.req.param('id'))
      if (!ids) return notFound('assignment')
      return paginate(c, ids, (id) => toLearner(tenant.learners.get(id) as FakeLearner))
    }),
  )
  app.get('/assignments/:id/learner-activity', (c) =>
    scoped(c, 'activity', () => {
      const rows = tenant.activities.get(c.req.param('id'))
      return rows ? paginate(c, rows, toActivity) : notFound('assignment')
    }),
  )
  app.get('/assignments/:id/completion-certificate', (c) => scoped(c, 'certificate', () => certificate(c, deps)))
  return app
}

function guard(deps: Deps) {
  const windows = new Map<string, number[]>()
  return async (c: Context<Env>, next: () => Promise<void>) => {
    if (!c.req.header('user-agent')?.trim()) return jsonApiError(400, 'Bad Request', 'A User-Agent header is required.')
    if (!(c.req.header('accept') ?? '').includes(JSON_API)) return jsonApiError(406, 'Not Acceptable', `Send Accept: ${JSON_API}.`)
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    const token = bearer ? deps.oauth.verifyAccess(bearer) : null
    if (!token) {
      const response = jsonApiError(401, 'Unauthenticated.', 'The access token is missing, invalid or expired.')
      response.headers.set('www-authenticate', 'Bearer error="invalid_token"')
      return response
    }
    c.set('clientId', token.clientId)
    c.set('token', token)
    const limited = rateLimited(windows, token.clientId, deps.settings.rateLimit)
    if (limited) return limited
    await next()
  }
}

function rateLimited(windows: Map<string, number[]>, clientId: string, limit: RateLimitSettings | null): Response | null {
  if (!limit) return null
  const now = (limit.now ?? Date.now)()
  const times = (windows.get(clientId) ?? []).filter((time) => time > now - limit.windowMs)
  windows.set(clientId, times)
  if (times.length < limit.requests) {
    times.push(now)
    return null
  }
  const response = jsonApiError(429, 'Too Many Requests', `At most ${limit.requests} requests per window.`)
  const waitSeconds = Math.max(1, Math.ceil(((times[0] as number) + limit.windowMs - now) / 1000))
  if (limit.retryAfter) response.headers.set('retry-after', String(waitSeconds))
  return response
}

function scoped(c: Context<Env>, endpoint: keyof typeof ENDPOINT_SCOPES, handle: () => Response): Response {
  const scope = ENDPOINT_SCOPES[endpoint]
  if (!c.get('token').scope.includes(scope)) return jsonApiError(403, 'Forbidden', `Missing scope ${scope}`)
  try {
    return handle()
  } catch (error) {
    if (error instanceof PageError) return jsonApiError(400, 'Bad Request', error.message)
    throw error
  }
}

function certificate(c: Context<Env>, { tenant, links, baseUrl }: Deps): Response {
  const learnerId = c.req.query('learnerId')
  if (!learnerId) return jsonApiError(400, 'Bad Request', 'learnerId is required')
  const assignment = tenant.assignments.get(c.req.param('id') ?? '')
  if (!assignment) return notFound('assignment')
  const learner = tenant.learners.get(learnerId)
  const activity = tenant.activityOf(assignment.id, learnerId)
  if (!learner || !activity?.completedAt) return notFound('completion certificate')
  const pdf = certificatePdf([
    'Certificate of completion',
    `${learner.firstName} ${learner.lastName} <${learner.email}>`,
    assignment.name,
    `Completed ${activity.completedAt}`,
  ])
  const { completedAt } = activity
  const attributes = { learnerId, assignmentId: assignment.id, completedAt, pdf: baseUrl() + links.create(pdf) }
  return document({ data: { type: 'completion-certificates', attributes } })
}

function one<T>(item: T | undefined, toResource: (item: T) => object): Response {
  return item ? document({ data: toResource(item) }) : notFound('resource')
}

const notFound = (what: string) => jsonApiError(404, 'Not Found', `No such ${what}.`)

export function document(body: object, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_API } })
}

function toAccount(account: FakeAccount, tenant: HuntressTenant) {
  const { id, ...attributes } = account
  return { type: 'accounts', id, attributes: { ...attributes, activeLearners: tenant.activeLearnerCount(id) } }
}

function toAssignment({ id, accountId, ...attributes }: FakeAssignment) {
  return { type: 'assignments', id, attributes, relationships: { account: { data: { type: 'accounts', id: accountId } } } }
}

function toLearner({ id, accountId: _accountId, ...attributes }: FakeLearner) {
  return { type: 'learners', id, attributes }
}

function toActivity(row: FakeActivity) {
  const { progress, startedAt, completedAt } = row
  const progressOnly = { progress, startedAt, completedAt }
  const attributes = row.learnerIdIn === 'attributes' ? { learnerId: row.learnerId, ...progressOnly } : progressOnly
  return {
    type: 'learner-activities',
    id: row.id,
    attributes,
    relationships: {
      learner: { data: { type: 'learners', id: row.learnerId } },
      assignment: { data: { type: 'assignments', id: row.assignmentId } },
    },
  }
}
