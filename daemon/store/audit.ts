import type { AuditEvent } from '../../shared/domain.ts'
import type { Db } from './schema.ts'

/** Audit ids are a sequence, zero-padded so that string order is log order. */
const ID_DIGITS = 12
export const auditId = (sequence: number) => String(sequence).padStart(ID_DIGITS, '0')

/**
 * Appends one event to the audit log, inside a store update. Every audit write goes through
 * here. The log is append-only: each event gets the next id of `db.auditSeq`, never reused.
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
