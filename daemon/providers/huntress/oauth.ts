import * as oauth from 'oauth4webapi'
import { ProviderError } from '../../errors.ts'
import type { ProviderHttp } from '../../http/provider-http.ts'
import { HUNTRESS } from './config.ts'
import { HuntressTokenSchema, OAuthErrorSchema, type HuntressSecret } from './schemas.ts'

/** trainproof's OAuth client at Huntress; the secret never leaves the daemon. */
export type HuntressOAuthClient = { clientId: string; clientSecret: string; baseUrl: string }

export type Pkce = { state: string; codeVerifier: string; codeChallenge: string }

/**
 * A fresh state and PKCE pair for one authorize round trip. The daemon keeps `state` and
 * `codeVerifier` (single-use, 10 minutes) and puts `codeChallenge` in the authorize URL.
 */
export async function newPkce(): Promise<Pkce> {
  const codeVerifier = oauth.generateRandomCodeVerifier()
  const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier)
  return { state: oauth.generateRandomState(), codeVerifier, codeChallenge }
}

/** The URL a browser opens to let an admin log in at Huntress and approve trainproof. */
export function buildAuthorizeUrl(
  client: Pick<HuntressOAuthClient, 'clientId' | 'baseUrl'>,
  input: { redirectUri: string; state: string; codeChallenge: string },
): string {
  const url = new URL(client.baseUrl.replace(/\/$/, '') + HUNTRESS.paths.authorize)
  const params = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: input.redirectUri,
    scope: HUNTRESS.scopes.join(' '),
    state: input.state,
    code_challenge: input.codeChallenge,
    code_challenge_method: 'S256',
  }
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url.toString()
}

/** Trades an authorization code for tokens (one request). */
export async function exchangeCode(
  client: HuntressOAuthClient,
  http: ProviderHttp,
  input: { code: string; redirectUri: string; codeVerifier: string },
  now: () => number = Date.now,
): Promise<HuntressSecret> {
  const { as, oauthClient, auth, options } = setup(client, http)
  // The daemon checked the state already (its own store); here only the code matters.
  const params = new URLSearchParams({ code: input.code })
  const callback = oauth.validateAuthResponse(as, oauthClient, params, oauth.skipStateCheck)
  const { redirectUri, codeVerifier } = input
  return tokenCall('code', now, http, async () => {
    const response = await oauth.authorizationCodeGrantRequest(as, oauthClient, auth, callback, redirectUri, codeVerifier, options)
    return { response, process: () => oauth.processAuthorizationCodeResponse(as, oauthClient, response) }
  })
}

/**
 * Trades the refresh token for new tokens (one request). Huntress rotates refresh tokens: the
 * old one stops working as soon as this answers, so the caller must store the result first.
 */
export async function refreshTokens(
  client: HuntressOAuthClient,
  http: ProviderHttp,
  refreshToken: string,
  now: () => number = Date.now,
): Promise<HuntressSecret> {
  const { as, oauthClient, auth, options } = setup(client, http)
  return tokenCall('refresh', now, http, async () => {
    const response = await oauth.refreshTokenGrantRequest(as, oauthClient, auth, refreshToken, options)
    return { response, process: () => oauth.processRefreshTokenResponse(as, oauthClient, response) }
  })
}

type Sent = { response: Response; process: () => Promise<oauth.TokenEndpointResponse> }

async function tokenCall(
  kind: 'code' | 'refresh',
  now: () => number,
  http: ProviderHttp,
  send: () => Promise<Sent>,
): Promise<HuntressSecret> {
  const { response, process } = await send()
  // Not retried: a refresh the server already rotated cannot be replayed.
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel()
    const kindOf = response.status === 429 ? 'rate_limited' : 'server'
    const message = `${http.provider} POST ${HUNTRESS.paths.token} failed with ${response.status}; try again later.`
    throw new ProviderError(kindOf, message)
  }
  // RFC 6749 §5.2: 401 is only ever invalid_client (oauth4webapi would surface its WWW-Authenticate challenge instead).
  if (response.status === 401) {
    await response.body?.cancel()
    throw clientRejected(http.provider)
  }
  let body: oauth.TokenEndpointResponse
  try {
    body = await process()
  } catch (error) {
    throw tokenFailure(error, kind, http.provider)
  }
  const parsed = HuntressTokenSchema.safeParse(body)
  if (!parsed.success)
    throw new ProviderError('bad_response', `${http.provider} POST ${HUNTRESS.paths.token} answered without a usable token.`)
  const lifetime = parsed.data.expires_in ?? HUNTRESS.defaultTokenLifetimeSeconds
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresAt: new Date(now() + lifetime * 1000).toISOString(),
  }
}

function tokenFailure(error: unknown, kind: 'code' | 'refresh', provider: string): Error {
  if (!(error instanceof oauth.ResponseBodyError)) {
    if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError)
      return new ProviderError('bad_response', `${provider} POST ${HUNTRESS.paths.token} answered with something that is not a token.`, {
        cause: error,
      })
    return error instanceof Error ? error : new Error(String(error))
  }
  const parsed = OAuthErrorSchema.safeParse(error.cause)
  const code = parsed.success ? parsed.data.error : 'unknown_error'
  if (code === 'invalid_grant' && kind === 'refresh')
    return new ProviderError(
      'auth',
      `${provider} no longer accepts trainproof's authorisation (the refresh token expired or was revoked); ` +
        'an admin needs to connect Huntress again.',
      { cause: error },
    )
  if (code === 'invalid_grant')
    return new ProviderError(
      'auth',
      `${provider} refused the authorisation code (expired, already used, or for another redirect URI); start connecting again.`,
      { cause: error },
    )
  if (code === 'invalid_client') return clientRejected(provider, error)
  if (code === 'invalid_scope')
    return new ProviderError(
      'forbidden',
      `${provider} did not grant the scopes trainproof needs (${HUNTRESS.scopes.join(' ')}); allow them on the API client.`,
      { cause: error },
    )
  return new ProviderError('bad_response', `${provider} refused the token request (${code}).`, { cause: error })
}

function clientRejected(provider: string, cause?: unknown): ProviderError {
  return new ProviderError(
    'auth',
    `${provider} rejected trainproof's OAuth client; check TRAINPROOF_HUNTRESS_CLIENT_ID and TRAINPROOF_HUNTRESS_CLIENT_SECRET.`,
    { cause, code: 'provider_client_rejected' },
  )
}

function setup(client: HuntressOAuthClient, http: ProviderHttp) {
  const base = client.baseUrl.replace(/\/$/, '')
  const as: oauth.AuthorizationServer = {
    issuer: base,
    authorization_endpoint: base + HUNTRESS.paths.authorize,
    token_endpoint: base + HUNTRESS.paths.token,
  }
  const options: oauth.TokenEndpointRequestOptions = {
    // Through ProviderHttp so the request is counted, paced and timed out like every other.
    [oauth.customFetch]: (url, init) => {
      const { 'user-agent': _agent, ...headers } = init.headers
      const form = Object.fromEntries(init.body as URLSearchParams)
      return http.raw({ method: 'POST', url, form, headers, anonymous: true })
    },
    // oauth4webapi insists on https; plain http is only for a fake on this machine.
    [oauth.allowInsecureRequests]: isLoopbackHttp(base),
  }
  return { as, oauthClient: { client_id: client.clientId }, auth: oauth.ClientSecretPost(client.clientSecret), options }
}

function isLoopbackHttp(baseUrl: string): boolean {
  const { protocol, hostname } = new URL(baseUrl)
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
}
