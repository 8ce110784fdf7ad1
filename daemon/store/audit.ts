import type { AuditEvent } from '../../shared/domain.ts'
import type { Db } from './schema.ts'

/** Appends one event to the audit log, inside a store update. Every audit write goes through here. */
export function audit(db: Db, actor: string, action: string, detail: AuditEvent['detail'], at = new Date().toISOString()): void {
  db.audit.push({ at, actor, action, detail })
}
