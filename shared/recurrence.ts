import { DEFAULT_GRACE_DAYS } from './constants.ts'
import type { Recurrence } from './domain.ts'

/** Annual retraining: when a compliant record expires under a training's recurrence rule. Pure, UTC. */

const DAY_MS = 24 * 60 * 60_000

/** How far ahead a preview looks. */
export const PREVIEW_DAYS = 365

/**
 * When a person compliant since `compliantAt` is reset by `rule`, or null when the rule never
 * resets anyone.
 * - rolling: N calendar months after compliantAt, same time of day; a day the target month
 *   lacks (Jan 31 + 1 month) becomes that month's last day.
 * - fixed: the first occurrence of month/day (00:00 UTC) after compliantAt: whoever was
 *   compliant before the latest occurrence is reset at it.
 */
export function nextReset(compliantAt: string, rule: Recurrence): Date | null {
  const since = new Date(compliantAt)
  if (Number.isNaN(since.getTime())) return null
  if (rule.kind === 'rolling') return addMonths(since, rule.months)
  if (rule.kind === 'fixed') {
    const year = since.getUTCFullYear()
    const sameYear = Date.UTC(year, rule.month - 1, rule.day)
    return new Date(sameYear > since.getTime() ? sameYear : Date.UTC(year + 1, rule.month - 1, rule.day))
  }
  return null
}

function addMonths(from: Date, months: number): Date {
  const monthIndex = from.getUTCMonth() + months
  const year = from.getUTCFullYear() + Math.floor(monthIndex / 12)
  const month = monthIndex % 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(from.getUTCDate(), lastDay)
  return new Date(Date.UTC(year, month, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()))
}

/** Whether a record compliant since `compliantAt` is due for a reset at `now`. */
export function isResetDue(compliantAt: string, rule: Recurrence, now: Date): boolean {
  const at = nextReset(compliantAt, rule)
  return at !== null && at.getTime() <= now.getTime()
}

/**
 * When the rule would reset a person within the preview window: `now` when already due, the
 * reset date when it falls within PREVIEW_DAYS, else null.
 */
export function previewReset(compliantAt: string, rule: Recurrence, now: Date): Date | null {
  const at = nextReset(compliantAt, rule)
  if (at === null) return null
  if (at.getTime() <= now.getTime()) return now
  return at.getTime() <= now.getTime() + PREVIEW_DAYS * DAY_MS ? at : null
}

/** The due date of a person reset by recurrence at `resetAt`. */
export function dueDate(resetAt: Date, graceDays: number = DEFAULT_GRACE_DAYS): Date {
  return new Date(resetAt.getTime() + graceDays * DAY_MS)
}
