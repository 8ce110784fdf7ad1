import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { TokenInfo, TokenVia } from '../../shared/api.ts'
import type { Role } from '../../shared/domain.ts'
import type { Db, StoredToken } from '../store/schema.ts'
import type { Store } from '../store/store.ts'
import { audit } from '../store/audit.ts'

export type Principal = { role: Role; email: string | null; tokenId: string; actor: string }

/** The id under which the TRAINPROOF_ADMIN_TOKEN principal appears; it is not a stored token. */
export const ENV_TOKEN_ID = 'env'

const DAY_MS = 24 * 60 * 60 * 1000

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function newToken(): string {
  return `tp_${randomBytes(32).toString('base64url')}`
}

function sameHash(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))
}

export const isExpired = (token: StoredToken, now: Date) => token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime()

/**
 * Resolves a bearer token to its principal. Only SHA-256 digests are compared: the lookup is by
 * digest (an attacker cannot steer a digest, so map timing tells them nothing) and the final
 * comparison is constant-time. The configured admin token (TRAINPROOF_ADMIN_TOKEN) is checked the
 * same way. An expired token is unknown.
 */
export function authenticate(store: Store, adminTokenHash: string | null, token: string, now: Date): Principal | null {
  const hash = hashToken(token)
  if (adminTokenHash && sameHash(hash, adminTokenHash)) return { role: 'admin', email: null, tokenId: ENV_TOKEN_ID, actor: 'admin (TRAINPROOF_ADMIN_TOKEN)' }
  const stored = tokenIndex(store).get(hash)
  if (!stored || !sameHash(hash, stored.hash) || isExpired(stored, now)) return null
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

export type IssueInput = { role: Role; email: string | null; label: string; expiresInDays: number | null; via: TokenVia }

/** Adds a token inside a store update (and drops expired ones); returns the secret, shown once. */
export function addToken(db: Db, input: IssueInput, actor: string, now: Date): { token: string; stored: StoredToken } {
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
  dropExpired(db, now)
  db.tokens.push(stored)
  const action = input.via === 'oidc' ? 'auth.signed_in' : 'token.issued'
  audit(db, actor, action, { tokenId: stored.id, role: stored.role, email: stored.email, label: stored.label, expiresAt: stored.expiresAt }, at)
  return { token, stored }
}

export async function issueToken(store: Store, input: IssueInput, actor: string, now: Date): Promise<{ token: string; stored: StoredToken }> {
  return store.update((db) => addToken(db, input, actor, now), { tokens: true })
}

/** Expired tokens answer 401 already; they leave the file with the next token change. */
function dropExpired(db: Db, now: Date): void {
  const live = db.tokens.filter((token) => !isExpired(token, now))
  if (live.length !== db.tokens.length) db.tokens.splice(0, db.tokens.length, ...live)
}

export function tokenInfo(token: StoredToken, lastUsedAt: string | null): TokenInfo {
  const { id, role, email, label, createdAt, expiresAt, via } = token
  return { id, role, email, label, createdAt, expiresAt, lastUsedAt: lastUsedAt ?? token.lastUsedAt, via }
}
