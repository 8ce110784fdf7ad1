import { Pacer, realClock, type RateLimit } from '../../http/pacer.ts'
import { ProviderHttp, type ProviderHttpOptions } from '../../http/provider-http.ts'
import type { ProviderAdapter, ProviderDescription, ProviderModule } from '../types.ts'
import { CONSOLE_URL, DAILY_REQUEST_BASE, knowbe4Limits, PROVIDER_NAME, UNAUTHORIZED_HELP } from './config.ts'
import { connectKnowBe4, knowbe4BaseUrl, targetOf } from './connect.ts'
import { KNOWBE4_REGIONS, KnowBe4ConnectBody, KnowBe4Secret, KnowBe4Settings } from './schemas.ts'
import { KnowBe4Session } from './session.ts'

export { KnowBe4ConnectBody, KnowBe4Region, KnowBe4Secret, KnowBe4Settings, KNOWBE4_REGIONS } from './schemas.ts'
export { knowbe4BaseUrl } from './connect.ts'
export { knowbe4Limits } from './config.ts'
export { KnowBe4Session } from './session.ts'

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

const REGION_NAMES: Record<(typeof KNOWBE4_REGIONS)[number], string> = {
  us: 'United States (us)',
  eu: 'Europe (eu)',
  ca: 'Canada (ca)',
  uk: 'United Kingdom (uk)',
  de: 'Germany (de)',
}

export const knowbe4Description: ProviderDescription = {
  id: 'knowbe4',
  displayName: PROVIDER_NAME,
  brand: { color: '#d2541b', darkColor: '#ff8a50', mark: 'KB4' },
  connect: {
    kind: 'token',
    fields: [
      {
        name: 'region',
        label: 'Region of your KnowBe4 account',
        type: 'select',
        options: KNOWBE4_REGIONS.map((value) => ({ value, label: REGION_NAMES[value] })),
        required: true,
      },
      {
        name: 'apiToken',
        label: 'Reporting API token',
        type: 'secret',
        required: true,
        help: 'In KnowBe4: Account Settings → API → Reporting API. It goes to your trainproof daemon only.',
      },
      {
        name: 'baseUrl',
        label: "API address (leave empty for the region's)",
        type: 'url',
        required: false,
        advanced: true,
        placeholder: 'https://us.api.knowbe4.com',
      },
    ],
    renewHelp:
      "Paste a new Reporting API token of the same KnowBe4 account. trainproof keeps the connection, its campaign choices and everyone's records.",
  },
  portal: { field: 'region', urls: CONSOLE_URL },
}

export const knowbe4: ProviderAdapter<KnowBe4Settings, KnowBe4Secret> = {
  id: 'knowbe4',
  displayName: PROVIDER_NAME,
  description: knowbe4Description,
  settings: KnowBe4Settings,
  secret: KnowBe4Secret,
  baseUrl: knowbe4BaseUrl,
  rateLimits: knowbe4Limits,
  dailyBudget: (seats) => DAILY_REQUEST_BASE + seats,
  // No accountKey: the Reporting API has no account id, and two accounts may share name and region.
  portalUrl: knowbe4PortalUrl,
  direct: { body: KnowBe4ConnectBody, connect: connectKnowBe4 },
  open: (ctx) => new KnowBe4Session(ctx.http, targetOf(ctx.settings, ctx.secret), { now: () => ctx.http.now() }),
}

/** KnowBe4 reads no variables of its own: every connection carries its region and token. */
export const knowbe4Provider: ProviderModule<undefined> = {
  description: knowbe4Description,
  create: () => knowbe4,
}
