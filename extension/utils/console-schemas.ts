import { z } from 'zod'
import { AuditEvent, TrainingConfig, TrainingId } from '../../shared/domain.ts'

/**
 * Shapes of the audit-season endpoints (api.md) as the console reads them. Declared here so the
 * console works against daemons with and without these fields; the daemon validates its side.
 */

export const Recurrence = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('rolling'), months: z.number().int().min(1) }),
  z.object({ kind: z.literal('fixed'), month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) }),
])
export type Recurrence = z.infer<typeof Recurrence>

export const TrainingSettings = TrainingConfig.extend({
  recurrence: Recurrence.optional(),
  graceDays: z.number().int().nonnegative().optional(),
})
export type TrainingSettings = z.infer<typeof TrainingSettings>

export const RecurrencePreview = z.object({ resets: z.array(z.object({ email: z.string(), at: z.string() })) })
export type RecurrencePreview = z.infer<typeof RecurrencePreview>

/** `id` is optional until every daemon numbers its events; paging needs it. */
export const AuditEntry = AuditEvent.extend({ id: z.string().optional() })
export type AuditEntry = z.infer<typeof AuditEntry>

export const HistoryPoint = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  compliant: z.number().nonnegative(),
  total: z.number().nonnegative(),
})
export type HistoryPoint = z.infer<typeof HistoryPoint>

export const ComplianceHistory = z.object({ training: TrainingId, points: z.array(HistoryPoint) })
export type ComplianceHistory = z.infer<typeof ComplianceHistory>
