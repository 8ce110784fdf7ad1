import * as oauth from 'oauth4webapi'
import { isLoopbackHost, type OidcConfig } from '../../config.ts'
import { AppError } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import { identityFromClaims, type SignInIdentity } from './claims.ts'
import { isAllowedRedirect } from './redirect.ts'
import { PendingSignIns } from './states.ts'

export const SCOPE = 'openid email profile'
/** Discovery is fetched once and kept this long (keys are cached and refreshed by oauth4webapi). */
const DISCOVERY_TTL_MS = 60 * 60 * 1000
const TIMEOUT_MS = 10_000

const failed = (reason: string) => new AppError('sign_in_failed', `Sign-in failed: ${reason}`)
const unavailable = () => new AppError('oidc_unavailable', 'The identity provider could not be reached; try again in a moment.')

/**
 * The daemon as OpenID Connect relying party (oauth4webapi): authorization code flow with PKCE
 * S256, a nonce and a single-use state; the daemon redeems the code itself and accepts the ID
 * token only when its signature (the issuer's JWKS), iss, aud, exp and nonce check out.
 */
export class OidcSignIn {
  private readonly pending: PendingSignIns
  private discovered: { as: oauth.AuthorizationServer; at: number } | null = null
  private readonly jwks: oauth.JWKSCacheInput = {}
  private readonly insecure: boolean

  constructor(
    readonly config: OidcConfig,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {
    this.pending = new PendingSignIns(now)
    this.insecure = isLoopbackHost(new URL(config.issuer).hostname)
  }

  get issuer(): string {
    return this.config.issuer
  }

  async start(redirectUri: string): Promise<{ authorizeUrl: string; state: string }> {
    if (!isAllowedRedirect(redirectUri, this.config.redirectUris)) {
      throw new AppError(
        'invalid_request',
        "Invalid request: redirectUri must be the extension's identity URL (https://<id>.chromiumapp.org/… or https://<id>.extensions.allizom.org/…) or one listed in TRAINPROOF_OIDC_REDIRECT_URIS.",
      )
    }
    const as = await this.server()
    if (as.authorization_endpoint === undefined) throw unavailable()
    const codeVerifier = oauth.generateRandomCodeVerifier()
    const nonce = oauth.generateRandomNonce()
    const state = this.pending.add({ redirectUri, codeVerifier, nonce })
    const url = new URL(as.authorization_endpoint)
    url.searchParams.set('client_id', this.config.clientId)
    url.searchParams.set('redirect_uri', redirectUri)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('scope', SCOPE)
    url.searchParams.set('state', state)
    url.searchParams.set('nonce', nonce)
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier))
    url.searchParams.set('code_challenge_method', 'S256')
    return { authorizeUrl: url.toString(), state }
  }

  /** Redeems the code of a started sign-in and says who signed in (or throws the api.md error). */
  async finish(input: { code: string; state: string; iss?: string }): Promise<SignInIdentity> {
    const pending = this.pending.take(input.state)
    if (pending === null) throw new AppError('invalid_state', 'This sign-in is unknown, expired or already used; start again.')
    const as = await this.server()
    const client = this.client()
    const http = { [oauth.allowInsecureRequests]: this.insecure, signal: AbortSignal.timeout(TIMEOUT_MS) }
    try {
      const params = new URLSearchParams({ code: input.code, state: input.state })
      if (input.iss !== undefined) params.set('iss', input.iss)
      // The extension passes `iss` when the provider added one (RFC 9207); with one configured issuer
      // there is no mix-up to defend against when it is absent.
      const checked = oauth.validateAuthResponse(
        input.iss === undefined ? { ...as, authorization_response_iss_parameter_supported: false } : as,
        client,
        params,
        oauth.skipStateCheck,
      )
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        this.clientAuth(as),
        checked,
        pending.redirectUri,
        pending.codeVerifier,
        http,
      )
      const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      })
      await oauth.validateApplicationLevelSignature(as, response, { ...http, [oauth.jwksCache]: this.jwks })
      const claims: Record<string, unknown> = { ...oauth.getValidatedIdTokenClaims(result) }
      if (claims.email === undefined) Object.assign(claims, await this.userInfo(as, client, result, String(claims.sub), http))
      return identityFromClaims(claims, this.config.emailDomains)
    } catch (error) {
      throw this.explain(error)
    }
  }

  /** Some providers (strictly conforming ones) put the e-mail only in UserInfo. */
  private async userInfo(
    as: oauth.AuthorizationServer,
    client: oauth.Client,
    result: oauth.TokenEndpointResponse,
    sub: string,
    http: oauth.HttpRequestOptions<'GET'>,
  ): Promise<Record<string, unknown>> {
    if (as.userinfo_endpoint === undefined) return {}
    const response = await oauth.userInfoRequest(as, client, result.access_token, http)
    const info = await oauth.processUserInfoResponse(as, client, sub, response)
    return { email: info.email, email_verified: info.email_verified, name: info.name }
  }

  private explain(error: unknown): AppError {
    if (error instanceof AppError) {
      this.log.info('oidc sign-in refused', { code: error.code, reason: error.message })
      return error
    }
    if (error instanceof oauth.ResponseBodyError) return failed(`the identity provider refused the code (${error.error}).`)
    if (error instanceof oauth.AuthorizationResponseError) return failed(`the identity provider answered ${error.error}.`)
    if (error instanceof oauth.OperationProcessingError || error instanceof oauth.WWWAuthenticateChallengeError) {
      this.log.warn('oidc sign-in refused', { reason: error.message })
      return failed(`the identity provider's answer did not check out (${error.message}).`)
    }
    this.log.warn('oidc provider unreachable', { reason: (error as Error)?.message })
    return unavailable()
  }

  private async server(): Promise<oauth.AuthorizationServer> {
    const now = this.now().getTime()
    if (this.discovered !== null && now - this.discovered.at < DISCOVERY_TTL_MS) return this.discovered.as
    const issuer = new URL(this.config.issuer)
    try {
      const response = await oauth.discoveryRequest(issuer, {
        algorithm: 'oidc',
        [oauth.allowInsecureRequests]: this.insecure,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      const as = await oauth.processDiscoveryResponse(issuer, response)
      this.discovered = { as, at: now }
      return as
    } catch (error) {
      this.log.warn('oidc discovery failed', { issuer: this.config.issuer, reason: (error as Error)?.message })
      if (this.discovered !== null) return this.discovered.as
      throw unavailable()
    }
  }

  /** oauth4webapi checks exp and iat against its clock; the skew makes it follow the daemon's (injectable) one. */
  private client(): oauth.Client {
    return { client_id: this.config.clientId, [oauth.clockSkew]: Math.round((this.now().getTime() - Date.now()) / 1000) }
  }

  private clientAuth(as: oauth.AuthorizationServer): oauth.ClientAuth {
    const secret = this.config.clientSecret
    if (secret === null) return oauth.None()
    const methods = as.token_endpoint_auth_methods_supported
    if (methods !== undefined && !methods.includes('client_secret_basic') && methods.includes('client_secret_post'))
      return oauth.ClientSecretPost(secret)
    return oauth.ClientSecretBasic(secret)
  }
}
