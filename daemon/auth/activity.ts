import type { Store } from '../store/store.ts'

/** How often last-use times reach the db file at most. */
export const ACTIVITY_FLUSH_MS = 5 * 60 * 1000

/**
 * `lastUsedAt` of tokens without a db write per request: uses are noted in memory and written
 * with the first request after ACTIVITY_FLUSH_MS has passed since the last write, and at close.
 * A crash loses at most that window of last-use times, nothing else.
 */
export class TokenActivity {
  /** Token id → epoch ms of its newest use (a number: no ISO string per request). */
  private readonly pending = new Map<string, number>()
  private lastFlush: number

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {
    this.lastFlush = now().getTime()
  }

  /** The newest use of a token, whether written yet or not. */
  lastUsed(tokenId: string): string | null {
    const at = this.pending.get(tokenId)
    return at === undefined ? null : new Date(at).toISOString()
  }

  /** Notes a use at `at` (the request's time, when the caller has it already). */
  touch(tokenId: string, at: Date = this.now()): void {
    const ms = at.getTime()
    this.pending.set(tokenId, ms)
    if (ms - this.lastFlush >= ACTIVITY_FLUSH_MS) void this.flush()
  }

  forget(tokenId: string): void {
    this.pending.delete(tokenId)
  }

  async flush(): Promise<void> {
    this.lastFlush = this.now().getTime()
    if (this.pending.size === 0) return
    const uses = new Map(Array.from(this.pending, ([id, ms]) => [id, new Date(ms).toISOString()]))
    this.pending.clear()
    await this.store.update(
      (db) => {
        const changed: string[] = []
        for (const [id, at] of uses) {
          const token = db.tokens.get(id)
          if (token !== undefined && (token.lastUsedAt === null || at > token.lastUsedAt)) {
            token.lastUsedAt = at
            changed.push(id)
          }
        }
        return changed
      },
      // One tokens-journal line naming the tokens used, not a rewrite of every token.
      (changed) => ({ tokens: changed }),
    )
  }
}
