import { Cron } from 'croner'
import { realClock, type Clock } from '../clock.ts'
import type { Logger } from '../log.ts'
import type { ChangeScope, Store } from '../store/store.ts'
import type { SyncService } from './service.ts'
import { applyDueResets, type PlannedReset } from '../recurrence/resets.ts'

const DAY_MS = 24 * 60 * 60_000
/** Resets of more people than this are written as a new people file rather than one long journal line. */
const JOURNAL_RESETS_UP_TO = 5_000

function resetScope(resets: readonly PlannedReset[]): ChangeScope {
  return { people: resets.length > JOURNAL_RESETS_UP_TO ? 'all' : resets.map((reset) => reset.email) }
}

/**
 * The nightly sync of every connection, at `at` (HH:MM, local time). On start it catches up: when
 * the last scheduled time passed while the daemon was down (by the daemon's clock), it syncs at
 * once. Syncs already run one at a time in the SyncService; `protect` also keeps two nightly runs
 * from overlapping. croner's own timers fire the nightly run (tests call `runNow`).
 */
export class Scheduler {
  private constructor(
    private readonly cron: Cron,
    private readonly catchUp: Promise<void>,
  ) {}

  static start({
    store,
    sync,
    log,
    at,
    clock = realClock,
  }: {
    store: Store
    sync: SyncService
    log: Logger
    at: string
    clock?: Clock
  }): Scheduler {
    const now = () => new Date(clock.now())
    const [hours, minutes] = at.split(':').map(Number)
    const run = async (scheduledFor: Date) => {
      // Recurrence first, so that the sync right after re-evaluates whoever it reset.
      // Names only the people it reset: a quiet night writes no people file and moves no index.
      const resets = await store.update((db) => applyDueResets(db, now(), 'scheduler'), resetScope)
      if (resets.length > 0) log.info('recurrence resets applied', { resets: resets.length })
      if (store.data.connections.length > 0) {
        const runs = await sync.syncAll('scheduler')
        log.info('nightly sync done', { ok: runs.filter((item) => item.ok).length, failed: runs.filter((item) => !item.ok).length })
      }
      await store.update((db) => {
        db.schedule.lastNightlyAt = scheduledFor.toISOString()
      })
    }
    const cron = new Cron(
      `${minutes} ${hours} * * *`,
      { protect: true, catch: (error) => log.error('nightly sync failed', { error }) },
      () => run(now()),
    )
    const startedAt = clock.now()
    const lastScheduled = cron.nextRun(new Date(startedAt - DAY_MS))
    const lastRun = store.data.schedule.lastNightlyAt
    const missed =
      lastScheduled !== null && lastScheduled.getTime() <= startedAt && (lastRun === null || Date.parse(lastRun) < lastScheduled.getTime())
    if (!missed || !lastScheduled) return new Scheduler(cron, Promise.resolve())
    log.info('catching up a missed nightly sync', { scheduledFor: lastScheduled.toISOString() })
    return new Scheduler(
      cron,
      run(lastScheduled).catch((error) => log.error('catch-up sync failed', { error })),
    )
  }

  /** Runs the nightly job now (recurrence, then sync), as the schedule would. */
  runNow(): Promise<void> {
    return this.cron.trigger()
  }

  /** The next nightly run. */
  next(): Date | null {
    return this.cron.nextRun()
  }

  /** Settles when a catch-up run (if any) has finished. */
  caughtUp(): Promise<void> {
    return this.catchUp
  }

  stop(): void {
    this.cron.stop()
  }
}
