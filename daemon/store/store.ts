import { mkdir, readdir, readFile, stat, truncate, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Low } from 'lowdb'
import { AppError } from '../errors.ts'
import { copyDurably } from './durable.ts'
import { appendAt } from './files.ts'
import { backupAdvice, keepCommitted, rotateBackups } from './backups.ts'
import { type ChangeScope, scopeGuard, ScopeError } from './guard.ts'
import { filesOf, JsonFile, loadDb, PeopleFile, type Loaded, StoreError, toConfigFile } from './load.ts'
import { type Committed, ConfigFile, type Db, emptyDb, type JournalLine, nothingCommitted, SCHEMA_VERSION } from './schema.ts'
import { noteTokenChanges } from './token-expiry.ts'
import { tokenJournalLine, TokensFile } from './tokens-codec.ts'

export { StoreError } from './load.ts'

export type { ChangeScope } from './guard.ts'

/** Sync runs are a status history, not the audit log: the newest few hundred are enough. */
const MAX_SYNC_RUNS = 500
/** A journal longer than this is folded into a new people file at the next person-level change. */
const JOURNAL_LIMIT = 16 * 2 ** 20
/**
 * The tokens journal is folded into a new tokens file at the next token change once it is past
 * this and past the tokens file's own size: folds then cost at most about what the journal
 * lines did, and a load replays at most about one tokens file's worth of lines.
 */
const TOKEN_JOURNAL_LIMIT = 4 * 2 ** 20

/**
 * The db, split into files by how they change (schema version 2 and later), each read and written through
 * lowdb (`Low` with the adapters of load.ts) or appended to:
 *
 *   trainproof.json                the configuration and the commit record (zod-checked, small)
 *   trainproof.tokens.<T>.json     the tokens, generation T
 *   trainproof.tokens-journal.<T>.jsonl   token changes since tokens file T, one line each
 *   trainproof.people.<G>.jsonl    people, records, retraining in the compact layout (codec.ts)
 *   trainproof.journal.<G>.jsonl   person-level changes since people file G, one line each
 *   trainproof.audit.jsonl         the audit log, one event a line, append-only
 *
 * **All or nothing across files.** The configuration file is the commit point: it is replaced
 * atomically and durably (temp file, fsync, rename, fsync of the directory) and names what the
 * committed state is made of (`committed`: G, T, the two journals' and the audit log's committed
 * byte lengths). A change writes everything else first — a new people file G+1 or a journal line
 * at byte J, a new tokens file T+1 or a tokens-journal line at byte K, audit lines at byte A,
 * each flushed — and the configuration
 * last. A crash before the rename leaves the old configuration, which names the old files (never
 * touched: new generations get new names) and the old lengths (bytes after them are cut off on
 * load); a crash after it finds every file it names complete. Files of other generations are
 * removed on load and after each commit.
 *
 * **Migrations.** A version-1 db (one file) is kept as `trainproof.json.v1`; the committed files
 * of a version-2 db (whose people file had the older layout, decoder-v2.ts) are copied into a
 * folder `trainproof.json.v2`. Then every file is written anew as the current version, the
 * configuration last, as any change.
 *
 * A change costs what it touches: configuration only → the small file; `people: [emails]` → one
 * journal line (replayed on load, folded into the people file at the next full write); `people:
 * 'all'` (a sync commit, cascades) → a new people file, written in chunks with yields so that
 * readers are served meanwhile; `tokens: [ids]` → one tokens-journal line holding those tokens
 * (a sign-in, a sign-out, a lastUsedAt flush), folded into a new tokens file past a limit;
 * `tokens: 'all'` → a new tokens file. Later updates wait in the queue.
 */
export class Store {
  private queue: Promise<unknown> = Promise.resolve()
  private changes = 0
  private readonly listeners = new Set<(scope: ChangeScope) => void>()
  /** Set when a failed write could not even be undone by reading the files back: no more writes. */
  private broken = false

