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

let cache: { store: Store; revision: number; index: Map<string, StoredToken> } | null = null

/** Rebuilt after any store update (tokens are added, removed, and their role changed with grants). */
function tokenIndex(store: Store): Map<string, StoredToken> {
  if (cache?.store !== store || cache.revision !== store.revision) {
    cache = { store, revision: store.revision, index: new Map(store.data.tokens.map((item) => [item.hash, item])) }
  }
  return cache.index
}

export function tokenInfo(token: StoredToken, lastUsedAt: string | null): TokenInfo {
  const { id, role, email, label, createdAt, expiresAt, via } = token
  return { id, role, email, label, createdAt, expiresAt, lastUsedAt: lastUsedAt ?? token.lastUsedAt, via }
}
