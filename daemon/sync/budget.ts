import { AppError } from '../errors.ts'
import type { Db } from '../store/schema.ts'

const DAY_MS = 24 * 60 * 60 * 1000
/** What a re-check may cost at most, counted before it starts (KnowBe4: one page of one user). */
export const RECHECK_COST = 3
/** The reserve kept for the nightly sync never goes below this many requests. */
export const MIN_RESERVE = 50
/** The reserve is the last successful sync's request count with this headroom. */
export const RESERVE_FACTOR = 1.5

/**
 * A provider's daily request budget (KnowBe4: 2,000 + seats per 24 h), shared by syncs and
 * re-checks. Syncs are counted from the db's sync runs; re-checks in memory (a restart forgets
 * them, which at most lets a few more re-checks through). A re-check is refused when it would
 * eat into the reserve the next nightly sync needs.
 */
export class DailyBudget {
  private readonly rechecks = new Map<string, { at: number; requests: number }[]>()

  constructor(private readonly now: () => number) {}

  /** Throws 429 `recheck_budget_reserved` when a re-check would touch the nightly sync's reserve. */
  admit(db: Db, connectionId: string, budget: number): void {
    const now = this.now()
    const { used, oldest } = this.used(db, connectionId, now)
    if (used + RECHECK_COST <= budget - reserveOf(db, connectionId)) return
    const seconds = oldest === null ? 3600 : Math.max(1, Math.ceil((oldest + DAY_MS - now) / 1000))
    throw new AppError(
      'recheck_budget_reserved',
      "The provider's daily request budget is nearly used up; what is left is kept for the nightly sync. The next sync will check again.",
      { retryAfterSeconds: seconds },
    )
  }

  record(connectionId: string, requests: number): void {
    const list = this.rechecks.get(connectionId) ?? []
    list.push({ at: this.now(), requests })
    this.rechecks.set(connectionId, list)
  }

  /** Requests made in the last 24 h, and when the oldest of them was made. */
  used(db: Db, connectionId: string, now = this.now()): { used: number; oldest: number | null } {
    let used = 0
    let oldest: number | null = null
    const count = (at: number, requests: number) => {
      if (at <= now - DAY_MS) return
      used += requests
      if (oldest === null || at < oldest) oldest = at
    }
    for (const run of db.syncRuns) if (run.connectionId === connectionId) count(Date.parse(run.startedAt), run.requests)
    const kept = (this.rechecks.get(connectionId) ?? []).filter((entry) => entry.at > now - DAY_MS)
    this.rechecks.set(connectionId, kept)
    for (const entry of kept) count(entry.at, entry.requests)
    return { used, oldest }
  }
}

/** What the nightly sync of a connection needs: its last successful sync's requests, with headroom. */
export function reserveOf(db: Db, connectionId: string): number {
  for (let index = db.syncRuns.length - 1; index >= 0; index--) {
    const run = db.syncRuns[index]!
    if (run.connectionId === connectionId && run.ok) return Math.max(MIN_RESERVE, Math.ceil(run.requests * RESERVE_FACTOR))
  }
  return MIN_RESERVE
}
