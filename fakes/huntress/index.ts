import { serve, type HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { apiRoutes, type ApiSettings, type RateLimitSettings } from './api-routes.ts'
import { CertificateLinks } from './certificates.ts'
import { FaultInjector, type Fault, type FaultOptions, type RequestLogEntry } from './faults.ts'
import { OAuthState, type OAuthClient } from './oauth-state.ts'
import { oauthRoutes } from './oauth-routes.ts'
import { HuntressTenant } from './tenant.ts'
import { learnerPortalPage } from '../kit/learner-portal.ts'

export type { Fault, FaultOptions, RequestLogEntry } from './faults.ts'
export type { OAuthClient } from './oauth-state.ts'
export { ENDPOINT_SCOPES, type RateLimitSettings } from './api-routes.ts'
export * from './tenant.ts'

export const ALL_SCOPES = ['account:read', 'assignments:read', 'assignments:learner-activity', 'learners:read']

export type HuntressFakeOptions = {
  /** The OAuth client registered at start (defaults: id `trainproof-test`, a random secret, all scopes). */
  client?: Partial<OAuthClient>
  accessTokenTtlSeconds?: number
  refreshTokenTtlSeconds?: number
  /** Default 60 requests per 60 s per client with Retry-After; `null` turns it off. */
  rateLimit?: RateLimitSettings | null
  certificateLinkTtlMs?: number
  /** Clock of codes, tokens and links (not of the rate limiter); default Date.now. */
  now?: () => number
  port?: number
}

export type HuntressFake = {
  /** `http://127.0.0.1:<port>`: the base URL for both OAuth and API, like `https://mycurricula.com`. */
  url: string
  tenant: HuntressTenant
  /** Clients, codes and tokens; `accessTokenTtlSeconds` and friends are writable. */
  oauth: OAuthState
  /** The client registered at start. */
  client: OAuthClient
  settings: ApiSettings
  certificateLinks: CertificateLinks
  /** Every request received, in order. */
  requests: RequestLogEntry[]
  /** Requests received whose path contains `pathPart` (all when omitted). */
  requestCount(pathPart?: string): number
  clearRequests(): void
  registerClient(input: Partial<OAuthClient> & { redirectUris: string[] }): OAuthClient
  addRedirectUri(clientId: string, redirectUri: string): void
  inject(fault: Fault, options?: FaultOptions): void
  clearFaults(): void
  /** Revokes one refresh token, or all of them. */
  revokeRefreshTokens(token?: string): void
  expireAccessTokens(): void
  /** Takes a scope away from the clients and every issued token: endpoints needing it answer 403. */
  dropScope(scope: string): void
  expireCertificateLinks(): void
  close(): Promise<void>
}

/**
 * Starts a strict stand-in for Huntress Managed SAT (OAuth + JSON:API) on 127.0.0.1.
 * - `GET /oauth/authorize?...&approve=1` (or `approve=0`) decides without the page; only the fake
 *   has that parameter. The page itself posts back with `#approve` / `#deny`.
 * - API requests without a non-empty User-Agent get 400, without `Accept: application/vnd.api+json`
 *   406, then 401 (bad or expired token), 429 (rate limit), 403 (missing scope), 404.
 * - Tokens see every account in the tenant; learners are served active and inactive alike.
 */
export async function startHuntressFake(options: HuntressFakeOptions = {}): Promise<HuntressFake> {
  const now = options.now ?? Date.now
  const tenant = new HuntressTenant()
  const oauth = new OAuthState(now)
  oauth.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? oauth.accessTokenTtlSeconds
  oauth.refreshTokenTtlSeconds = options.refreshTokenTtlSeconds ?? oauth.refreshTokenTtlSeconds
  const client = oauth.registerClient({
    clientId: 'trainproof-test',
    scopes: ALL_SCOPES,
    ...options.client,
    redirectUris: options.client?.redirectUris ?? ['http://127.0.0.1/callback'],
  })
  const links = new CertificateLinks(now)
  links.ttlMs = options.certificateLinkTtlMs ?? links.ttlMs
  const settings: ApiSettings = {
    rateLimit: options.rateLimit === undefined ? { requests: 60, windowMs: 60_000, retryAfter: true } : options.rateLimit,
  }
  const faults = new FaultInjector({ expireAccessTokens: () => oauth.expireAccessTokens() })
  let url = ''

  const app = new Hono<{ Bindings: HttpBindings; Variables: { clientId: string | null } }>()
  app.use('*', faults.middleware)
  app.route('/oauth', oauthRoutes(oauth))
  app.route('/api/v1', apiRoutes({ tenant, oauth, links, settings, baseUrl: () => url }))
  // The sandbox learner portal, where the adapter's portal URL (the base URL) points.
  app.get('/', (c) => c.html(learnerPortalPage('Huntress')))
  app.get('/files/certificates/:file', (c) => {
    const bytes = links.get(c.req.param('file').replace(/\.pdf$/, ''))
    if (!bytes) return c.text('This link has expired.', links.expiredStatus)
    return c.body(bytes.slice().buffer, 200, { 'content-type': 'application/pdf' })
  })

  const server = await listen(app.fetch, options.port ?? 0)
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    tenant,
    oauth,
    client,
    settings,
    certificateLinks: links,
    requests: faults.log,
    requestCount: (pathPart) => faults.log.filter((entry) => !pathPart || entry.path.includes(pathPart)).length,
    clearRequests: () => void faults.log.splice(0),
    registerClient: (input) => oauth.registerClient({ scopes: ALL_SCOPES, ...input }),
    addRedirectUri: (clientId, redirectUri) => oauth.addRedirectUri(clientId, redirectUri),
    inject: (fault, faultOptions) => faults.inject(fault, faultOptions),
    clearFaults: () => faults.clear(),
    revokeRefreshTokens: (token) => oauth.revokeRefreshTokens(token),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    dropScope: (scope) => oauth.dropScope(scope),
    expireCertificateLinks: () => links.expireAll(),
    close: () => close(server),
  }
}

type FetchHandler = (request: Request, env: HttpBindings) => Response | Promise<Response>

function listen(fetch: FetchHandler, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: fetch as never, port, hostname: '127.0.0.1' }, () => resolve(server as Server)) as Server
    server.once('error', reject)
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeAllConnections()
  })
}
