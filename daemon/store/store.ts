import { access, copyFile, readFile, rename, stat } from 'node:fs/promises'
import { Low } from 'lowdb'
import { DataFile } from 'lowdb/node'
import { DbSchema, emptyDb, type Db } from './schema.ts'

export class StoreError extends Error {
  override name = 'StoreError'
}

/** Caps that keep the db from growing without bound. */
const MAX_AUDIT = 5_000
const MAX_SYNC_RUNS = 500

/**
 * The one lowdb JSON file. Loaded and validated once at start (a file that is not a valid db
 * stops the daemon and is left untouched); every change goes through `update`, which runs
 * changes one at a time and writes the whole file atomically (lowdb's steno: temp file + rename),
 * so a crash at any instant leaves either the old or the new file.
 */
export class Store {
  private queue: Promise<unknown> = Promise.resolve()
  private changes = 0

  private constructor(
    private readonly low: Low<Db>,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<Store> {
    const low = new Low<Db>(new DataFile<Db>(file, { parse: (text) => parseDb(text, file), stringify: (data) => JSON.stringify(data) }), emptyDb())
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
    await copyFile(this.file, backupName(this.file, 1)).catch(() => undefined)
  }

  /** The current data. Treat as read-only outside `update`. */
  get data(): Db {
    return this.low.data
  }

  /**
   * Counts the updates applied so far. It moves as soon as a change has run (before the write),
   * so a read-side cache keyed on it (the sorted e-mail index of `GET /personnel`) is never stale.
   */
  get revision(): number {
    return this.changes
  }

  /**
   * Applies `change` and writes the file. Changes run one after another. A change must do its
   * checks (and throw) before it mutates anything, so that a refused change leaves no trace.
   */
  update<T>(change: (db: Db) => T): Promise<T> {
    const run = this.queue.then(async () => {
      let result: T
      try {
        result = change(this.low.data)
        trim(this.low.data)
      } finally {
        this.changes++
      }
      await this.low.write()
      return result
    })
    this.queue = run.catch(() => undefined)
    return run
  }
}

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
    const where = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 5).join(', ')
    throw new StoreError(`The database file ${file} does not match trainproof's schema (at ${where}). trainproof left it untouched.`)
  }
  return parsed.data
}

function trim(db: Db): void {
  if (db.audit.length > MAX_AUDIT) db.audit.splice(0, db.audit.length - MAX_AUDIT)
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
