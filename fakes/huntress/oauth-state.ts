import { createHash, randomBytes } from 'node:crypto'

export type OAuthClient = {
  clientId: string
  clientSecret: string
  /** Compared exactly, like Huntress's registered Redirect URL. */
  redirectUris: string[]
  /** Scopes the API client was granted; asking for more is `invalid_scope`. */
  scopes: string[]
}

type Grant = { clientId: string; scope: string[]; grantId: string }
type AuthCode = Grant & { redirectUri: string; codeChallenge: string; expiresAt: number; used: boolean }
export type AccessToken = Grant & { token: string; expiresAt: number }
type RefreshToken = Grant & { token: string; expiresAt: number; revoked: boolean }

export type TokenBody = {
  token_type: 'Bearer'
  expires_in: number
  access_token: string
  refresh_token: string
  scope: string
}
export type OAuthFailure = { status: 400 | 401; error: string; description: string }
type Result = { ok: true; body: TokenBody } | { ok: false; failure: OAuthFailure }

const fail = (status: 400 | 401, error: string, description: string): Result => ({
  ok: false,
  failure: { status, error, description },
})
const invalidGrant = (description: string) => fail(400, 'invalid_grant', description)
const secret = () => randomBytes(24).toString('base64url')
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/** Clients, codes and tokens of the fake authorization server. */
export class OAuthState {
  readonly clients = new Map<string, OAuthClient>()
  readonly codes = new Map<string, AuthCode>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  accessTokenTtlSeconds = 3600
  refreshTokenTtlSeconds = 30 * 24 * 3600
  codeTtlMs = 10 * 60_000

  constructor(private readonly now: () => number) {}

  registerClient(input: Partial<OAuthClient> & { redirectUris: string[] }): OAuthClient {
    const client: OAuthClient = {
      clientId: input.clientId ?? `client_${secret().slice(0, 8)}`,
      clientSecret: input.clientSecret ?? secret(),
      redirectUris: [...input.redirectUris],
      scopes: [...(input.scopes ?? [])],
    }
    this.clients.set(client.clientId, client)
    return client
  }

  addRedirectUri(clientId: string, redirectUri: string): void {
    const client = this.clients.get(clientId)
    if (!client) throw new Error(`fake: no OAuth client ${clientId}`)
    if (!client.redirectUris.includes(redirectUri)) client.redirectUris.push(redirectUri)
  }

  /** Checks id/secret from the body or from HTTP Basic (one method only, RFC 6749 §2.3). */
  authenticate(form: URLSearchParams, authorization: string | undefined): OAuthClient | OAuthFailure {
    const basic = parseBasic(authorization)
    const bodySecret = form.get('client_secret')
    if (basic && bodySecret !== null) return { status: 400, error: 'invalid_request', description: 'Use one client authentication method.' }
    if (basic && form.has('client_id') && form.get('client_id') !== basic.id)
      return { status: 400, error: 'invalid_request', description: 'client_id does not match the authenticated client.' }
    const id = basic?.id ?? form.get('client_id')
    const presented = basic?.secret ?? bodySecret
    const client = id ? this.clients.get(id) : undefined
    if (!client || presented !== client.clientSecret)
      return { status: 401, error: 'invalid_client', description: 'Client authentication failed.' }
    return client
  }

  issueCode(input: Omit<AuthCode, 'expiresAt' | 'used' | 'grantId'>): string {
    const code = secret()
    this.codes.set(code, { ...input, grantId: secret(), expiresAt: this.now() + this.codeTtlMs, used: false })
    return code
  }

