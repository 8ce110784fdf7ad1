/**
 * The values daemon and extension share, without zod: the extension imports only from here (and
 * types from domain.ts / api.ts), so its bundle carries no schema library. domain.ts and api.ts
 * re-export everything, so daemon code imports them as before.
 */

export const API_BASE = '/api/v1'

/** The compliance programme's requirements. */
export const TRAINING_IDS = ['security_awareness', 'hipaa', 'ai_awareness'] as const
export type TrainingId = (typeof TRAINING_IDS)[number]

export const TRAINING_NAMES: Record<TrainingId, string> = {
  security_awareness: 'Security Awareness',
  hipaa: 'HIPAA',
  ai_awareness: 'AI Awareness',
}

/** A provider's id ("knowbe4", "huntress"): the daemon's registry lists them, shared/ knows none. */
export type ProviderId = string
/** The form every provider id takes. */
export const PROVIDER_ID_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/

export const ROLES = ['admin', 'workspace_manager', 'devops_engineer', 'access_reviewer', 'employee'] as const
export type Role = (typeof ROLES)[number]

/** Roles that may change things (connect, select, sync, reset, issue tokens). */
export const WRITE_ROLES = ['admin', 'workspace_manager', 'devops_engineer'] as const satisfies readonly Role[]
/** Roles that may read everything except secrets. */
export const STAFF_ROLES = [...WRITE_ROLES, 'access_reviewer'] as const satisfies readonly Role[]

export const STATUSES = ['compliant', 'non_compliant', 'not_enrolled', 'not_configured'] as const
export type Status = (typeof STATUSES)[number]

export const CONNECTION_STATUSES = ['connected', 'needs_reauth', 'error'] as const

export const TOKEN_VIAS = ['issued', 'oidc', 'bootstrap'] as const

export const DEFAULT_GRACE_DAYS = 30

/** People are keyed by e-mail, compared trimmed and case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Trainings that make a badge: non_compliant or not_enrolled. */
export function isDue(status: Status): boolean {
  return status === 'non_compliant' || status === 'not_enrolled'
}

export function countDue(trainings: Partial<Record<TrainingId, { status: Status }>>): number {
  let due = 0
  for (const record of Object.values(trainings)) if (record && isDue(record.status)) due++
  return due
}
