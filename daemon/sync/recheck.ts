import { TRAINING_IDS } from '../../shared/domain.ts'
import { currentRecord } from '../compliance/views.ts'
import { AppError } from '../errors.ts'
import type { Store } from '../store/store.ts'
import type { SyncService } from './service.ts'

/** One re-check per person per minute: enough for "I just finished", too little to hammer a provider. */
export const RECHECK_INTERVAL_MS = 60_000

/**
 * "I finished — check again": syncs the connections behind the person's due trainings. A provider
 * has no cheaper per-person query that still proves completion of every module, so this is a sync
 * of those connections (sticky people are skipped as always), limited per person.
 */
export class Rechecks {
  private readonly last = new Map<string, number>()

  constructor(
    private readonly deps: { store: Store; sync: SyncService },
    private readonly now: () => number = Date.now,
  ) {}

  async run(email: string, actor: string): Promise<void> {
    const now = this.now()
    const previous = this.last.get(email)
    if (previous !== undefined && now - previous < RECHECK_INTERVAL_MS) {
      const seconds = Math.ceil((RECHECK_INTERVAL_MS - (now - previous)) / 1000)
      throw new AppError('recheck_rate_limited', `Checked a moment ago; try again in ${seconds} seconds.`, 429, { retryAfterSeconds: seconds })
    }
    this.last.set(email, now)
    for (const connectionId of this.connectionsToCheck(email)) await this.deps.sync.syncConnection(connectionId, `recheck:${actor}`)
  }

  private connectionsToCheck(email: string): Set<string> {
    const db = this.deps.store.data
    const person = db.people[email]
    const ids = new Set<string>()
    for (const training of TRAINING_IDS) {
      const { connectionId, campaignIds } = db.trainings[training]
      if (connectionId === null || campaignIds.length === 0) continue
      const record = person ? currentRecord(db, person, training) : null
      if (!record?.sticky) ids.add(connectionId)
    }
    return ids
  }
}
