import { isStale, type CheckResult } from './check.ts'
import { duePlan } from './summary.ts'

export type Badge = { text: string; color: string; title: string }

export const BADGE_COLORS = { due: '#c62828', unknown: '#6b6b6b', attention: '#b35c00' } as const

const UNKNOWN = (title: string): Badge => ({ text: '?', color: BADGE_COLORS.unknown, title })

/** The toolbar badge for the last check: red count when due, nothing when all is well, grey `?` when unsure. */
export function badgeFor(check: CheckResult | null, now: number): Badge {
  if (check === null || check.kind === 'unpaired') return UNKNOWN('trainproof: not signed in. Open trainproof to sign in.')
  if (check.kind === 'unauthorized') return UNKNOWN('trainproof: your sign-in ended. Open trainproof and sign in again.')
  if (check.kind === 'unreachable') {
    const known = check.lastKnown?.trainings
    // Keep the last known count on the toolbar, in grey: the person still sees what was due.
    if (known && known.due > 0)
      return { text: String(known.due), color: BADGE_COLORS.unknown, title: `trainproof: ${check.message} Last known: ${known.due} due.` }
    return UNKNOWN(`trainproof: ${check.message}`)
  }
  if (check.kind === 'staff') {
    if (check.needsReauth === 0) return { text: '', color: BADGE_COLORS.unknown, title: 'trainproof: all connections are working.' }
    const which = check.needsReauth === 1 ? 'A connection needs' : `${check.needsReauth} connections need`
    return { text: '!', color: BADGE_COLORS.attention, title: `trainproof: ${which} you to sign in again.` }
  }
  const { trainings } = check
  if (isStale(trainings, now)) return UNKNOWN('trainproof: the daemon has no recent data. Ask an admin to run a sync.')
  if (trainings.due === 0) return { text: '', color: BADGE_COLORS.due, title: 'trainproof: all your trainings are complete.' }
  const plan = duePlan(trainings)
  if (plan.toDo.length === 0) {
    // Not enrolled anywhere yet: nothing the person can finish, so no alarm red; the admin must act.
    const what = plan.notEnrolled.length === 1 ? '1 training' : `${plan.notEnrolled.length} trainings`
    return {
      text: String(trainings.due),
      color: BADGE_COLORS.attention,
      title: `trainproof: you are not enrolled in ${what} yet; ask to be enrolled.`,
    }
  }
  const what = trainings.due === 1 ? '1 training is' : `${trainings.due} trainings are`
  return { text: String(trainings.due), color: BADGE_COLORS.due, title: `trainproof: ${what} due.` }
}
