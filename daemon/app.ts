import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { API_BASE } from '../shared/api.ts'
import { formatIssues, type ErrorBody, type ErrorCode } from '../shared/errors.ts'
import { hostGuard, originGuard } from './auth/guards.ts'
import { readPrincipal, type AuthEnv } from './auth/roles.ts'
import { hashToken } from './auth/tokens.ts'
import { publicHosts } from './config.ts'
import { AppError } from './errors.ts'
import type { Logger } from './log.ts'
import { BEARER_SCHEME } from './routes/define.ts'
import { connectionRoutes } from './routes/connections.ts'
import { evidenceRoutes } from './routes/evidence.ts'
import type { Deps } from './services/deps.ts'
import { createServices } from './services/index.ts'
import { oauthRoutes } from './routes/oauth.ts'
import { authRoutes } from './routes/auth.ts'
import { grantRoutes } from './routes/grants.ts'
import { personnelRoutes } from './routes/personnel.ts'
import { providerRoutes } from './routes/providers.ts'
import { systemRoutes } from './routes/system.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { trainingRoutes } from './routes/trainings.ts'

/** Request bodies are small JSON documents; anything larger is refused before it is read. */
export const MAX_BODY_BYTES = 64 * 1024

/** The daemon's HTTP API: guards, auth, the routes of api.md, the OpenAPI document and one error shape. */
export function createApp(deps: Deps) {
  const { config, store, log } = deps
  const adminTokenHash = config.adminToken ? hashToken(config.adminToken) : null
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook })

  app.use('*', hostGuard(deps.port, [...config.allowedHosts, ...publicHosts(config.publicUrl)]))
  app.use('*', originGuard(config.allowedOrigins))
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB.`)
    },
  })
  // GET and HEAD carry no body the API reads; the limit's stream check cost ~18 % of `GET /me/trainings`.
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)))
  app.use('*', readPrincipal(store, adminTokenHash, deps))

  const services = createServices(deps)
  const api = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook })
    .route('/', systemRoutes(services))
    .route('/', tokenRoutes(services))
    .route('/', grantRoutes(services))
    .route('/', authRoutes(services))
    .route('/', connectionRoutes(services))
    .route('/', oauthRoutes(services))
    .route('/', providerRoutes(services))
    .route('/', trainingRoutes(services))
    .route('/', personnelRoutes(services))
    .route('/', evidenceRoutes(services))
  app.route(API_BASE, api)
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'A trainproof token: issued by an admin (`POST /tokens`), by sign-in, or `TRAINPROOF_ADMIN_TOKEN`.',
  })
  app.doc31(`${API_BASE}/openapi.json`, {
    openapi: '3.1.0',
    info: { title: 'trainproof daemon API', version: deps.version, description: 'See the README for the compliance rules.' },
    servers: [{ url: API_BASE }],
  })

  app.notFound(() => {
    throw new AppError('not_found', 'No such endpoint.')
  })
  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error, log)
    if (error instanceof AppError && error.retryAfterSeconds !== undefined) c.header('retry-after', String(error.retryAfterSeconds))
    return c.json(body, status)
  })
  return app
}

function validationHook(
  result: { success: boolean; error?: unknown; target?: string },
  c: { json: (body: ErrorBody, status: 400) => Response },
) {
  if (result.success) return
  const issues = (result.error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? []
  const where = formatIssues(issues, { root: result.target || 'body' })
  return c.json({ error: { code: 'invalid_request', message: `Invalid request: ${where.join('; ')}.` } }, 400)
}

/** The code of a refusal by the HTTP framework itself (not an AppError), by its status. */
const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
}

export function toErrorResponse(error: unknown, log: Logger): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof AppError) {
    const details = error.details ? { details: error.details } : {}
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...details } } }
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode
    const message = status === 400 ? `Invalid request: ${error.message}.` : error.message || 'The request was refused.'
    return { status, body: { error: { code: HTTP_CODES[status] ?? 'http_error', message } } }
  }
  log.error('unhandled error', { error })
  return { status: 500, body: { error: { code: 'internal_error', message: 'trainproof hit an unexpected error; see the daemon log.' } } }
}
