import { z } from 'zod'
import { AppError } from '../../errors.ts'
import { Pacer, type Clock, type RateLimit } from '../../http/pacer.ts'
import { ProviderHttp, type ProviderHttpOptions } from '../../http/provider-http.ts'
import type { OAuthConnect, ProviderAdapter, ProviderDescription, ProviderModule } from '../types.ts'
import { HUNTRESS, HUNTRESS_RATE_LIMITS } from './config.ts'
import { connectHuntress, PendingGrants } from './connect.ts'
import { buildAuthorizeUrl, type HuntressOAuthClient } from './oauth.ts'
import { HuntressSecretSchema, HuntressSettingsSchema, type HuntressSecret, type HuntressSettings } from './schemas.ts'
import { HuntressSession } from './session.ts'

export { HUNTRESS, HUNTRESS_RATE_LIMITS } from './config.ts'
export { buildAuthorizeUrl, newPkce, type Pkce } from './oauth.ts'
export type { HuntressSecret, HuntressSettings } from './schemas.ts'

export type HuntressAdapterOptions = {
  /** TRAINPROOF_HUNTRESS_CLIENT_ID / _CLIENT_SECRET; null when unset (connecting then says so). */
  clientId: string | null
  clientSecret: string | null
  /** TRAINPROOF_HUNTRESS_BASE_URL; default https://mycurricula.com. */
  baseUrl?: string
  now?: () => number
}

export type HuntressAdapter = ProviderAdapter<HuntressSettings, HuntressSecret> & {
  oauth: OAuthConnect<HuntressSettings, HuntressSecret>
}

/**
 * The Huntress Managed SAT adapter, built from the daemon's configuration
 * (`createHuntressAdapter(config.huntress)`). The client secret stays inside it: it only ever
 * goes to Huntress's token endpoint.
 */
export function createHuntressAdapter(options: HuntressAdapterOptions): HuntressAdapter {
  const baseUrl = checkBaseUrl(options.baseUrl ?? HUNTRESS.defaultBaseUrl)
  const now = options.now ?? Date.now
  const { clientId, clientSecret } = options
  const client: HuntressOAuthClient | null = clientId && clientSecret ? { clientId, clientSecret, baseUrl } : null
  const pending = new PendingGrants(now)
  const requireClient = (): HuntressOAuthClient => {
    if (client) return client
    throw new AppError(
      'huntress_not_configured',
      'Huntress is not set up on this daemon: set TRAINPROOF_HUNTRESS_CLIENT_ID and TRAINPROOF_HUNTRESS_CLIENT_SECRET.',
    )
  }

  return {
    id: 'huntress',
    displayName: HUNTRESS.displayName,
    description: huntressDescription,
    settings: HuntressSettingsSchema,
    secret: HuntressSecretSchema,
    // Paths in config.ts carry `/api/v1`, so the origin is the base for OAuth and API alike.
    baseUrl: (settings) => settings.baseUrl,
    rateLimits: HUNTRESS_RATE_LIMITS,
    accountKey: ({ settings }) => `${settings.baseUrl}|${settings.accountId}`,
    portalUrl: (settings) => settings.baseUrl.replace(/\/$/, '') + HUNTRESS.portalPath,
    oauth: {
      authorizeUrl: (input) => buildAuthorizeUrl(requireClient(), input),
      exchange: (input, http) => connectHuntress(requireClient(), pending, input, http, now),
    },
    // Refreshes go to the token endpoint of the Huntress the connection was made with.
    open: (ctx) => new HuntressSession(ctx, client && { ...client, baseUrl: ctx.settings.baseUrl }, now),
  }
}

export type HuntressHttpOptions = Omit<ProviderHttpOptions, 'provider' | 'baseUrl' | 'pacer'> & {
  baseUrl?: string
  /** Default HUNTRESS_RATE_LIMITS (60 a minute). */
  limits?: readonly RateLimit[]
  clock?: Clock
}

/** A ProviderHttp for Huntress: paced under its rate limit, named "Huntress" in messages. */
export function createHuntressHttp(options: HuntressHttpOptions = {}): ProviderHttp {
  const { baseUrl, limits, clock, ...rest } = options
  return new ProviderHttp({
    ...rest,
    clock,
    provider: HUNTRESS.displayName,
    baseUrl: baseUrl ?? HUNTRESS.defaultBaseUrl,
    pacer: new Pacer(limits ?? HUNTRESS_RATE_LIMITS, clock),
  })
}

const HTTPS_ONLY = 'must be an https URL (plain http only for 127.0.0.1 or localhost)'

/** https, or plain http to this machine (a fake); oauth4webapi refuses anything else anyway. */
function httpsOrLoopback(value: string): boolean {
  const url = new URL(value)
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback)
}

function checkBaseUrl(value: string): string {
  if (!httpsOrLoopback(value)) throw new Error(`TRAINPROOF_HUNTRESS_BASE_URL ${HTTPS_ONLY}.`)
  return value.replace(/\/$/, '')
}

export const huntressDescription: ProviderDescription = {
  id: 'huntress',
  displayName: HUNTRESS.displayName,
  brand: { color: '#23805a', darkColor: '#5ccf97', mark: 'H' },
  connect: { kind: 'oauth' },
  portal: { url: HUNTRESS.defaultBaseUrl + HUNTRESS.portalPath },
}

/** Huntress's own variables (api.md): the OAuth client, and where Huntress lives (a test points it at a fake). */
const HuntressEnv = z
  .object({
    TRAINPROOF_HUNTRESS_CLIENT_ID: z.string().min(1).optional(),
    TRAINPROOF_HUNTRESS_CLIENT_SECRET: z.string().min(1).optional(),
    TRAINPROOF_HUNTRESS_BASE_URL: z
      .url({ protocol: /^https?$/ })
      .refine(httpsOrLoopback, HTTPS_ONLY)
      .default(HUNTRESS.defaultBaseUrl),
  })
  .transform(
    (e): HuntressAdapterOptions => ({
      clientId: e.TRAINPROOF_HUNTRESS_CLIENT_ID ?? null,
      clientSecret: e.TRAINPROOF_HUNTRESS_CLIENT_SECRET ?? null,
      baseUrl: e.TRAINPROOF_HUNTRESS_BASE_URL.replace(/\/$/, ''),
    }),
  )

export const huntressProvider: ProviderModule<HuntressAdapterOptions> = {
  description: huntressDescription,
  env: HuntressEnv,
  create: (options, { now }) => createHuntressAdapter({ ...options, now: now ?? options.now }),
}
