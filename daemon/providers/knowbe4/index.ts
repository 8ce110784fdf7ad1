import { z } from 'zod'
import { KnowBe4ConnectBody } from '../../../shared/api.ts'
import { KnowBe4Region } from '../../../shared/domain.ts'
import { invalidRequest } from '../../errors.ts'
import { Pacer, realClock, type RateLimit } from '../../http/pacer.ts'
import { ProviderHttp, type ProviderHttpOptions } from '../../http/provider-http.ts'
import type { ProviderAdapter } from '../types.ts'
import { KnowBe4Client, type KnowBe4Target } from './client.ts'
import { API_BASE, CONSOLE_URL, DAILY_REQUEST_BASE, knowbe4Limits, PROVIDER_NAME, UNAUTHORIZED_HELP } from './config.ts'
import { KnowBe4Session } from './session.ts'

const HttpUrl = z.url({ protocol: /^https?$/ })

/** Non-secret settings: the region, and a base URL that replaces the region's (tests, proxies). */
export const KnowBe4Settings = z.object({ region: KnowBe4Region, baseUrl: HttpUrl.nullish() })
export type KnowBe4Settings = z.infer<typeof KnowBe4Settings>

export const KnowBe4Secret = z.object({ apiToken: z.string().min(1) })
export type KnowBe4Secret = z.infer<typeof KnowBe4Secret>

/** `POST /connections` body for KnowBe4: one schema, shared with the extension's form. */
export { KnowBe4ConnectBody }

export { knowbe4Limits } from './config.ts'
export { KnowBe4Session } from './session.ts'

/** The API base URL of a connection. */
export function knowbe4BaseUrl(settings: KnowBe4Settings): string {
  return (settings.baseUrl ?? API_BASE[settings.region]).replace(/\/+$/, '')
}

/** One pacer per token, kept across syncs: KnowBe4's windows do not restart with a sync. */
export function createKnowBe4Pacer(limits: readonly RateLimit[] = knowbe4Limits, clock = realClock): Pacer {
  return new Pacer(limits, clock)
}

export type CreateKnowBe4HttpInput = {
  settings: KnowBe4Settings
  secret: KnowBe4Secret
  /** Defaults to a fresh pacer with the real limits; pass the connection's long-lived one. */
  pacer?: Pacer
} & Pick<ProviderHttpOptions, 'signal' | 'retry' | 'timeoutMs' | 'fetch' | 'clock'>

/** The ProviderHttp of one KnowBe4 connection: its base URL, bearer token, 401 help and pacing. */
export function createKnowBe4Http({ settings, secret, pacer, ...rest }: CreateKnowBe4HttpInput): ProviderHttp {
  return new ProviderHttp({
    provider: PROVIDER_NAME,
    baseUrl: knowbe4BaseUrl(settings),
    authorize: () => ({ Authorization: `Bearer ${secret.apiToken}` }),
    describeUnauthorized: UNAUTHORIZED_HELP,
    pacer: pacer ?? createKnowBe4Pacer(),
    ...rest,
  })
}

function targetOf(settings: KnowBe4Settings, secret: KnowBe4Secret): KnowBe4Target {
  return { baseUrl: knowbe4BaseUrl(settings), apiToken: secret.apiToken }
}

/**
 * Where employees take the training: the region's console; for a KnowBe4 on loopback (the demo's
 * and the tests' sandbox tenant) its own learner page, so a demo never sends anyone to the real site.
 * A non-loopback base URL is an API proxy: learners still go to the region's console.
 */
export function knowbe4PortalUrl(settings: KnowBe4Settings): string {
  const base = settings.baseUrl ? new URL(settings.baseUrl) : null
  if (base && base.protocol === 'http:' && (base.hostname === '127.0.0.1' || base.hostname === 'localhost')) return `${base.origin}/learner`
  return CONSOLE_URL[settings.region]
}

export const knowbe4: ProviderAdapter<KnowBe4Settings, KnowBe4Secret> = {
  id: 'knowbe4',
  displayName: PROVIDER_NAME,
  settings: KnowBe4Settings,
  secret: KnowBe4Secret,
  baseUrl: knowbe4BaseUrl,
  rateLimits: knowbe4Limits,
  dailyBudget: (seats) => DAILY_REQUEST_BASE + seats,
  // No accountKey: the Reporting API has no account id, and two accounts may share name and region.
  portalUrl: knowbe4PortalUrl,
  direct: {
    body: KnowBe4ConnectBody,
    /** One `GET /v1/account`: proves the token, region and plan, and names the connection. */
    async connect(body, http) {
      const parsed = KnowBe4ConnectBody.safeParse(body)
      if (!parsed.success) throw invalidRequest(`The KnowBe4 connection is invalid: ${z.prettifyError(parsed.error)}`)
      const { region, apiToken, baseUrl } = parsed.data
      const settings: KnowBe4Settings = { region, baseUrl: baseUrl ?? null }
      const secret: KnowBe4Secret = { apiToken }
      const account = await new KnowBe4Client(http, targetOf(settings, secret)).account()
      return { label: account.name.trim() || `KnowBe4 (${region.toUpperCase()})`, settings, secret }
    },
  },
  open: (ctx) => new KnowBe4Session(ctx.http, targetOf(ctx.settings, ctx.secret)),
}
