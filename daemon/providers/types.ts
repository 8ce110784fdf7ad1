import type { z } from 'zod'
import type { ProviderDescription } from '../../shared/api.ts'
import type { Enrollment, ProviderId } from '../../shared/domain.ts'
import type { RateLimit } from '../http/pacer.ts'
import type { ProviderHttp } from '../http/provider-http.ts'

/**
 * The one interface every training provider implements. The daemon's routes, sync engine and
 * certificates speak only to this; a provider's wire format stays inside its own folder
 * (`daemon/providers/<id>/`), registered by one line in `registry.ts`.
 */
export interface ProviderAdapter<Settings = unknown, Secret = unknown> {
  id: ProviderId
  /** Shown to people: "KnowBe4", "Huntress" (the description's). */
  displayName: string
  /** How the provider presents itself to the extension (`GET /providers`). */
  description: ProviderDescription
  /** Non-secret connection settings kept in the db (region, base URL, account id). */
  settings: z.ZodType<Settings>
  /** Credentials, sealed at rest by the vault and never returned by the API. */
  secret: z.ZodType<Secret>
  /** The provider's API base for these settings (a connection may override the default). */
  baseUrl(settings: Settings): string
  /** Limits the client stays under (per connection), e.g. 4/s and 50/min for KnowBe4. */
  rateLimits?: readonly RateLimit[]
  /**
   * Requests allowed per 24 h for an account of `seats` people, when the provider has such a
   * budget (KnowBe4: 2,000 + seats). Re-checks keep out of the nightly sync's share of it.
   */
  dailyBudget?(seats: number): number
  /**
   * Which provider account a connection reads, for providers whose accounts have a unique id
   * (Huntress). Connecting the same account again (Reconnect through the sign-in flow) renews the
   * existing connection instead of adding a twin. A provider without a unique account id
   * (KnowBe4: two accounts may share name and region) leaves it out: every connect is a new
   * connection, and renewing credentials is an explicit act on one (`PUT /connections/:id/credentials`).
   */
  accountKey?(connection: { label: string; settings: Settings }): string
  /** Where employees take their training, for the onboarding page. */
  portalUrl(settings: Settings): string | null
  /** Connecting with credentials typed in by an admin (`POST /connections`). */
  direct?: DirectConnect<Settings, Secret>
  /** Connecting through an OAuth 2 authorization-code redirect (`/connections/:provider/authorize`). */
  oauth?: OAuthConnect<Settings, Secret>
  /** A session against one connection, for one sync or one certificate download. */
  open(ctx: SessionContext<Settings, Secret>): ProviderSession
}

export type NewConnection<Settings, Secret> = { label: string; settings: Settings; secret: Secret }

export interface DirectConnect<Settings, Secret> {
  /** The request body, with a `provider` literal; part of the OpenAPI document. */
  body: z.ZodType<{ provider: string } & Record<string, unknown>>
  /** Checks the credentials with one live call; throws ProviderError('auth') when rejected. */
  connect(body: unknown, http: ProviderHttp): Promise<NewConnection<Settings, Secret>>
}

export interface OAuthConnect<Settings, Secret> {
  /** The provider's authorize URL for a browser to open. */
  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string }): string
  /**
   * Exchanges an authorization code for tokens and picks the account the tokens see; when they
   * see several and `accountId` names none of them, answers which ones the admin may choose from.
   */
  exchange(
    input: { code: string; redirectUri: string; codeVerifier: string; accountId?: string },
    http: ProviderHttp,
  ): Promise<NewConnection<Settings, Secret> | AccountChoice>
}

/**
 * The outcome of an OAuth exchange whose login reads several accounts (a partner login) and was
 * not told which one: exchanging again with the same code, redirect URI and verifier plus an
 * `accountId` of these finishes without a second login.
 */
export type AccountChoice = {
  kind: 'choose_account'
  accounts: { id: string; name: string }[]
  /** True when an `accountId` was given but is not one of them. */
  unknownChoice: boolean
}

export const isAccountChoice = (outcome: object): outcome is AccountChoice => (outcome as Partial<AccountChoice>).kind === 'choose_account'

export interface SessionContext<Settings, Secret> {
  settings: Settings
  secret: Secret
  /**
   * Persists new credentials at once, outside any sync transaction (a rotated refresh token must
   * survive a sync that fails later).
   */
  saveSecret(next: Secret): Promise<void>
  /**
   * Counts, paces, retries and times out every request to the provider; its base URL is
   * `baseUrl(settings)`. The session authenticates by passing its own headers per request.
   */
  http: ProviderHttp
}

/** A campaign (KnowBe4) or assignment (Huntress) as the provider lists it. */
export type RemoteCampaign = {
  externalId: string
  name: string
  /** Provider-native status, shown as it is. */
  status: string
  importable: boolean
  /** Why it cannot be selected, when it cannot. */
  notImportableReason: string | null
}

/** An active person the provider knows. Inactive or archived people are left out. */
export type RemotePerson = {
  email: string
  name: string
  /** Other e-mails that identify the same person (KnowBe4 aliases). */
  aliases?: string[]
  /** The provider's id of the person (KnowBe4 user id, Huntress learner id), kept for re-checks. */
  externalId?: string
}

/**
 * An enrollment as the adapter maps it: its campaign is the provider's own id (the sync turns it
 * into trainproof's campaign key), and `name` is the person's name when the row carries it.
 */
export type RemoteEnrollment = Omit<Enrollment, 'campaignId'> & { externalCampaignId: string; name?: string }

/** Whom a targeted re-check is about: their e-mail and their id at this connection, when known. */
export type RecheckPerson = { email: string; externalId: string | null }

export interface ProviderSession {
  listCampaigns(): Promise<RemoteCampaign[]>
  /**
   * The active people, given the selected campaigns. A provider with an account-wide people list
   * (KnowBe4) ignores them; one without (Huntress) lists the learners of these campaigns only,
   * never of unselected ones.
   */
  listPeople(campaigns: readonly RemoteCampaign[]): Promise<RemotePerson[]>
  /**
   * Enrollments of exactly these campaigns (never others), with e-mails normalised and people who
   * are not active left out. A row may repeat (live data shifting under the pages): the sync's
   * evaluator counts an enrollment id once per person and campaign, its completed version winning.
   */
  listEnrollments(campaigns: readonly RemoteCampaign[]): Promise<RemoteEnrollment[]>
  /**
   * The provider's own certificate for a completed campaign, when it offers one (PDF bytes),
   * else null and trainproof generates its own.
   */
  /**
   * A targeted re-check: this one person's enrollments in exactly these campaigns, in a few
   * requests whatever the tenant's size (never a listing of everybody). `null` when the provider
   * cannot identify the person that way (the caller then checks nothing).
   */
  enrollmentsOf?(person: RecheckPerson, campaigns: readonly RemoteCampaign[]): Promise<RemoteEnrollment[] | null>
  certificate?(input: { campaignExternalId: string; enrollmentId: string; email: string }): Promise<Uint8Array | null>
}

/**
 * One provider as the registry lists it: its description, its own TRAINPROOF_* variables, and
 * how to build its adapter from them. `daemon/providers/registry.ts` holds one line per provider.
 */
export interface ProviderModule<Env = unknown> {
  description: ProviderDescription
  /** A zod object over the provider's variables (TRAINPROOF_<ID>_*), validated at start-up with the rest. */
  env?: z.ZodType<Env>
  create(env: Env, options: ProviderCreateOptions): ProviderAdapter<unknown, unknown>
}

export type ProviderCreateOptions = { now?: () => number }

export type { ConnectField, ProviderDescription } from '../../shared/api.ts'