  exchangeCode(client: OAuthClient, form: URLSearchParams): Result {
    const [codeValue, redirectUri, verifier] = ['code', 'redirect_uri', 'code_verifier'].map((key) => form.get(key))
    if (!codeValue || !redirectUri || !verifier) return fail(400, 'invalid_request', 'code, redirect_uri and code_verifier are required.')
    const code = this.codes.get(codeValue)
    if (!code || code.clientId !== client.clientId) return invalidGrant('The authorization code is invalid.')
    if (code.used) {
      // RFC 6749 §4.1.2: a replayed code revokes what it was exchanged for.
      this.revokeGrant(code.grantId)
      return invalidGrant('The authorization code was already used.')
    }
    if (code.expiresAt <= this.now()) return invalidGrant('The authorization code has expired.')
    if (code.redirectUri !== redirectUri) return invalidGrant('redirect_uri does not match the authorization request.')
    if (!VERIFIER.test(verifier) || s256(verifier) !== code.codeChallenge)
      return invalidGrant('The code_verifier does not match the code_challenge.')
    code.used = true
    return { ok: true, body: this.issueTokens(code) }
  }

  refresh(client: OAuthClient, form: URLSearchParams): Result {
    const value = form.get('refresh_token')
    if (!value) return fail(400, 'invalid_request', 'refresh_token is required.')
    const token = this.refreshTokens.get(value)
    if (!token || token.clientId !== client.clientId) return invalidGrant('The refresh token is invalid.')
    if (token.revoked) return invalidGrant('The refresh token was revoked.')
    if (token.expiresAt <= this.now()) return invalidGrant('The refresh token has expired.')
    const asked = parseScope(form.get('scope'))
    if (asked?.some((scope) => !token.scope.includes(scope)))
      return fail(400, 'invalid_scope', 'The requested scope exceeds the original grant.')
    token.revoked = true
    return { ok: true, body: this.issueTokens({ ...token, scope: asked ?? token.scope }) }
  }

  /** The token behind a bearer header, if it is known and not expired. */
  verifyAccess(token: string): AccessToken | null {
    const found = this.accessTokens.get(token)
    return found && found.expiresAt > this.now() ? found : null
  }

  /** Revokes one refresh token, or every one when none is named. */
  revokeRefreshTokens(token?: string): void {
    for (const [value, entry] of this.refreshTokens) if (token === undefined || value === token) entry.revoked = true
  }

  expireAccessTokens(): void {
    const past = this.now() - 1
    for (const entry of this.accessTokens.values()) entry.expiresAt = past
  }

  /** Takes a scope away from every client, code and token (the admin narrowed the API client). */
  dropScope(scope: string): void {
    const strip = (holder: { scope?: string[]; scopes?: string[] }) => {
      if (holder.scope) holder.scope = holder.scope.filter((item) => item !== scope)
      if (holder.scopes) holder.scopes = holder.scopes.filter((item) => item !== scope)
    }
    for (const map of [this.clients, this.codes, this.accessTokens, this.refreshTokens]) for (const entry of map.values()) strip(entry)
  }

  /** Current refresh tokens that still work. */
  liveRefreshTokens(): string[] {
    return [...this.refreshTokens.values()].filter((entry) => !entry.revoked).map((entry) => entry.token)
  }

  private issueTokens(grant: Grant): TokenBody {
    const access = secret()
    const refresh = secret()
    const now = this.now()
    this.accessTokens.set(access, { ...grant, token: access, expiresAt: now + this.accessTokenTtlSeconds * 1000 })
    this.refreshTokens.set(refresh, {
      ...grant,
      token: refresh,
      expiresAt: now + this.refreshTokenTtlSeconds * 1000,
      revoked: false,
    })
    return {
      token_type: 'Bearer',
      expires_in: this.accessTokenTtlSeconds,
      access_token: access,
      refresh_token: refresh,
      scope: grant.scope.join(' '),
    }
  }

  private revokeGrant(grantId: string): void {
    for (const entry of this.refreshTokens.values()) if (entry.grantId === grantId) entry.revoked = true
    for (const [value, entry] of this.accessTokens) if (entry.grantId === grantId) this.accessTokens.delete(value)
  }
}

export function parseScope(value: string | null | undefined): string[] | null {
  if (value === null || value === undefined) return null
  return value.split(' ').filter(Boolean)
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '')
  if (!match?.[1]) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  const unform = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '))
  try {
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) }
  } catch {
    return null
  }
}
