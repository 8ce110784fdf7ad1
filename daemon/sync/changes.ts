import type { Db } from '../store/schema.ts'
import type { SyncPlan } from './plan.ts'

export type SyncChanges = { newlyCompliant: number; newlyDue: number }

/**
 * What a plan changes, in people, for the admin who pressed "Sync now" (computed before the
 * commit, against the db as it is): people who become compliant for some training, and people
 * new to trainproof who are due for a training this connection serves. Sticky records are never
 * re-evaluated, so nobody compliant becomes due through a sync.
 */
export function syncChanges(db: Db, plan: SyncPlan): SyncChanges {
  const compliant = new Set(plan.newlyCompliant.map((item) => item.email))
  const due = new Set<string>()
  for (const records of plan.records.values()) {
    for (const [email, record] of records) {
      if (db.people[email] !== undefined || !plan.names.has(email)) continue
      if (record === null || !record.sticky) due.add(email)
    }
  }
  return { newlyCompliant: compliant.size, newlyDue: due.size }
}