  private constructor(
    private db: Db,
    private committed: Committed,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<Store> {
    let loaded: Loaded | null
    try {
      loaded = await loadDb(file)
    } catch (error) {
      if (error instanceof StoreError && !error.unknownVersion) throw new StoreError(`${error.message}\n${await backupAdvice(file)}`)
      throw error
    }
    if (loaded === null) {
      const store = new Store(emptyDb(), nothingCommitted(), file)
      await store.commitConfig(store.committed)
      return store
    }
    if (loaded.migrateFrom === 1) {
      // Version 1: keep the old file beside the new ones, then write every file of the current
      // version; the configuration replacing trainproof.json is the commit point of the migration.
      await copyDurably(file, `${file}.v1`)
      const store = new Store(loaded.db, nothingCommitted(), file)
      await store.write({ people: 'all', tokens: 'all' })
      return store
    }
    if (loaded.migrateFrom === 2) {
      // Version 2: keep a copy of its committed files in a folder `trainproof.json.v2` (to go
      // back, copy them into the data folder, as with a backup), then write new generations of
      // the people and tokens files and the configuration (the commit point). Until then the
      // version-2 configuration names the version-2 files, untouched; the audit log is kept.
      const store = new Store(loaded.db, loaded.committed, file)
      await keepCommitted(file, loaded.committed, `${file}.v2`)
      await store.write({ people: 'all', tokens: 'all' })
      return store
    }
    const store = new Store(loaded.db, loaded.committed, file)
    await store.tidy()
    return store
  }

  /**
   * Keeps the committed state as backup 1 (backups.ts), shifting older ones. Called before a sync
   * commits, so the state before each of the last few syncs can be restored by hand.
   */
  backup(): Promise<void> {
    const run = this.queue.then(() => rotateBackups(this.file, this.committed))
    this.queue = run.catch(() => undefined)
    return run.catch(() => undefined)
  }

  /**
   * Runs `read` while no change applies (in the queue, after the changes asked before it): for a
   * reader that needs one consistent state across yields, such as a copy taken in slices. It
   * must not change `db`. Changes asked meanwhile wait; readers of `data` do not.
   */
  exclusive<T>(read: (db: Db) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => read(this.db))
    this.queue = run.catch(() => undefined)
    return run
  }

  /** The current data. Treat as read-only outside `update`. */
  get data(): Db {
    return this.db
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
    noteTokenChanges(this.db.tokens, scope.tokens)
    for (const listener of this.listeners) listener(scope)
  }

