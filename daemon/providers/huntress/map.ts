import { normalizeEmail } from '../../../shared/domain.ts'
import type { RemoteCampaign, RemoteEnrollment, RemotePerson } from '../types.ts'
import { ASSIGNMENT_STATUS_LABELS, HUNTRESS, IMPORTABLE_STATUSES } from './config.ts'
import type { HuntressActivity, HuntressAssignment, HuntressLearner } from './schemas.ts'

/** An assignment as a campaign: selectable only when Draft, In-Progress or Completed. */
export function toCampaign(assignment: HuntressAssignment): RemoteCampaign {
  const raw = assignment.attributes.status
  const key = raw.trim().toLowerCase()
  const status = ASSIGNMENT_STATUS_LABELS[key] ?? raw
  const importable = IMPORTABLE_STATUSES.has(key)
  return {
    externalId: String(assignment.id),
    name: assignment.attributes.name,
    status,
    importable,
    notImportableReason: importable
      ? null
      : `Only Draft, In-Progress and Completed assignments can be selected; this one is ${status || 'without a status'}.`,
  }
}

/** An active learner with a usable e-mail, as a person; null for anyone else. */
export function toPerson(learner: HuntressLearner): RemotePerson | null {
  const { email, status, firstName, lastName } = learner.attributes
  if (status.toLowerCase() !== HUNTRESS.learnerActive || !email?.includes('@')) return null
  const name = [firstName, lastName].filter(Boolean).join(' ').trim()
  const normalized = normalizeEmail(email)
  return { email: normalized, name: name || normalized, externalId: String(learner.id) }
}

/**
 * One enrollment per active learner of the assignment: enrollment comes from the learner list,
 * completion from the activity (no row means never started). A learner with several rows counts
 * as completed at the earliest completion.
 */
export function toEnrollments(
  assignmentId: string,
  learners: readonly HuntressLearner[],
  activity: readonly HuntressActivity[],
): RemoteEnrollment[] {
  const completedAt = new Map<string, string>()
  for (const row of activity) {
    if (!row.completedAt) continue
    const utc = toUtc(row.completedAt)
    const known = completedAt.get(String(row.learnerId))
    if (!known || utc < known) completedAt.set(String(row.learnerId), utc)
  }
  const seen = new Set<string>()
  const rows: RemoteEnrollment[] = []
  for (const learner of learners) {
    const person = toPerson(learner)
    const learnerId = String(learner.id)
    if (!person || seen.has(learnerId)) continue
    seen.add(learnerId)
    rows.push({
      enrollmentId: learnerId,
      externalCampaignId: assignmentId,
      module: assignmentId,
      email: person.email,
      name: person.name,
      completedAt: completedAt.get(learnerId) ?? null,
    })
  }
  return rows
}

/** `2025-03-03T09:30:00+02:00` → `2025-03-03T07:30:00.000Z`, so that string order is time order. */
export function toUtc(time: string): string {
  return new Date(time).toISOString()
}

/** Active people across learner lists, one per e-mail. */
export function toPeople(lists: Iterable<readonly HuntressLearner[]>): RemotePerson[] {
  const people = new Map<string, RemotePerson>()
  for (const learners of lists)
    for (const learner of learners) {
      const person = toPerson(learner)
      if (person && !people.has(person.email)) people.set(person.email, person)
    }
  return [...people.values()]
}
