import type { AuditEvent, Recurrence, Role, Status, TrainingConfig, TrainingId } from '../../shared/domain.ts'
import type { Db } from './schema.ts'

type TokenDetail = { tokenId: string; role: Role; email: string | null; label: string }
type ConnectionDetail = { connectionId: string; provider: string; label: string }
type SyncFailure = { connectionId: string; code: string; message: string }

/**
 * Every audit action and the detail it carries. An event's JSON is its detail as written here, so
 * a new field is a new column in `audit.csv` of the evidence pack: add it on purpose.
 */
export type AuditDetails = {
  'connection.created': ConnectionDetail
  'connection.reauthorized': ConnectionDetail
  'connection.credentials_renewed': ConnectionDetail & { previousLabel: string }
  'connection.deleted': { connectionId: string; label: string }
  'training.selected': TrainingConfig
  'person.reset':
    | { email: string; training: TrainingId; previousStatus: Status | null; compliantAt: string | null }
    | {
        email: string
        training: TrainingId
        by: 'recurrence'
        rule: Recurrence
        previousStatus: 'compliant'
        compliantAt: string
        resetAt: string
        dueAt: string
      }
  'person.rechecked': { email: string; connectionId: string; requests: number; statuses: unknown }
  'sync.completed': { connectionId: string; requests: number } & Record<string, unknown>
  'sync.failed': SyncFailure
  'campaigns.refresh_failed': SyncFailure
  'token.issued': TokenDetail & { expiresAt: string | null }
  'auth.signed_in': TokenDetail & { expiresAt: string | null }
  'token.revoked': TokenDetail
  'token.signed_out': TokenDetail
  'token.bootstrap': { file: string }
  'grant.set': { email: string; role: Role; previousRole: Role | null; tokensChanged: number }
  'grant.removed': { email: string; role: Role; tokensChanged: number }
}

export type AuditAction = keyof AuditDetails

/** Writes one typed event; a detail that does not fit its action does not compile. */
export type Audit = <A extends AuditAction>(action: A, detail: AuditDetails[A]) => void

/** Audit ids are a sequence, zero-padded so that string order is log order. */
const ID_DIGITS = 12
export const auditId = (sequence: number) => String(sequence).padStart(ID_DIGITS, '0')

/**
 * `audit(action, detail)` for one store update and one actor: every audit write of the daemon
 * goes through here into the append-only log (`audit` below, with its id sequence), at `at` or
 * the moment of each write.
 */
export function auditor(db: Db, actor: string, at?: string): Audit {
  return (action, detail) => audit(db, actor, action, detail, at)
}

/**
 * Appends one event to the audit log, inside a store update (untyped: the daemon writes through
 * `auditor`; tests and tools use this). The log is append-only: each event gets the next id of
 * `db.auditSeq`, never reused.
 */
export function audit(db: Db, actor: string, action: string, detail: AuditEvent['detail'], at = new Date().toISOString()): void {
  db.auditSeq++
  db.audit.push({ id: auditId(db.auditSeq), at, actor, action, detail })
}

/**
 * Gives ids to events of a db file written before audit ids existed (in log order, after any id
 * already given), and keeps `auditSeq` past every id in use. Runs on every load.
 */
export function assignAuditIds(db: Db): void {
  let highest = db.auditSeq
  for (const event of db.audit) if (event.id !== '') highest = Math.max(highest, Number(event.id))
  for (const event of db.audit) if (event.id === '') event.id = auditId(++highest)
  db.auditSeq = highest
}

/**
 * One page of the log, newest first: up to `limit` events older than the event `before` (by
 * id, exclusive), or the newest ones. Ids grow along the array, so the start is a binary search.
 */
export function auditPage(db: Db, limit: number, before?: string): AuditEvent[] {
  let end = db.audit.length
  if (before !== undefined) {
    const bound = Number(before)
    let low = 0
    let high = db.audit.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (Number(db.audit[middle]!.id) < bound) low = middle + 1
      else high = middle
    }
    end = low
  }
  const page: AuditEvent[] = []
  for (let index = end - 1; index >= 0 && page.length < limit; index--) page.push(db.audit[index]!)
  return page
}
