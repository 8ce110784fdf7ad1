import type { Me } from '../../shared/api.ts'
import type { MyTrainings } from '../../shared/domain.ts'

/**
 * What the background last learned from the daemon; the badge, the popup and the onboarding
 * page are all drawn from it. `at` is when the background asked (ISO time).
 */
export type CheckResult =
  | { kind: 'unpaired'; at: string }
  | { kind: 'employee'; at: string; trainings: MyTrainings }
  | { kind: 'staff'; at: string; role: Me['role']; needsReauth: number }
  | { kind: 'unreachable'; at: string; message: string; lastKnown?: LastKnown | null }
  | { kind: 'unauthorized'; at: string; message: string }

/** An employee's trainings as the daemon last gave them, and when. */
export type LastKnown = { at: string; trainings: MyTrainings }

/** Data older than this (36 h: a nightly sync plus a missed night's slack) is shown as unknown. */
export const STALE_AFTER_MS = 36 * 60 * 60 * 1000

export function isStale(trainings: Pick<MyTrainings, 'syncedAt'>, now: number): boolean {
  if (trainings.syncedAt === null) return true
  return now - Date.parse(trainings.syncedAt) > STALE_AFTER_MS
}

/** How many trainings are due, or null when the check did not give an employee's trainings. */
export function dueOf(check: CheckResult | null): number | null {
  return check?.kind === 'employee' ? check.trainings.due : null
}

export function employeeCheck(trainings: MyTrainings, at = new Date().toISOString()): CheckResult {
  return { kind: 'employee', at, trainings }
}
