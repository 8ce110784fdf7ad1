import type { TrainingId } from '../../shared/domain.ts'
import { Evaluation, Outcome } from '../../shared/evaluator.ts'
import type { StoredRecord } from '../store/schema.ts'
import type { Plan } from './plan.ts'

/**
 * Stage 4: the evaluator run over a plan. The sticky rule is the evaluator's: a standing record
 * is left out of `records` (nothing to write); someone enrolled in no selected campaign gets
 * null (no record: not_enrolled).
 */
export type Compliant = { email: string; training: TrainingId; record: StoredRecord }

export type Evaluated = {
  connectionId: string
  /** Per training: the new record of each person, or null to clear it. Standing records are absent. */
  records: Map<TrainingId, Map<string, StoredRecord | null>>
  /** The records that became compliant (sticky) in this evaluation. */
  newlyCompliant: Compliant[]
  stats: { campaigns: number; people: number; enrollments: number; evaluated: number }
}

export function evaluatePlan(plan: Plan, now: string): Evaluated {
  const evaluation = new Evaluation(plan.table, plan.inputs)
  const { normalised } = plan
  const evaluated: Evaluated = {
    connectionId: plan.connectionId,
    records: new Map(),
    newlyCompliant: [],
    stats: { campaigns: normalised.campaigns.length, people: normalised.names.size, enrollments: evaluation.enrollments, evaluated: 0 },
  }
  plan.trainings.forEach((training, index) => {
    const records = new Map<string, StoredRecord | null>()
    evaluated.records.set(training, records)
    const counts = (plan.inputs[index]?.selected.length ?? 0) > 0
    for (const person of plan.order) {
      if (evaluation.outcome(person, index) === Outcome.stands) continue
      const email = plan.emails[person] as string
      if (!counts || !evaluation.hasRows(person)) {
        records.set(email, null)
        continue
      }
      evaluated.stats.evaluated++
      const result = evaluation.record(person, index, now)
      if (!result) {
        records.set(email, null)
        continue
      }
      const record: StoredRecord = {
        ...result,
        connectionId: plan.connectionId,
        certificates: [],
        source: plan.source,
        evidenceSha256: null,
      }
      records.set(email, record)
      if (record.sticky) evaluated.newlyCompliant.push({ email, training, record })
    }
  })
  return evaluated
}
