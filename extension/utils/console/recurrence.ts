import type { Recurrence, RecurrencePreview } from '../console-schemas.ts'

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

export const monthName = (month: number) => MONTHS[month - 1] ?? String(month)

/** The rule in words, as the console shows it next to the form. */
export function describeRule(rule: Recurrence): string {
  if (rule.kind === 'none') return 'Nobody is reset: compliance lasts until an admin resets it.'
  if (rule.kind === 'rolling')
    return `Each person retakes it ${rule.months} month${rule.months === 1 ? '' : 's'} after they became compliant.`
  return `Everyone compliant before ${rule.day} ${monthName(rule.month)} retakes it on that date each year.`
}

/**
 * A preview split into the people the rule resets as soon as it is saved and those it resets
 * later. The daemon answers `at` = its own now for the first, so they are the earliest `at` (give
 * or take a minute) when that is not in the future: the daemon's clock decides, not this browser's.
 */
export function splitResets(
  preview: RecurrencePreview,
  now: number,
): { atOnce: RecurrencePreview['resets']; later: RecurrencePreview['resets'] } {
  const atOnce: RecurrencePreview['resets'] = []
  const later: RecurrencePreview['resets'] = []
  const first = Math.min(...preview.resets.map((reset) => Date.parse(reset.at)))
  const cutoff = first <= now + 60_000 ? first + 60_000 : -Infinity
  for (const reset of preview.resets) (Date.parse(reset.at) <= cutoff ? atOnce : later).push(reset)
  later.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  return { atOnce, later }
}

/** February 29 does not come every year, so fixed dates stop at the 28th there. */
export function daysIn(month: number): number {
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31
}
