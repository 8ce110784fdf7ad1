import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readStoreFiles, storeBytes } from '../../daemon/store/store.ts'
import type { Db } from '../../daemon/store/schema.ts'

/** The db file name in a data folder (the configuration file; the others sit beside it). */
export const DB_FILE = 'trainproof.json'

/** The committed db of a data folder, read from the store's files as a restart would read it. */
export const readDb = (dataDir: string): Promise<Db> => readStoreFiles(join(dataDir, DB_FILE))

/** The text of every file of the store in a data folder (to look for secrets in them). */
export const dbBytes = (dataDir: string): Promise<string> => storeBytes(join(dataDir, DB_FILE))

/** The configuration file alone (connections, trainings, sync runs, …), parsed. */
export const readConfig = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, DB_FILE), 'utf8')) as Record<string, unknown>

/**
 * The text of the store's own files in a data folder, read synchronously (the configuration,
 * tokens, people, journal and audit files; not backups), for `not.toContain(secret)` checks.
 */
export function dbText(dataDir: string): string {
  return readdirSync(dataDir)
    .filter((name) => STORE_FILE.test(name))
    .map((name) => readFileSync(join(dataDir, name), 'utf8'))
    .join('\n')
}

const STORE_FILE = /^trainproof\.(json|people\.\d+\.jsonl|journal\.\d+\.jsonl|tokens\.\d+\.json|audit\.jsonl)$/

/** The db, or a part of it, as JSON text with its Maps (people, retraining) as objects: for before/after comparisons. */
export const dbJson = (value: unknown, replacer: (key: string, value: unknown) => unknown = (_key, item) => item): string =>
  JSON.stringify(value, (key, item) => replacer(key, item instanceof Map ? Object.fromEntries(item) : item))
