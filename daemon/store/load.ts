import { readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Adapter } from 'lowdb'
import type { z } from 'zod'
import { formatIssues } from '../../shared/errors.ts'
import { IsoTime } from '../../shared/domain.ts'
import { assignAuditIds } from './audit.ts'
import { CodecError } from './codec.ts'
import { writeDurably } from './durable.ts'
import { lines, readPeopleFile, readPrefix, writePeopleFile, type PeopleData } from './files.ts'
import { type Committed, ConfigFile, ConfigFileV2, type Db, DbSchemaV1, JournalLine, nothingCommitted, SCHEMA_VERSION } from './schema.ts'
import { applyTokenJournalLine, TokensFile } from './tokens-codec.ts'

export class StoreError extends Error {
  override name = 'StoreError'
  constructor(
    message: string,
    /** The file is of a schema version this trainproof does not know: backups do not help. */
    readonly unknownVersion = false,
  ) {
    super(message)
  }
}

/** The names of the store's files beside the configuration file (`trainproof.json`). */
export function filesOf(file: string) {
  const base = join(dirname(file), basename(file).replace(/\.json$/, ''))
  const prefix = basename(base)
  const pattern = new RegExp(
    `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(people\\.\\d+\\.jsonl|journal\\.\\d+\\.jsonl|tokens\\.\\d+\\.json|tokens-journal\\.\\d+\\.jsonl|audit\\.jsonl)(\\.tmp)?$`,
  )
  return {
    people: (generation: number) => `${base}.people.${generation}.jsonl`,
    journal: (generation: number) => `${base}.journal.${generation}.jsonl`,
    tokens: (generation: number) => `${base}.tokens.${generation}.json`,
    tokenJournal: (generation: number) => `${base}.tokens-journal.${generation}.jsonl`,
    audit: `${base}.audit.jsonl`,
    /** Whether a file name in the folder is one of the store's generation or append-only files. */
    owns: (name: string) => pattern.test(name),
  }
}

/** lowdb's adapter for a small JSON file: zod-checked on read, written durably (durable.ts). */
export class JsonFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    readonly schema: z.ZodType<T>,
  ) {}

  async read(): Promise<T | null> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    return parseJson(text, this.file, this.schema)
  }

  write(data: T): Promise<void> {
    return writeDurably(this.file, JSON.stringify(data))
  }
}

/** lowdb's adapter for the people file (codec.ts layout, written in chunks: files.ts). */
export class PeopleFile implements Adapter<PeopleData> {
  constructor(
    readonly file: string,
    /** The schema version of the file to read (2 when migrating); files are written as the current one. */
    readonly version: number = SCHEMA_VERSION,
  ) {}

  async read(): Promise<PeopleData> {
    try {
      return await readPeopleFile(this.file, this.version)
    } catch (error) {
      throw asStoreError(error, this.file)
    }
  }

  write(data: PeopleData): Promise<void> {
    return writePeopleFile(this.file, data)
  }
}

function parseJson<T>(text: string, file: string, schema: z.ZodType<T>): T {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new StoreError(`The database file ${file} is not valid JSON (corrupt or truncated). trainproof left it untouched.`)
  }
  return check(raw, file, schema)
}

function check<T>(raw: unknown, file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const where = formatIssues(parsed.error.issues, { messages: false, limit: 5 }).join(', ')
    throw new StoreError(`The database file ${file} does not match trainproof's schema (at ${where}). trainproof left it untouched.`)
  }
  return parsed.data
}

function asStoreError(error: unknown, file: string): unknown {
  if (error instanceof CodecError)
    return new StoreError(`The database file ${file} does not match trainproof's schema (${error.message}). trainproof left it untouched.`)
  if ((error as NodeJS.ErrnoException).code === 'ENOENT')
    return new StoreError(
      `The database file ${file} is missing (named by the committed configuration). trainproof left the others untouched.`,
    )
  return error
}

export type Loaded = { db: Db; committed: Committed; migrateFrom?: number }

/**
 * Reads the committed state: the configuration, then exactly the files and byte ranges it names
 * (store.ts explains why that is all or nothing). Every file is checked: zod for the small ones
 * and the journal, by hand for the people file and the audit log. Null when there is no db yet.
 * A version-1 file is read whole (`migrateFrom: 1`); a version-2 db is read as its files were
 * then (`migrateFrom: 2`: the same files, an older people-file layout); an unknown version is
 * refused. Nothing is written here.
 */
