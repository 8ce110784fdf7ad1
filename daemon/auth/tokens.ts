import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { TokenInfo } from '../../shared/api.ts'
import type { Role } from '../../shared/domain.ts'
import type { StoredToken } from '../store/schema.ts'
import type { Store } from '../store/store.ts'

export type Principal = { role: Role; email: string | null; tokenId: string; actor: string }

/** The id under which the TRAINPROOF_ADMIN_TOKEN principal appears; it is not a stored token. */
export const ENV_TOKEN_ID = 'env'

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function newToken(): string {
  return `tp_${randomBytes(32).toString('base64url')}`
}

/** A hex digest as bytes, for the constant-time comparison; the admin token's is kept (it is compared on every request). */
let adminDigest: { hex: string; bytes: Buffer } | null = null
function bytesOf(hex: string, keep: boolean): Buffer {
  if (!keep) return Buffer.from(hex, 'hex')
  if (adminDigest?.hex !== hex) adminDigest = { hex, bytes: Buffer.from(hex, 'hex') }
  return adminDigest.bytes
}

export const isExpired = (token: StoredToken, now: Date) => token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime()

/**
 * Resolves a bearer token to its principal. Only SHA-256 digests are compared: the lookup is by
 * digest (an attacker cannot steer a digest, so map timing tells them nothing) and the final
 * comparison is constant-time. The configured admin token (TRAINPROOF_ADMIN_TOKEN) is checked the
 * same way. An expired token is unknown.
 */
export function authenticate(store: Store, adminTokenHash: string | null, token: string, now: Date): Principal | null {
  const digest = createHash('sha256').update(token).digest()
  if (adminTokenHash && timingSafeEqual(digest, bytesOf(adminTokenHash, true)))
    return { role: 'admin', email: null, tokenId: ENV_TOKEN_ID, actor: 'admin (TRAINPROOF_ADMIN_TOKEN)' }
  const stored = tokenIndex(store).get(digest.toString('hex'))
  if (!stored || !timingSafeEqual(digest, bytesOf(stored.hash, false)) || isExpired(stored, now)) return null
  const who = stored.via === 'oidc' && stored.email ? stored.email : stored.label
  return { role: stored.role, email: stored.email, tokenId: stored.id, actor: `${stored.role}:${who}` }
}

/**
 * Tokens by digest, kept in step with the store: a change that names token ids (a sign-in, a
 * sign-out, a grant) updates those entries only, so a request never waits for 100,000 tokens to
 * be hashed into a new Map after a token change (or after any other change). `'all'` (a
 * rollback, a migration) rebuilds it at the next lookup.
 */
class TokenIndex {
  private readonly byHash = new Map<string, StoredToken>()
  private readonly hashOf = new Map<string, string>()
  private stale = true

  constructor(private readonly store: Store) {
    store.onChange(({ tokens }) => {
      if (tokens === 'all') this.stale = true
      else if (tokens !== undefined && tokens.length > 0 && !this.stale) this.refresh(new Set(tokens))
    })
  }

  get(hash: string): StoredToken | undefined {
    if (this.stale) {
      this.byHash.clear()
      this.hashOf.clear()
      for (const token of this.store.data.tokens.values()) this.add(token)
      this.stale = false
    }
    return this.byHash.get(hash)
  }

  private refresh(ids: Set<string>): void {
    for (const id of ids) {
      const hash = this.hashOf.get(id)
      if (hash !== undefined) this.byHash.delete(hash)
      this.hashOf.delete(id)
    }
    for (const id of ids) {
      const token = this.store.data.tokens.get(id)
      if (token !== undefined) this.add(token)
    }
  }

  private add(token: StoredToken): void {
    this.byHash.set(token.hash, token)
    this.hashOf.set(token.id, token.hash)
  }
}

const indexes = new WeakMap<Store, TokenIndex>()

function tokenIndex(store: Store): TokenIndex {
  let index = indexes.get(store)
  if (index === undefined) {
    index = new TokenIndex(store)
    indexes.set(store, index)
  }
  return index
}

export function tokenInfo(token: StoredToken, lastUsedAt: string | null): TokenInfo {
  const { id, role, email, label, createdAt, expiresAt, via } = token
  return { id, role, email, label, createdAt, expiresAt, lastUsedAt: lastUsedAt ?? token.lastUsedAt, via }
}
