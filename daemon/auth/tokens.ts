import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Role } from '../../shared/domain.ts'
import type { StoredToken } from '../store/schema.ts'
import type { Store } from '../store/store.ts'
import { audit } from '../store/audit.ts'

export type Principal = { role: Role; email: string | null; tokenId: string; actor: string }

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function newToken(): string {
  return `tp_${randomBytes(32).toString('base64url')}`
}

function sameHash(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))
}

/**
 * Resolves a bearer token to its principal. Only SHA-256 digests are compared: the lookup is by
 * digest (an attacker cannot steer a digest, so map timing tells them nothing) and the final
 * comparison is constant-time. The configured admin token (TRAINPROOF_ADMIN_TOKEN) is checked the same way.
 */
export function authenticate(store: Store, adminTokenHash: string | null, token: string): Principal | null {
  const hash = hashToken(token)
  if (adminTokenHash && sameHash(hash, adminTokenHash)) return { role: 'admin', email: null, tokenId: 'env', actor: 'admin (TRAINPROOF_ADMIN_TOKEN)' }
  const stored = tokenIndex(store).get(hash)
  if (!stored || !sameHash(hash, stored.hash)) return null
  return { role: stored.role, email: stored.email, tokenId: stored.id, actor: `${stored.role}:${stored.label}` }
}

let cache: { tokens: StoredToken[]; size: number; index: Map<string, StoredToken> } | null = null

/** Tokens are only ever appended or removed, so the array's identity and length tell when to rebuild. */
function tokenIndex(store: Store): Map<string, StoredToken> {
  const tokens = store.data.tokens
  if (cache?.tokens !== tokens || cache.size !== tokens.length) {
    cache = { tokens, size: tokens.length, index: new Map(tokens.map((item) => [item.hash, item])) }
  }
  return cache.index
}

export async function issueToken(
  store: Store,
  input: { role: Role; email: string | null; label: string },
  actor: string,
): Promise<{ token: string; id: string }> {
  const token = newToken()
  const id = randomUUID()
  const at = new Date().toISOString()
  await store.update((db) => {
    db.tokens.push({ id, hash: hashToken(token), role: input.role, email: input.email, label: input.label, createdAt: at })
    audit(db, actor, 'token.issued', { tokenId: id, role: input.role, email: input.email, label: input.label }, at)
  })
  return { token, id }
}