  /**
   * Applies `change` and writes what `scope` names (and the configuration). Changes run one after
   * another. A scope that depends on what the change found (the tokens it dropped or edited) is
   * a function of the change's result. A change must do its checks (and throw) before it mutates anything, so that a
   * refused change leaves no trace. When the write fails, the db in memory is read back from the
   * files (which still hold the state before the change) and the update rejects with
   * `storage_failed` (503).
   */
  update<T>(change: (db: Db) => T, scopeOf: ChangeScope | ((result: T) => ChangeScope) = {}): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.broken) throw storageFailed()
      const guard = scopeGuard(this.db)
      let result: T
      // A change that throws has changed nothing (see above): its function scope is then empty.
      let scope: ChangeScope = typeof scopeOf === 'function' ? {} : scopeOf
      try {
        result = change(this.db)
        if (typeof scopeOf === 'function') scope = scopeOf(result)
        trim(this.db)
      } finally {
        this.changed(scope)
      }
      try {
        guard?.(this.db, scope)
      } catch (error) {
        await this.rollBack()
        throw error
      }
      try {
        await this.write(scope)
      } catch (error) {
        await this.rollBack()
        throw storageFailed(error)
      }
      return result
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Writes what the scope names, then the configuration (the commit point), then tidies. */
  private async write(scope: ChangeScope): Promise<void> {
    const files = filesOf(this.file)
    const c = this.committed
    const next: Committed = { ...c }
    const named = scope.people === 'all' ? null : (scope.people ?? [])
    if (named === null || (named.length > 0 && c.journalBytes > JOURNAL_LIMIT)) {
      next.people = c.people + 1
      next.journalBytes = 0
      await new Low(new PeopleFile(files.people(next.people)), this.db).write()
    } else if (named.length > 0) {
      const line: JournalLine = {
        people: [...new Set(named)].map((email) => [email, this.db.people.get(email) ?? null, this.db.retraining.get(email) ?? null]),
      }
      next.journalBytes = await appendAt(files.journal(c.people), c.journalBytes, `${JSON.stringify(line)}\n`)
    }
    await this.writeTokens(scope.tokens ?? [], next)
    const events = this.db.audit.slice(c.auditEvents)
    if (events.length > 0) {
      next.auditBytes = await appendAt(files.audit, c.auditBytes, events.map((event) => `${JSON.stringify(event)}\n`).join(''))
      next.auditEvents = this.db.audit.length
    }
    await this.commitConfig(next)
    this.committed = next
    // Committed: leftovers that cannot be removed now are removed at the next commit or start.
    await this.tidy().catch(() => undefined)
  }

  /** Named tokens → one tokens-journal line; `'all'` or a long journal → a new tokens file. */
  private async writeTokens(named: readonly string[] | 'all', next: Committed): Promise<void> {
    const files = filesOf(this.file)
    const c = this.committed
    if (named !== 'all' && named.length === 0) return
    if (named === 'all' || (await this.tokenJournalFull())) {
      next.tokens = c.tokens + 1
      next.tokenJournalBytes = 0
      await new Low(new TokensFile(files.tokens(next.tokens)), this.db.tokens).write()
      return
    }
    const line = tokenJournalLine(this.db.tokens, new Set(named))
    next.tokenJournalBytes = await appendAt(files.tokenJournal(c.tokens), c.tokenJournalBytes, line)
  }

  private async tokenJournalFull(): Promise<boolean> {
    const c = this.committed
    if (c.tokenJournalBytes <= TOKEN_JOURNAL_LIMIT) return false
    const tokensFile = c.tokens > 0 ? (await stat(filesOf(this.file).tokens(c.tokens))).size : 0
    return c.tokenJournalBytes > tokensFile
  }

  private async commitConfig(next: Committed): Promise<void> {
    await new Low(new JsonFile(this.file, ConfigFile), toConfigFile(this.db, next)).write()
  }

  /** Removes files no committed state names (older generations, unfinished writes). */
  private async tidy(): Promise<void> {
    const files = filesOf(this.file)
    const c = this.committed
    const keep = new Set([
      basename(this.file),
      basename(files.audit),
      basename(files.people(c.people)),
      basename(files.journal(c.people)),
      basename(files.tokens(c.tokens)),
      basename(files.tokenJournal(c.tokens)),
    ])
    const dir = dirname(this.file)
    for (const name of await readdir(dir)) {
      if (keep.has(name) || !files.owns(name)) continue
      await unlink(join(dir, name)).catch(() => undefined)
    }
    await unlink(`${this.file}.tmp`).catch(() => undefined)
    // Bytes after the committed lengths belong to a write that never committed.
    await cutTo(files.audit, c.auditBytes)
    await cutTo(files.journal(c.people), c.journalBytes)
    await cutTo(files.tokenJournal(c.tokens), c.tokenJournalBytes)
  }

  /** After a failed write: memory becomes what the files hold again. */
  private async rollBack(): Promise<void> {
    try {
      const loaded = await loadDb(this.file)
      if (loaded === null || loaded.migrateFrom !== undefined) throw new StoreError('the committed files are gone')
      this.db = loaded.db
      this.committed = loaded.committed
      await this.tidy().catch(() => undefined)
    } catch {
      // The disk is gone too: refuse every later change rather than write a state never saved.
      this.broken = true
    } finally {
      this.changed({ people: 'all', tokens: 'all' })
    }
  }
}

export { ScopeError }

const storageFailed = (cause?: unknown) =>
  new AppError('storage_failed', 'trainproof could not save the change to its database file; nothing was changed.', { cause })

async function cutTo(file: string, length: number): Promise<void> {
  try {
    if ((await stat(file)).size > length) await truncate(file, length)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** The audit log is never trimmed (append-only); only the sync-run history is capped. */
function trim(db: Db): void {
  if (db.syncRuns.length > MAX_SYNC_RUNS) db.syncRuns.splice(0, db.syncRuns.length - MAX_SYNC_RUNS)
}

/** Reads the store's files of `file` without opening a store (tests, tools): the committed state. */
export async function readStoreFiles(file: string): Promise<Db> {
  const loaded = await loadDb(file)
  if (loaded === null) throw new StoreError(`${file} does not exist`)
  return loaded.db
}

/** Every byte the store keeps (all its files), for tests that look for secrets in them. */
export async function storeBytes(file: string): Promise<string> {
  const files = filesOf(file)
  const dir = dirname(file)
  let text = ''
  for (const name of await readdir(dir))
    if (name === basename(file) || files.owns(name)) text += await readFile(join(dir, name), 'utf8').catch(() => '')
  return text
}

/** Writes `db` as a fresh set of the store's files (benches, fixtures): the same as a store would. */
export async function writeDb(file: string, db: Db): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const store = await Store.open(file)
  await store.update(
    (current) => {
      Object.assign(current, db, { version: SCHEMA_VERSION })
    },
    { people: 'all', tokens: 'all' },
  )
}
