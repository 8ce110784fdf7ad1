import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { AuthorizeAnswer, AuthorizeBody, CallbackBody } from '../../shared/api.ts'
import { Connection } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { AppError } from '../errors.ts'
import type { ProviderAdapter } from '../providers/types.ts'
import { connectFailure, saveNewConnection } from './connections.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Deps } from './deps.ts'

const STATE_TTL_MS = 10 * 60_000
const MAX_PENDING_STATES = 50
const ProviderParam = z.object({ provider: z.string().min(1).max(50) })

const authorize = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/connections/{provider}/authorize',
  tags: ['connections'],
  summary: 'Start an OAuth connection (Huntress): where to send the browser',
  request: { params: ProviderParam, body: jsonBody(AuthorizeBody) },
  responses: { 200: json(AuthorizeAnswer, 'Open authorizeUrl; the state is single-use and lasts 10 minutes.') },
})

const callback = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/connections/{provider}/callback',
  tags: ['connections'],
  summary: 'Finish an OAuth connection with the code the redirect brought back',
  request: { params: ProviderParam, body: jsonBody(CallbackBody) },
  responses: {
    201: json(Connection, 'The new connection.'),
    409: json(
      z.object({}),
      'The login sees several accounts: `account_choice_required` with `details.choices` and a new single-use `details.state` (the first one is spent); post again with that state, the same code and accountId.',
    ),
    422: json(z.object({}), 'The provider refused the code (`provider_auth_failed`).'),
  },
})

const hash = (value: string) => createHash('sha256').update(value).digest('hex')
const base64url = (bytes: Buffer) => bytes.toString('base64url')

function oauthAdapter(deps: Deps, provider: string): ProviderAdapter<any, any> & { oauth: NonNullable<ProviderAdapter['oauth']> } {
  const adapter = deps.providers.get(provider)
  if (!adapter.oauth) throw new AppError('invalid_request', `${adapter.displayName} does not connect through OAuth.`)
  return adapter as ProviderAdapter<any, any> & { oauth: NonNullable<ProviderAdapter['oauth']> }
}

const invalidState = () =>
  new AppError('invalid_state', 'This sign-in link is unknown, expired or already used. Start connecting again.')

export function oauthRoutes(deps: Deps) {
  const { store, vault, sessions } = deps

  /** Stores a pending state (its hash, the sealed PKCE verifier) and returns the state value. */
  const issueState = async (provider: string, redirectUri: string, verifier: string, state = base64url(randomBytes(24))) => {
    const stateHash = hash(state)
    const now = Date.now()
    await store.update((db) => {
      // Pending states are bounded, so repeated authorize calls cannot grow the db.
      db.oauthStates = db.oauthStates.filter((item) => Date.parse(item.expiresAt) > now).slice(-(MAX_PENDING_STATES - 1))
      db.oauthStates.push({
        hash: stateHash,
        provider,
        redirectUri,
        sealedVerifier: vault.seal(verifier, stateHash),
        expiresAt: new Date(now + STATE_TTL_MS).toISOString(),
      })
    })
    return state
  }

  return new OpenAPIHono<AuthEnv>()
    .openapi(authorize, async (c) => {
      const { provider } = c.req.valid('param')
      const { redirectUri } = c.req.valid('json')
      const adapter = oauthAdapter(deps, provider)
      const verifier = base64url(randomBytes(48))
      const challenge = base64url(createHash('sha256').update(verifier).digest())
      // The URL is built first: a provider that cannot authorize (not configured) leaves nothing in the db.
      const state = base64url(randomBytes(24))
      const authorizeUrl = adapter.oauth.authorizeUrl({ redirectUri, state, codeChallenge: challenge })
      await issueState(provider, redirectUri, verifier, state)
      return c.json({ authorizeUrl, state }, 200)
    })
    .openapi(callback, async (c) => {
      const { provider } = c.req.valid('param')
      const { code, state, accountId } = c.req.valid('json')
      const adapter = oauthAdapter(deps, provider)
      const stateHash = hash(state)
      // The state is taken (deleted) before the exchange, so a replay of it fails whatever happens next.
      const taken = await store.update((db) => {
        const found = db.oauthStates.find((item) => item.hash === stateHash && item.provider === provider)
        db.oauthStates = db.oauthStates.filter((item) => item.hash !== stateHash)
        return found
      })
      if (!taken || Date.parse(taken.expiresAt) <= Date.now()) throw invalidState()
      const codeVerifier = vault.open(taken.sealedVerifier, stateHash) as string
      const id = randomUUID()
      const created = await adapter.oauth
        .exchange({ code, redirectUri: taken.redirectUri, codeVerifier, accountId }, sessions.http(adapter, id))
        .catch(async (error: unknown) => {
          // The admin must pick an account: the second step gets a state of its own, single-use
          // like the first (which is spent), sent back with the choices.
          if (error instanceof AppError && error.code === 'account_choice_required') {
            const next = await issueState(provider, taken.redirectUri, codeVerifier)
            throw new AppError(error.code, error.message, { details: { ...error.details, state: next } })
          }
          return connectFailure(error)
        })
      return c.json(await saveNewConnection(deps, adapter, created, c.get('principal')!.actor, id), 201)
    })
}
