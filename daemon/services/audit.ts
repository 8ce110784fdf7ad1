import type { AuditEvent } from '../../shared/domain.ts'
import type { TokenVia } from '../../shared/api.ts'
import { auditPage } from '../store/audit.ts'
import type { Store } from '../store/store.ts'

// The typed auditor lives with the log (store/audit.ts), so that sync, which may not import
// services, writes typed events too.
export { type Audit, type AuditAction, type AuditDetails, auditor } from '../store/audit.ts'

/** The action a token's creation is logged as, by how the token came to be. */
export const tokenIssuedAction = (via: TokenVia): 'auth.signed_in' | 'token.issued' => (via === 'oidc' ? 'auth.signed_in' : 'token.issued')

/** Reading the log: one page, newest first, older than `before` (exclusive). */
export function createAuditService(store: Store) {
  return {
    page: (limit: number, before?: string): AuditEvent[] => auditPage(store.data, limit, before),
  }
}

export type AuditService = ReturnType<typeof createAuditService>
