import type { SyncRun } from '../../shared/domain.ts'
import { AppError, notFound, ProviderError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { StoredConnection } from '../store/schema.ts'
import type { Store } from '../store/store.ts'
import type { CertificateStore } from '../certificates/store.ts'
import { auditor } from '../store/audit.ts'
import { commitSync, replaceCampaigns, syncChanges } from './commit.ts'
import { evaluatePlan } from './evaluate.ts'
import { fetchSync, snapshotSelection } from './fetch.ts'
import { normalise, toStoredCampaigns } from './normalise.ts'
import { planSync } from './plan.ts'
import type { Sessions } from './session.ts'

export type SyncDeps = {
  store: Store
  log: Logger
  sessions: Sessions
  certificates: CertificateStore
  /** The clock of start and finish times (tests); default Date.now. */
  now?: () => number
}

/**
 * Runs syncs one at a time, each through the one-way pipeline: fetch → normalise → plan →
 * evaluate → certificates → commit (one module per stage, each importing only the ones before
 * it). Everything is fetched and evaluated first, then applied in one store update; a failure
 * before that update changes no record, it only marks the connection and writes the audit log.
 */
export class SyncService {
  private queue: Promise<unknown> = Promise.resolve()
  private readonly abort = new AbortController()

  constructor(private readonly deps: SyncDeps) {}

  private time(): string {
    return new Date(this.deps.now?.() ?? Date.now()).toISOString()
  }

  /** Syncs one connection when the syncs queued before it are done. */
  syncConnection(connectionId: string, actor: string): Promise<SyncRun> {
    if (!this.deps.store.data.connections.some((connection) => connection.id === connectionId)) {
      return Promise.reject(notFound(`Connection ${connectionId}`))
    }
    return this.enqueue(() => this.run(connectionId, actor))
  }

  async syncAll(actor: string): Promise<SyncRun[]> {
    const ids = this.deps.store.data.connections.map((connection) => connection.id)
    const runs: SyncRun[] = []
    for (const id of ids) runs.push(await this.enqueue(() => this.run(id, actor)))
    return runs
  }

  /** Fetches a connection's campaign list only (a new connection shows its campaigns at once). */
  refreshCampaigns(connectionId: string, actor: string): Promise<void> {
    return this.enqueue(async () => {
      const connection = this.connection(connectionId)
      const { session } = this.deps.sessions.open(connection, this.abort.signal)
      try {
        const campaigns = await session.listCampaigns()
        await this.deps.store.update((db) => {
          replaceCampaigns(db, connectionId, toStoredCampaigns(connectionId, campaigns))
        })
      } catch (error) {
        await this.recordFailure(connectionId, actor, error, null)
      }
    })
  }

  /** Abandons the running sync (nothing of it is written) and refuses new ones. */
  async stop(): Promise<void> {
    this.abort.abort(new AppError('shutting_down', 'trainproof is shutting down.'))
    await this.queue
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.abort.signal.aborted) return Promise.reject(this.abort.signal.reason)
    const run = this.queue.then(task)
    this.queue = run.catch(() => undefined)
    return run
  }

  private connection(id: string): StoredConnection {
    const connection = this.deps.store.data.connections.find((item) => item.id === id)
    if (!connection) throw notFound(`Connection ${id}`)
    return connection
  }

  private async run(connectionId: string, actor: string): Promise<SyncRun> {
    const startedAt = this.time()
    const connection = this.connection(connectionId)
    const selection = snapshotSelection(this.deps.store.data, connectionId)
    let opened: ReturnType<Sessions['open']> | null = null
    try {
      opened = this.deps.sessions.open(connection, this.abort.signal)
      const fetched = await fetchSync(opened.session, connectionId, selection)
      const normalised = normalise(connectionId, fetched)
      const plan = planSync(this.deps.store.data, connection, selection, normalised)
      const evaluated = evaluatePlan(plan, this.time())
      const certified = await this.deps.certificates.certify(opened.session, connectionId, evaluated.newlyCompliant)
      await this.deps.store.backup()
      const changes = syncChanges(this.deps.store.data, normalised.names, evaluated)
      const run: SyncRun = {
        connectionId,
        ok: true,
        startedAt,
        finishedAt: startedAt,
        requests: opened.http.requests,
        error: null,
        changes,
      }
      await this.deps.store.update(
        (db) => {
          // The end of the whole sync: everything fetched, evaluated and downloaded; the write is next.
          const finishedAt = this.time()
          run.finishedAt = finishedAt
          const stored = db.connections.find((item) => item.id === connectionId)
          if (!stored) throw notFound(`Connection ${connectionId}`)
          const { droppedFromSelection } = commitSync(db, normalised, evaluated, certified, finishedAt)
          Object.assign(stored, { status: 'connected', lastSyncAt: finishedAt, lastError: null })
          db.syncRuns.push(run)
          const detail = {
            connectionId,
            requests: run.requests,
            ...evaluated.stats,
            newlyCompliant: evaluated.newlyCompliant.length,
            droppedFromSelection,
          }
          auditor(db, actor, finishedAt)('sync.completed', detail)
        },
        { people: 'all' },
      )
      this.deps.log.info('sync completed', { connectionId, requests: run.requests })
      return run
    } catch (error) {
      return this.recordFailure(connectionId, actor, error, { startedAt, requests: opened?.http.requests ?? 0 })
    }
  }

  private async recordFailure(
    connectionId: string,
    actor: string,
    error: unknown,
    run: { startedAt: string; requests: number } | null,
  ): Promise<SyncRun> {
    const message = describe(error)
    const needsReauth = error instanceof ProviderError && error.kind === 'auth'
    const finishedAt = this.time()
    const result: SyncRun = {
      connectionId,
      ok: false,
      startedAt: run?.startedAt ?? finishedAt,
      finishedAt,
      requests: run?.requests ?? 0,
      error: message,
    }
    if (isShutdown(error)) return result
    this.deps.log.warn('sync failed', { connectionId, error: message })
    if (!(error instanceof AppError)) this.deps.log.error('unexpected sync error', { connectionId, error })
    await this.deps.store.update((db) => {
      const stored = db.connections.find((item) => item.id === connectionId)
      if (stored) Object.assign(stored, { status: needsReauth ? 'needs_reauth' : 'error', lastError: message })
      if (run) db.syncRuns.push(result)
      auditor(
        db,
        actor,
        finishedAt,
      )(run ? 'sync.failed' : 'campaigns.refresh_failed', {
        connectionId,
        code: error instanceof AppError ? error.code : 'internal_error',
        message,
      })
    })
    return result
  }
}

function isShutdown(error: unknown): boolean {
  return error instanceof AppError && error.code === 'shutting_down'
}

/** A human sentence for the connection's lastError: never a stack, never a secret. */
export function describe(error: unknown): string {
  if (error instanceof AppError) return error.message
  if (error instanceof Error && error.name === 'VaultError') return error.message
  return 'The sync failed unexpectedly; see the daemon log.'
}
