import { access, readFile, rename, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Low, type Adapter } from 'lowdb'
import { formatIssues } from '../../shared/errors.ts'
import { AppError } from '../errors.ts'
import { copyDurably, syncDir, writeDurably } from './durable.ts'
import { assignAuditIds } from './audit.ts'
import { DbSchema, emptyDb, type Db } from './schema.ts'

/**
 * What a change touches besides the configuration (connections, campaigns, trainings, grants,
 * schedule, sync runs, OAuth states), which any change may edit. The store writes only what a
 * change names, so a change must name every person (or `'all'`) whose entry, records or
 * retraining it edits, and `tokens` when it adds, removes or edits a token. Audit events are
 * found by the store itself (the log is append-only).
 */
export type ChangeScope = {
  people?: readonly string[] | 'all'
  tokens?: boolean
}

export class StoreError extends Error {
  override name = 'StoreError'
}

/** Sync runs are a status history, not the audit log: the newest few hundred are enough. */
const MAX_SYNC_RUNS = 500

/**
 * lowdb's adapter for the db file: read and validated with zod, written durably (temp file,
 * fsync, rename, fsync of the directory: `durable.ts`), so a crash or a power cut at any
 * instant leaves either the old or the new file on disk.
 */
class DurableJsonFile implements Adapter<Db> {
  constructor(readonly file: string) {}

  async read(): Promise<Db | null> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    return parseDb(text, this.file)
  }

  write(data: Db): Promise<void> {
    return writeDurably(this.file, JSON.stringify(data))
  }
}

/**
 * The one lowdb JSON file. Loaded and validated once at start (a file that is not a valid db
 * stops the daemon and is left untouched); every change goes through `update`, which runs
 * changes one at a time and writes the whole file. When a write fails, memory goes back to what
 * the file holds (the state before the change): the API never serves what was not saved.
 */
export class Store {
  private queue: Promise<unknown> = Promise.resolve()
  private changes = 0
  private readonly listeners = new Set<(scope: ChangeScope) => void>()
  /** Set when a failed write could not even be undone by reading the file back: no more writes. */
  private broken = false

  private constructor(
    private readonly low: Low<Db>,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<Store> {
    const low = new Low<Db>(new DurableJsonFile(file), emptyDb())
    try {
      await low.read()
    } catch (error) {
      if (error instanceof StoreError) throw new StoreError(`${error.message}\n${await backupAdvice(file)}`)
      throw error
    }
    const store = new Store(low, file)
    if (!(await exists(file))) await low.write()
    return store
  }

  /**
   * Keeps the file as it is now as backup 1, shifting older ones (up to BACKUPS). Called before
   * a sync commits, so the state before each of the last few syncs can be restored by hand.
   */
  async backup(): Promise<void> {
    await this.queue
    for (let n = BACKUPS - 1; n >= 1; n--) await rename(backupName(this.file, n), backupName(this.file, n + 1)).catch(() => undefined)
    await copyDurably(this.file, backupName(this.file, 1)).catch(() => undefined)
    await syncDir(dirname(this.file))
  }

  /** The current data. Treat as read-only outside `update`. */
  get data(): Db {
    return this.low.data
  }

  /**
   * Counts the updates applied so far. It moves as soon as a change has run (before the write),
   * and again when a failed write puts the old state back, so a read-side cache keyed on it (the
   * sorted e-mail index of `GET /personnel`) is never stale.
   */
  get revision(): number {
    return this.changes
  }

  /**
   * Applies `change` and writes the file. Changes run one after another. A change must do its
   * checks (and throw) before it mutates anything, so that a refused change leaves no trace.
   * When the write fails, the db in memory is read back from the file (which still holds the
   * state before the change) and the update rejects with `storage_failed` (503).
   */
  /**
   * Calls `listener` with the scope of every change, right after it ran (when `revision` moves),
   * and with everything after a rollback: read-side indexes refresh only what a change named.
   * Returns the unsubscribe.
   */
  onChange(listener: (scope: ChangeScope) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(scope: ChangeScope): void {
    this.changes++
    for (const listener of this.listeners) listener(scope)
  }

  update<T>(change: (db: Db) => T, scope: ChangeScope = {}): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.broken) throw storageFailed()
      let result: T
      try {
        result = change(this.low.data)
        trim(this.low.data)
      } finally {
        this.changed(scope)
      }
      try {
        await this.low.write()
      } catch (error) {
        await this.rollBack()
        throw storageFailed(error)
      }
      return result
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** After a failed write: memory becomes what the file holds again. */
  private async rollBack(): Promise<void> {
    try {
      await this.low.read()
    } catch {
      // The disk is gone too: refuse every later change rather than write a state never saved.
      this.broken = true
    } finally {
      this.changed({ people: 'all', tokens: true })
    }
  }
}

const storageFailed = (cause?: unknown) =>
  new AppError('storage_failed', 'trainproof could not save the change to its database file; nothing was changed.', { cause })

export const BACKUPS = 3
export const backupName = (file: string, n: number) => `${file}.bak${n}`

/** Names the newest backup that is itself a valid db, for the refusal message. */
async function backupAdvice(file: string): Promise<string> {
  for (let n = 1; n <= BACKUPS; n++) {
    const candidate = backupName(file, n)
    try {
      parseDb(await readFile(candidate, 'utf8'), candidate)
      const { mtime } = await stat(candidate)
      return `The newest good backup is ${candidate} (written ${mtime.toISOString()}); to restore it, stop trainproof and copy it over ${file}.`
    } catch {
      // missing or not valid either: try the next older one
    }
  }
  return 'No good backup was found beside it.'
}

function parseDb(text: string, file: string): Db {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new StoreError(`The database file ${file} is not valid JSON (corrupt or truncated). trainproof left it untouched.`)
  }
  const parsed = DbSchema.safeParse(raw)
  if (!parsed.success) {
    const where = formatIssues(parsed.error.issues, { messages: false, limit: 5 }).join(', ')
    throw new StoreError(`The database file ${file} does not match trainproof's schema (at ${where}). trainproof left it untouched.`)
  }
  assignAuditIds(parsed.data)
  return parsed.data
}

/** The audit log is never trimmed (append-only); only the sync-run history is capped. */
function trim(db: Db): void {
  if (db.syncRuns.length > MAX_SYNC_RUNS) db.syncRuns.splice(0, db.syncRuns.length - MAX_SYNC_RUNS)
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file)
    return true
  } catch {
    return false
  }
}
