import type { AuditEvent, Recurrence, Role, Status, TrainingConfig, TrainingId } from '../../shared/domain.ts'
import type { TokenVia } from '../../shared/api.ts'
import { audit as appendEvent, auditPage } from '../store/audit.ts'
import type { Db } from '../store/schema.ts'
import type { Store } from '../store/store.ts'

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

/** The action a token's creation is logged as, by how the token came to be. */
export const tokenIssuedAction = (via: TokenVia): 'auth.signed_in' | 'token.issued' => (via === 'oidc' ? 'auth.signed_in' : 'token.issued')

/**
 * `audit(action, detail)` for one store update and one actor: events go through `store/audit.ts`
 * (the append-only log with its id sequence), at `at` or the moment of each write.
 */
export function auditor(db: Db, actor: string, at?: string): Audit {
  return (action, detail) => appendEvent(db, actor, action, detail, at)
}

/** Reading the log: one page, newest first, older than `before` (exclusive). */
export function createAuditService(store: Store) {
  return {
    page: (limit: number, before?: string): AuditEvent[] => auditPage(store.data, limit, before),
  }
}

export type AuditService = ReturnType<typeof createAuditService>
