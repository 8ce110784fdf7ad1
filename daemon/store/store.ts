import { access } from 'node:fs/promises'
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

  private constructor(
    private readonly low: Low<Db>,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<Store> {
    const low = new Low<Db>(new DataFile<Db>(file, { parse: (text) => parseDb(text, file), stringify: (data) => JSON.stringify(data) }), emptyDb())
    await low.read()
    const store = new Store(low, file)
    if (!(await exists(file))) await low.write()
    return store
  }

  /** The current data. Treat as read-only outside `update`. */
  get data(): Db {
    return this.low.data
  }

  /**
   * Applies `change` and writes the file. Changes run one after another. A change must do its
   * checks (and throw) before it mutates anything, so that a refused change leaves no trace.
   */
  update<T>(change: (db: Db) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const result = change(this.low.data)
      trim(this.low.data)
      await this.low.write()
      return result
    })
    this.queue = run.catch(() => undefined)
    return run
  }
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
