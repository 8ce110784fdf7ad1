import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Provider from 'oidc-provider'
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider'
import { memoryAdapter } from './adapter.ts'
import { escapeHtml, handleInteraction } from './interactions.ts'

export { signInHeadless } from './headless.ts'

export type IdpUser = {
  email: string
  name: string
  /** Default true. `'omit'` leaves the claim out of the ID token, as Entra ID does. */
  emailVerified?: boolean | 'omit'
}

export type IdpClient = {
  clientId: string
  /** Absent: a public client (token endpoint auth `none`, PKCE alone). */
  clientSecret?: string
  /** `'any-extension'`: any browser-extension identity redirect (Chrome's or Firefox's). */
  redirectUris: string[] | 'any-extension'
}

export type IdpOptions = {
  users: IdpUser[]
  clients: IdpClient[]
  port?: number
  host?: string
}

export type Idp = {
  /** `http://HOST:PORT`; discovery at `ISSUER/.well-known/openid-configuration`. */
  issuer: string
  /**
   * Tests only: rewrites the claims of every ID token the token endpoint issues from now on and
   * signs it again (with the IdP's own key, or with a key the IdP never published). `null` stops.
   */
  tamperIdTokens(tamper: IdTokenTamper | null): void
  close(): Promise<void>
}

export type IdTokenTamper = {
  claims?: (claims: Record<string, unknown>) => Record<string, unknown>
  foreignKey?: boolean
}

/** `https://<32 letters a-p>.chromiumapp.org/…` (Chrome, Edge) or `https://<id>.extensions.allizom.org/…` (Firefox). */
export const EXTENSION_REDIRECT = /^https:\/\/([a-p]{32}\.chromiumapp\.org|[a-z0-9-]+\.extensions\.allizom\.org)\/[^\s#]*$/

const PLACEHOLDER_REDIRECT = `https://${'a'.repeat(32)}.chromiumapp.org/`

/** oidc-provider warns at import that only Node 22+ LTS is supported; it runs fine on Node 20. */
async function loadProvider(): Promise<typeof Provider> {
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return
    warn(...args)
  }
  try {
    return (await import('oidc-provider')).default
  } finally {
    console.warn = warn
  }
}

type SigningKey = { privateKey: KeyObject; kid: string }

function newSigningKey(): SigningKey {
  return { privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, kid: randomUUID() }
}

const jwk = (key: SigningKey) => ({ ...key.privateKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' })

/** A compact RS256 JWS over `claims`, the way the IdP signs its ID tokens. */
function signRs256(claims: Record<string, unknown>, key: SigningKey): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${part(claims)}`
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
}

function retamper(idToken: string, tamper: IdTokenTamper, own: SigningKey): string {
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  const changed = tamper.claims ? tamper.claims(claims) : claims
  // A foreign key under the published kid: the signature, not the key lookup, must fail.
  return signRs256(changed, tamper.foreignKey ? { privateKey: newSigningKey().privateKey, kid: own.kid } : own)
}

function configuration(opts: IdpOptions, key: SigningKey): Configuration {
  const users = new Map(opts.users.map((u) => [u.email.toLowerCase(), u]))
  return {
    adapter: memoryAdapter(),
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret === undefined ? { token_endpoint_auth_method: 'none' } : { client_secret: c.clientSecret }),
      redirect_uris: c.redirectUris === 'any-extension' ? [PLACEHOLDER_REDIRECT] : c.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [jwk(key)] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Like Google: the ID token from the token endpoint carries the e-mail and name claims.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 3600, AuthorizationCode: 600, IdToken: 3600, Interaction: 3600, Session: 86400, Grant: 86400 },
    clientBasedCORS: () => false,
    renderError: (ctx, out) => {
      ctx.type = 'html'
      ctx.body = `<!doctype html><title>Sign-in error</title><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`
    },
    async findAccount(_ctx, id) {
      const user = users.get(id)
      if (user === undefined) return undefined
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: id,
          name: user.name,
          ...(user.emailVerified === 'omit' ? {} : { email_verified: user.emailVerified ?? true }),
        }),
      }
    },
    // Consent is implied: the grant covers what the client asked for.
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc
      if (client === undefined || session?.accountId === undefined) return undefined
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId)
      if (grantId !== undefined) {
        const existing = await ctx.oidc.provider.Grant.find(grantId)
        if (existing !== undefined) return existing
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId })
      grant.addOIDCScope('openid email profile')
      await grant.save()
      return grant
    },
  }
}

/**
 * Starts a sandbox OpenID Provider (oidc-provider, a certified implementation) on loopback for
 * tests and the demo: RS256 keys made at start, authorization code + PKCE (required), scope
 * `openid email profile` with `email`, `email_verified` and `name` in the ID token. Its sign-in
 * page lists `users` as one-click buttons (`data-testid="idp-user-<email>"`); `login_hint=<email>`
 * on the authorization request signs that person in at once.
 */
export async function startIdp(opts: IdpOptions): Promise<Idp> {
  const OidcProvider = await loadProvider()
  const host = opts.host ?? '127.0.0.1'
  let handler: RequestListener | undefined
  const server: Server = createServer((req, res) => {
    if (handler === undefined) {
      res.writeHead(503).end()
      return
    }
    handler(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const anyExtension = new Set(opts.clients.filter((c) => c.redirectUris === 'any-extension').map((c) => c.clientId))
  const key = newSigningKey()
  const provider = new OidcProvider(issuer, configuration(opts, key))
  let tamper: IdTokenTamper | null = null
  provider.use(async (ctx, next) => {
    await next()
    const body = ctx.body as { id_token?: unknown } | undefined
    if (tamper !== null && ctx.oidc?.route === 'token' && typeof body?.id_token === 'string') {
      body.id_token = retamper(body.id_token, tamper, key)
    }
  })
  const allowed = provider.Client.prototype.redirectUriAllowed
  provider.Client.prototype.redirectUriAllowed = function (this: InstanceType<typeof provider.Client>, uri: string) {
    if (anyExtension.has(this.clientId)) return EXTENSION_REDIRECT.test(uri)
    return allowed.call(this, uri)
  }
  const callback = provider.callback()
  handler = (req, res) => {
    if (req.url?.startsWith('/interaction/')) void handleInteraction(provider, opts.users, req, res)
    else void callback(req, res)
  }
  return {
    issuer,
    tamperIdTokens: (next) => {
      tamper = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
