import { link, mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { copyDurably, copyPrefixDurably, syncDir } from './durable.ts'
import { filesOf, loadDb } from './load.ts'
import type { Committed } from './schema.ts'

/**
 * Copies of a committed state beside the db: backups (`trainproof.json.bak1` … `bak3`, one folder
 * each, newest first, made before a sync commits) and the copy a migration keeps of the version
 * it replaces. A folder holds the files the state names, so restoring is copying them back into
 * the data folder.
 */
export const BACKUPS = 3
export const backupName = (file: string, n: number) => `${file}.bak${n}`

/** Makes the committed state backup 1, shifting the older ones (the oldest goes). */
export async function rotateBackups(file: string, committed: Committed): Promise<void> {
  const fresh = `${backupName(file, 1)}.tmp`
  await copyCommitted(file, committed, fresh)
  await rm(backupName(file, BACKUPS), { recursive: true, force: true })
  for (let n = BACKUPS - 1; n >= 1; n--) await rename(backupName(file, n), backupName(file, n + 1)).catch(() => undefined)
  await rename(fresh, backupName(file, 1))
  await syncDir(dirname(file))
}

/** Keeps the committed files in a folder `to` (before a migration): written whole, then renamed. */
export async function keepCommitted(file: string, committed: Committed, to: string): Promise<void> {
  await copyCommitted(file, committed, `${to}.tmp`)
  await rm(to, { recursive: true, force: true })
  await rename(`${to}.tmp`, to)
  await syncDir(dirname(file))
}

/** Copies the committed state's files into a new folder `fresh` (replacing any) and flushes them. */
async function copyCommitted(file: string, c: Committed, fresh: string): Promise<void> {
  await rm(fresh, { recursive: true, force: true })
  await mkdir(fresh, { mode: 0o700 })
  const files = filesOf(file)
  const copies: [string, number | null][] = [[file, null]]
  if (c.tokens > 0) copies.push([files.tokens(c.tokens), null])
  if (c.tokenJournalBytes > 0) copies.push([files.tokenJournal(c.tokens), c.tokenJournalBytes])
  if (c.people > 0) copies.push([files.people(c.people), null])
  if (c.journalBytes > 0) copies.push([files.journal(c.people), c.journalBytes])
  if (c.auditBytes > 0) copies.push([files.audit, c.auditBytes])
  for (const [from, length] of copies) {
    const to = join(fresh, basename(from))
    // The people file never changes once written: a hard link is a copy that costs nothing.
    if (from === files.people(c.people)) await link(from, to).catch(() => copyDurably(from, to))
    else if (length !== null) await copyPrefixDurably(from, to, length)
    else await copyDurably(from, to)
  }
  await syncDir(fresh)
}

/** Names the newest backup that is itself a valid db, for the refusal message. */
export async function backupAdvice(file: string): Promise<string> {
  for (let n = 1; n <= BACKUPS; n++) {
    const candidate = backupName(file, n)
    try {
      const folder = (await stat(candidate)).isDirectory()
      // A folder of the store's files (version 2 or 3), or a version-1 backup (one file).
      if ((await loadDb(folder ? join(candidate, basename(file)) : candidate)) === null) continue
      const { mtime } = await stat(candidate)
      const how = folder ? `copy the files in it into ${dirname(file)}` : `copy it over ${file}`
      return `The newest good backup is ${candidate} (written ${mtime.toISOString()}); to restore it, stop trainproof and ${how}.`
    } catch {
      // missing or not valid either: try the next older one
    }
  }
  return 'No good backup was found beside it.'
}
