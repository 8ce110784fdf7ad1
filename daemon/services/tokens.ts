import { randomUUID } from 'node:crypto'
import type { CreateTokenBody, CreatedToken, TokenInfo, TokenVia } from '../../shared/api.ts'
import { WRITE_ROLES, type Role } from '../../shared/domain.ts'
import type { SignInIdentity } from '../auth/oidc/claims.ts'
import { hashToken, isExpired, newToken, tokenInfo, type Principal } from '../auth/tokens.ts'
import { AppError, notFound } from '../errors.ts'
import type { Db, StoredToken } from '../store/schema.ts'
import type { ChangeScope } from '../store/store.ts'
import { expiryIndex } from '../store/token-expiry.ts'
import { auditor, tokenIssuedAction } from './audit.ts'
import type { Deps } from './deps.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export type IssueInput = { role: Role; email: string | null; label: string; expiresInDays: number | null; via: TokenVia }

const canWrite = (role: Role) => (WRITE_ROLES as readonly Role[]).includes(role)

const created = (token: string, stored: StoredToken): CreatedToken => ({
  token,
  id: stored.id,
  role: stored.role,
  email: stored.email,
  expiresAt: stored.expiresAt,
})

/**
 * Expired tokens answer 401 already; they leave the file with the next token change. The expiry
 * index (store/token-expiry.ts) names them without looking at the others; returns the dropped ids.
 */
function dropExpired(db: Db, now: Date): string[] {
  const dropped = expiryIndex(db.tokens).takeExpired(now.getTime())
  for (const id of dropped) db.tokens.delete(id)
  return dropped
}

export type AddedToken = {
  token: string
  stored: StoredToken /** The ids the change touched: the new one and the expired ones dropped. */
  changed: string[]
}

/** The store scope of `addToken`'s change. */
export const addedTokenScope = ({ changed }: AddedToken): ChangeScope => ({ tokens: changed })

/** Adds a token inside a store update (and drops expired ones); returns the secret, shown once. */
export function addToken(db: Db, input: IssueInput, actor: string, now: Date): AddedToken {
  const token = newToken()
  const at = now.toISOString()
  const stored: StoredToken = {
    id: randomUUID(),
    hash: hashToken(token),
    role: input.role,
    email: input.email,
    label: input.label,
    createdAt: at,
    expiresAt: input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString(),
    lastUsedAt: null,
    via: input.via,
  }
  const dropped = dropExpired(db, now)
  db.tokens.set(stored.id, stored)
  const { id, role, email, label, expiresAt } = stored
  auditor(db, actor, at)(tokenIssuedAction(input.via), { tokenId: id, role, email, label, expiresAt })
  return { token, stored, changed: [stored.id, ...dropped] }
}

/** Tokens: issued by a write role, by sign-in, listed (never the secret) and revoked. */
export function createTokenService({ store, now, activity, config }: Pick<Deps, 'store' | 'now' | 'activity' | 'config'>) {
  // Built at start (one pass over the tokens) rather than by the first sign-in.
  expiryIndex(store.data.tokens)
  return {
    async issue(body: CreateTokenBody, actor: string): Promise<CreatedToken> {
      const email = body.email ?? null
      const input = {
        role: body.role,
        email,
        label: body.label ?? email ?? body.role,
        expiresInDays: body.expiresInDays ?? null,
        via: 'issued' as const,
      }
      const { token, stored } = await store.update((db) => addToken(db, input, actor, now()), addedTokenScope)
      return created(token, stored)
    },
    /** A sign-in token, with the role granted to the e-mail (else employee), valid for the session length. */
    async signIn(who: SignInIdentity): Promise<CreatedToken> {
      const { token, stored } = await store.update((db) => {
        const role = db.grants.find((grant) => grant.email === who.email)?.role ?? 'employee'
        const label = who.name ?? who.email
        return addToken(
          db,
          { role, email: who.email, label, expiresInDays: config.sessionDays, via: 'oidc' },
          `${role}:${who.email}`,
          now(),
        )
      }, addedTokenScope)
      return created(token, stored)
    },
    list(): TokenInfo[] {
      const at = now()
      const live: TokenInfo[] = []
      for (const token of store.data.tokens.values()) if (!isExpired(token, at)) live.push(tokenInfo(token, activity.lastUsed(token.id)))
      return live
    },
    /** Write roles revoke any token, everyone their own (signing out); refused from the next request on. */
    async revoke(principal: Principal, id: string): Promise<void> {
      const own = principal.tokenId === id
      if (!own && !canWrite(principal.role)) throw new AppError('forbidden', `A ${principal.role} token may only revoke itself.`)
      await store.update(
        (db) => {
          const gone = db.tokens.get(id)
          if (gone === undefined || isExpired(gone, now())) throw notFound('Token')
          db.tokens.delete(id)
          const detail = { tokenId: id, role: gone.role, email: gone.email, label: gone.label }
          auditor(db, principal.actor, now().toISOString())(own ? 'token.signed_out' : 'token.revoked', detail)
        },
        { tokens: [id] },
      )
      activity.forget(id)
    },
  }
}

export type TokenService = ReturnType<typeof createTokenService>
