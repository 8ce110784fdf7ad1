import type { ComplianceHistory } from '../../shared/api.ts'
import type { TrainingId } from '../../shared/domain.ts'
import { currentRecord, trainingStatus } from '../compliance/views.ts'
import type { Db } from '../store/schema.ts'

const DAY_MS = 24 * 60 * 60_000
/** At most this many days back (ten years): older compliance dates count from the first day shown. */
const MAX_DAYS = 3660

/**
 * Compliance over time for one training, from today's records: on each UTC day, how many people
 * hold a compliant record whose compliantAt is on or before that day, out of everyone with a
 * status for that training (not `not_configured`). A reset removes a record, so history is
 * as the records are now: it answers "how did today's compliance build up".
 */
export function complianceHistory(db: Db, training: TrainingId, now: Date): ComplianceHistory {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const first = today - (MAX_DAYS - 1) * DAY_MS
  const perDay = new Map<number, number>()
  let total = 0
  let earliest = today
  for (const person of db.people.values()) {
    if (trainingStatus(db, person, training).status === 'not_configured') continue
    total++
    const record = currentRecord(db, person, training)
    if (record?.status !== 'compliant' || !record.compliantAt) continue
    const at = Date.parse(record.compliantAt)
    const day = Math.max(first, at - (((at % DAY_MS) + DAY_MS) % DAY_MS))
    if (day > today) continue
    perDay.set(day, (perDay.get(day) ?? 0) + 1)
    earliest = Math.min(earliest, day)
  }
  const points: ComplianceHistory['points'] = []
  let compliant = 0
  for (let day = earliest; day <= today; day += DAY_MS) {
    compliant += perDay.get(day) ?? 0
    points.push({ date: new Date(day).toISOString().slice(0, 10), compliant, total })
  }
  return { training, points }
}
