import { DEFAULT_GRACE_DAYS, TRAINING_IDS, type Recurrence, type TrainingId } from '../../shared/domain.ts'
import { dueDate, nextReset, previewReset } from '../../shared/recurrence.ts'
import { auditor } from '../services/audit.ts'
import type { Db, StoredPerson } from '../store/schema.ts'

/** Annual retraining against the db: who a rule would reset (preview), and applying due resets (what a sync may count after one: sync/plan.ts `countsFrom`). */

export type PlannedReset = { email: string; at: string }

/** The compliant people of a training and when they became compliant. */
function* compliantPeople(db: Db, training: TrainingId): Generator<{ person: StoredPerson; compliantAt: string }> {
  for (const person of db.people.values()) {
    const record = person.records[training]
    if (record?.sticky && record.status === 'compliant' && record.compliantAt) yield { person, compliantAt: record.compliantAt }
  }
}

/** Every compliant person `rule` would reset within the preview window, soonest first. Changes nothing. */
export function previewResets(db: Db, training: TrainingId, rule: Recurrence, now: Date): PlannedReset[] {
  const resets: PlannedReset[] = []
  for (const { person, compliantAt } of compliantPeople(db, training)) {
    const at = previewReset(compliantAt, rule, now)
    if (at) resets.push({ email: person.email, at: at.toISOString() })
  }
  return resets.sort((a, b) => (a.at === b.at ? (a.email < b.email ? -1 : 1) : a.at < b.at ? -1 : 1))
}

/**
 * Resets every compliant record whose training's rule has come due at `now` (all trainings, or
 * one): the record goes, completions before the rule's reset date stop counting for that person
 * (else the next sync would find the old ones and make them compliant again), the person gets a
 * due date `now + graceDays`, and each reset is an audit event `person.reset` with
 * `by: 'recurrence'`. Runs inside a store update.
 */
export function applyDueResets(db: Db, now: Date, actor: string, only?: TrainingId): PlannedReset[] {
  const done: PlannedReset[] = []
  const at = now.toISOString()
  for (const training of only ? [only] : TRAINING_IDS) {
    const config = db.trainings[training]
    const rule = config.recurrence
    if (!rule || rule.kind === 'none') continue
    const dueAt = dueDate(now, config.graceDays ?? DEFAULT_GRACE_DAYS).toISOString()
    for (const { person, compliantAt } of [...compliantPeople(db, training)]) {
      const resetAt = nextReset(compliantAt, rule)
      if (resetAt === null || resetAt.getTime() > now.getTime()) continue
      delete person.records[training]
      db.retraining.set(person.email, { ...db.retraining.get(person.email), [training]: { resetAt: resetAt.toISOString(), dueAt } })
      auditor(
        db,
        actor,
        at,
      )('person.reset', {
        email: person.email,
        training,
        by: 'recurrence',
        rule,
        previousStatus: 'compliant',
        compliantAt,
        resetAt: resetAt.toISOString(),
        dueAt,
      })
      done.push({ email: person.email, at })
    }
  }
  return done
}

/** A reset by hand carries no due date and lets every completion count again. */
export function clearRetraining(db: Db, email: string, training: TrainingId): void {
  const entries = db.retraining.get(email)
  if (!entries?.[training]) return
  delete entries[training]
  if (Object.keys(entries).length === 0) db.retraining.delete(email)
}