export async function loadDb(file: string): Promise<Loaded | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new StoreError(`The database file ${file} is not valid JSON (corrupt or truncated). trainproof left it untouched.`)
  }
  const version = (raw as { version?: unknown } | null)?.version
  if (version === 1) {
    const v1 = check(raw, file, DbSchemaV1)
    assignAuditIds(v1 as unknown as Db)
    return {
      db: {
        ...v1,
        version: SCHEMA_VERSION,
        tokens: new Map(v1.tokens.map((token) => [token.id, token])),
        people: new Map(Object.entries(v1.people)),
        retraining: new Map(Object.entries(v1.retraining)),
      },
      committed: nothingCommitted(),
      migrateFrom: 1,
    }
  }
  if (typeof version === 'number' && version !== 2 && version !== SCHEMA_VERSION) {
    throw new StoreError(
      `The database file ${file} has schema version ${version}, which this trainproof does not know (it reads versions 1 to ${SCHEMA_VERSION}; a newer trainproof wrote it?). trainproof left it untouched: run the trainproof that wrote it, or restore a backup.`,
      true,
    )
  }
  const config = version === 2 ? { ...check(raw, file, ConfigFileV2), version: SCHEMA_VERSION } : check(raw, file, ConfigFile)
  const { committed } = config
  const files = filesOf(file)
  const tokens = await readTokens(files, committed)
  const data: PeopleData =
    committed.people > 0
      ? await new PeopleFile(files.people(committed.people), version === 2 ? 2 : SCHEMA_VERSION).read()
      : { people: new Map(), retraining: new Map() }
  if (committed.journalBytes > 0)
    replayJournal(
      files.journal(committed.people),
      await readOrFail(files.journal(committed.people), committed.journalBytes),
      committed.journalBytes,
      data,
    )
  const audit = committed.auditBytes > 0 ? readAudit(files.audit, await readOrFail(files.audit, committed.auditBytes), committed) : []
  const { version: _version, committed: _committed, ...settings } = config
  const db: Db = { version: SCHEMA_VERSION, tokens, ...settings, people: data.people, audit, retraining: data.retraining }
  return version === 2 ? { db, committed, migrateFrom: 2 } : { db, committed }
}

/** The tokens file of generation T (either form: tokens-codec.ts), then its journal's committed lines. */
async function readTokens(files: ReturnType<typeof filesOf>, committed: Committed): Promise<Db['tokens']> {
  let tokens: Db['tokens'] = new Map()
  if (committed.tokens > 0) {
    const file = files.tokens(committed.tokens)
    try {
      tokens = await new TokensFile(file).read()
    } catch (error) {
      throw asStoreError(error, file)
    }
  }
  if (committed.tokenJournalBytes === 0) return tokens
  const journal = files.tokenJournal(committed.tokens)
  replayTokenJournal(journal, await readOrFail(journal, committed.tokenJournalBytes), committed.tokenJournalBytes, tokens)
  return tokens
}

/** Applies the tokens journal's committed lines in order: each sets (or removes) whole tokens, by id. */
export function replayTokenJournal(file: string, bytes: Buffer, length: number, tokens: Db['tokens']): void {
  // A Map keeps the order of first insertion: new tokens go last, as they were added.
  let lineNo = 0
  try {
    for (const line of lines(bytes, length)) {
      lineNo++
      applyTokenJournalLine(tokens, line, `${file} line ${lineNo}`)
    }
  } catch (error) {
    throw asStoreError(error, file)
  }
}

async function readOrFail(file: string, length: number): Promise<Buffer> {
  try {
    return await readPrefix(file, length)
  } catch (error) {
    throw asStoreError(error, file)
  }
}

/** Applies the journal's committed lines in order: each sets (or removes) whole entries. */
export function replayJournal(file: string, bytes: Buffer, length: number, data: PeopleData): void {
  let lineNo = 0
  try {
    for (const line of lines(bytes, length)) {
      lineNo++
      const entry = parseJson(line, `${file} line ${lineNo}`, JournalLine)
      for (const [email, person, retraining] of entry.people) {
        if (person === null) data.people.delete(email)
        else data.people.set(email, person)
        if (retraining === null) data.retraining.delete(email)
        else data.retraining.set(email, retraining)
      }
    }
  } catch (error) {
    throw asStoreError(error, file)
  }
}

/** The audit log's committed events, checked by hand (it grows without bound; zod is slow). */
function readAudit(file: string, bytes: Buffer, committed: Committed): Db['audit'] {
  const events: Db['audit'] = []
  let lineNo = 0
  const fail = (what: string): never => {
    throw new StoreError(
      `The database file ${file} does not match trainproof's schema (line ${lineNo}: ${what}). trainproof left it untouched.`,
    )
  }
  try {
    for (const line of lines(bytes, committed.auditBytes)) {
      lineNo++
      let event: Record<string, unknown> | undefined
      try {
        event = JSON.parse(line) as Record<string, unknown>
      } catch {
        // reported below
      }
      if (event === undefined) return fail('not JSON')
      if (typeof event !== 'object' || event === null || Array.isArray(event)) fail('not an event')
      const { id, at, actor, action, detail } = event
      if (typeof id !== 'string' || !/^\d+$/.test(id)) fail('id')
      if (typeof at !== 'string' || !IsoTime.safeParse(at).success) fail('at')
      if (typeof actor !== 'string' || typeof action !== 'string') fail('actor or action')
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) fail('detail')
      events.push({
        id: id as string,
        at: at as string,
        actor: actor as string,
        action: action as string,
        detail: detail as Record<string, unknown>,
      })
    }
  } catch (error) {
    throw asStoreError(error, file)
  }
  if (events.length !== committed.auditEvents)
    throw new StoreError(
      `The database file ${file} holds ${events.length} committed events, not ${committed.auditEvents}. trainproof left it untouched.`,
    )
  return events
}

/** The configuration file's content for `db`. */
export function toConfigFile(db: Db, committed: Committed): ConfigFile {
  return {
    version: SCHEMA_VERSION,
    committed,
    connections: db.connections,
    campaigns: db.campaigns,
    trainings: db.trainings,
    syncRuns: db.syncRuns,
    auditSeq: db.auditSeq,
    oauthStates: db.oauthStates,
    schedule: db.schedule,
    grants: db.grants,
  }
}
