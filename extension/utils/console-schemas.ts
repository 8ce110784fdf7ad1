import * as g from './guard.ts'
import { type Recurrence as RecurrenceGuard, TrainingConfig, TrainingId } from './answers.ts'

/**
 * Shapes of the audit-season endpoints (api.md) as the console reads them. Declared here so the
 * console works against daemons with and without these fields; the daemon validates its side.
 */

export type Recurrence = g.Infer<typeof RecurrenceGuard>

export const TrainingSettings = TrainingConfig
export type TrainingSettings = g.Infer<typeof TrainingSettings>

export const RecurrencePreview = g.object({ resets: g.array(g.object({ email: g.string, at: g.string })) })
export type RecurrencePreview = g.Infer<typeof RecurrencePreview>

/** `id` is optional until every daemon numbers its events; paging needs it. */
export const AuditEntry = g.object({
  id: g.optional(g.string),
  at: g.isoTime,
  actor: g.string,
  action: g.string,
  detail: g.dictionary(g.unknown),
})
export type AuditEntry = g.Infer<typeof AuditEntry>

export const HistoryPoint = g.object({ date: g.isoDate, compliant: g.nonNegative, total: g.nonNegative })
export type HistoryPoint = g.Infer<typeof HistoryPoint>

export const ComplianceHistory = g.object({ training: TrainingId, points: g.array(HistoryPoint) })
export type ComplianceHistory = g.Infer<typeof ComplianceHistory>
