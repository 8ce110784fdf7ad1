import { createHash, randomBytes } from 'node:crypto'

export const STATE_TTL_MS = 10 * 60 * 1000
/** Pending sign-ins kept at most; the oldest go first (anyone may start one). */
export const MAX_PENDING = 10_000

export type PendingSignIn = { redirectUri: string; codeVerifier: string; nonce: string; expiresAt: number }

const digest = (state: string) => createHash('sha256').update(state).digest('hex')

/**
 * Sign-ins between /auth/oidc/start and /auth/oidc/callback, in memory: a start needs no token,
 * so writing each to the db file would let anyone make the daemon write; a daemon restart in the
 * minute a person spends at their identity provider only means clicking "Sign in" again.
 * States are single-use and expire after 10 minutes; only their digest is kept.
 */
export class PendingSignIns {
  private readonly byDigest = new Map<string, PendingSignIn>()

  constructor(private readonly now: () => Date) {}

  add(entry: Omit<PendingSignIn, 'expiresAt'>): string {
    this.sweep()
    while (this.byDigest.size >= MAX_PENDING) {
      const oldest = this.byDigest.keys().next().value
      if (oldest === undefined) break
      this.byDigest.delete(oldest)
    }
    const state = randomBytes(24).toString('base64url')
    this.byDigest.set(digest(state), { ...entry, expiresAt: this.now().getTime() + STATE_TTL_MS })
    return state
  }

  /** The sign-in this state started, once: unknown, expired or already used → null. */
  take(state: string): PendingSignIn | null {
    const key = digest(state)
    const entry = this.byDigest.get(key)
    this.byDigest.delete(key)
    if (entry === undefined || entry.expiresAt <= this.now().getTime()) return null
    return entry
  }

  get size(): number {
    return this.byDigest.size
  }

  private sweep(): void {
    const now = this.now().getTime()
    for (const [key, entry] of this.byDigest) if (entry.expiresAt <= now) this.byDigest.delete(key)
  }
}
