import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Connection } from '../../shared/domain.ts'
import { AppError } from '../errors.ts'
import { isAccountChoice, type AccountChoice, type OAuthConnect, type ProviderAdapter } from '../providers/types.ts'
import type { ConnectionService } from './connections.ts'
import { connectFailure } from './connections.ts'
import type { Deps } from './deps.ts'

const STATE_TTL_MS = 10 * 60_000
const MAX_PENDING_STATES = 50

type OAuthAdapter = ProviderAdapter<unknown, unknown> & { oauth: OAuthConnect<unknown, unknown> }
type Callback = { code: string; state: string; accountId?: string }

const hash = (value: string) => createHash('sha256').update(value).digest('hex')
const base64url = (bytes: Buffer) => bytes.toString('base64url')

const invalidState = () => new AppError('invalid_state', 'This sign-in link is unknown, expired or already used. Start connecting again.')

/** The admin must pick an account: a 409 with the choices and the state of the second step. */
function chooseAccount(adapter: OAuthAdapter, choice: AccountChoice, state: string): AppError {
  const message = choice.unknownChoice
    ? `That ${adapter.displayName} account is not one this login can read; choose one of the accounts listed.`
    : `This ${adapter.displayName} login can read several accounts; choose the one trainproof should use.`
  return new AppError('account_choice_required', message, { details: { choices: choice.accounts, state } })
}

/**
 * Connecting through an OAuth 2 authorization-code redirect: single-use states (kept as hashes,
 * with the sealed PKCE verifier, bounded in number, 10 minutes), the code exchange, and the
 * account choice when a login reads several accounts.
 */
export function createOAuthService(deps: Deps, connections: ConnectionService) {
  const { store, vault, sessions, providers, now: clock } = deps

  function adapterOf(provider: string): OAuthAdapter {
    const adapter = providers.get(provider)
    if (!adapter.oauth) throw new AppError('invalid_request', `${adapter.displayName} does not connect through OAuth.`)
    return adapter as OAuthAdapter
  }

  /** Stores a pending state (its hash, the sealed PKCE verifier) and returns the state value. */
  async function issueState(provider: string, redirectUri: string, verifier: string, state = base64url(randomBytes(24))) {
    const stateHash = hash(state)
    const now = clock().getTime()
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

  /** Takes (deletes) a state before anything else, so a replay of it fails whatever happens next. */
  async function takeState(provider: string, state: string): Promise<{ redirectUri: string; codeVerifier: string }> {
    const stateHash = hash(state)
    const taken = await store.update((db) => {
      const found = db.oauthStates.find((item) => item.hash === stateHash && item.provider === provider)
      db.oauthStates = db.oauthStates.filter((item) => item.hash !== stateHash)
      return found
    })
    if (!taken || Date.parse(taken.expiresAt) <= clock().getTime()) throw invalidState()
    return { redirectUri: taken.redirectUri, codeVerifier: vault.open(taken.sealedVerifier, stateHash) as string }
  }

  /** Where to send the browser; the URL is built first, so a provider that cannot authorize leaves nothing in the db. */
  async function authorize(provider: string, redirectUri: string): Promise<{ authorizeUrl: string; state: string }> {
    const adapter = adapterOf(provider)
    const verifier = base64url(randomBytes(48))
    const challenge = base64url(createHash('sha256').update(verifier).digest())
    const state = base64url(randomBytes(24))
    const authorizeUrl = adapter.oauth.authorizeUrl({ redirectUri, state, codeChallenge: challenge })
    await issueState(provider, redirectUri, verifier, state)
    return { authorizeUrl, state }
  }

  /**
   * Finishes the flow with the code the redirect brought back. When the login reads several
   * accounts, the second step gets a state of its own, single-use like the first (which is spent).
   */
  async function callback(provider: string, { code, state, accountId }: Callback, actor: string): Promise<Connection> {
    const adapter = adapterOf(provider)
    const { redirectUri, codeVerifier } = await takeState(provider, state)
    const id = randomUUID()
    const outcome = await adapter.oauth
      .exchange({ code, redirectUri, codeVerifier, accountId }, sessions.http(adapter, id))
      .catch(connectFailure)
    if (isAccountChoice(outcome)) throw chooseAccount(adapter, outcome, await issueState(provider, redirectUri, codeVerifier))
    return connections.saveNew(adapter, outcome, actor, id)
  }

  return { authorize, callback, issueState, takeState }
}

export type OAuthService = ReturnType<typeof createOAuthService>
