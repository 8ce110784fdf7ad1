import { z } from 'zod'
import {
  Evidence,
  IsoTime,
  TrainingStatus,
  type CampaignProgress,
  type Enrollment,
  type TrainingId,
} from './domain.ts'

/** A stored compliance record: the API's TrainingStatus plus the evidence behind it. */
export const ComplianceRecord = TrainingStatus.extend({
  evidence: z.array(Evidence),
  evaluatedAt: IsoTime,
})
export type ComplianceRecord = z.infer<typeof ComplianceRecord>

export type SelectedCampaign = { id: string; name: string }

/** A person's enrollments, grouped by campaign id. */
export type PersonEnrollments = ReadonlyMap<string, readonly Enrollment[]>

export type EvaluateInput = {
  /** The training's selected campaigns (S). Empty when the training is not configured. */
  selected: readonly SelectedCampaign[]
  enrollments: PersonEnrollments
  previous: ComplianceRecord | null
  now: string
}

type CampaignOutcome = CampaignProgress & { evidence: Evidence[] }

/** The status of a training that nobody configured, for a person with no sticky record. */
export function notConfigured(now: string): ComplianceRecord {
  return { ...emptyStatus('not_configured'), evidence: [], evaluatedAt: now }
}

function emptyStatus(status: 'not_configured' | 'not_enrolled'): TrainingStatus {
  return { status, completed: 0, required: 0, compliantAt: null, sticky: false, campaigns: [] }
}

/**
 * The compliance rule for one person and one training (product.md):
 * only selected campaigns count; none enrolled → not_enrolled; all enrolled ones complete →
 * compliant; otherwise non_compliant with completed/required. A compliant record is sticky:
 * it is returned unchanged until an admin resets it.
 */
export function evaluateTraining({ selected, enrollments, previous, now }: EvaluateInput): ComplianceRecord {
  if (previous?.sticky) return previous
  if (selected.length === 0) return notConfigured(now)

  const outcomes: CampaignOutcome[] = []
  for (const campaign of selected) {
    const rows = enrollments.get(campaign.id)
    if (rows && rows.length > 0) outcomes.push(campaignOutcome(campaign, rows))
  }
  if (outcomes.length === 0) return { ...emptyStatus('not_enrolled'), evidence: [], evaluatedAt: now }

  const completed = outcomes.filter((outcome) => outcome.completed).length
  const compliant = completed === outcomes.length
  return {
    status: compliant ? 'compliant' : 'non_compliant',
    completed,
    required: outcomes.length,
    compliantAt: compliant ? latest(outcomes.map((outcome) => outcome.completedAt)) : null,
    sticky: compliant,
    campaigns: outcomes.map(({ evidence: _evidence, ...progress }) => progress),
    evidence: compliant ? outcomes.flatMap((outcome) => outcome.evidence) : [],
    evaluatedAt: now,
  }
}

/**
 * A campaign is complete for a person when every module they are enrolled in has at least one
 * completed enrollment (re-enrolments add rows; any completed one counts). It was completed
 * when its last module was first completed.
 */
function campaignOutcome(campaign: SelectedCampaign, rows: readonly Enrollment[]): CampaignOutcome {
  const firstDone = new Map<string, Enrollment | null>()
  for (const row of rows) {
    const best = firstDone.get(row.module)
    if (row.completedAt === null) {
      if (best === undefined) firstDone.set(row.module, null)
    } else if (!best || row.completedAt < (best.completedAt as string)) {
      // Enrollment times are UTC ISO strings (Z), so string order is time order.
      firstDone.set(row.module, row)
    }
  }
  const evidence: Evidence[] = []
  for (const [module, row] of firstDone) {
    if (!row) return { id: campaign.id, name: campaign.name, completed: false, completedAt: null, evidence: [] }
    evidence.push({ campaignId: campaign.id, module, enrollmentId: row.enrollmentId, completedAt: row.completedAt as string })
  }
  const completedAt = latest(evidence.map((item) => item.completedAt))
  return { id: campaign.id, name: campaign.name, completed: true, completedAt, evidence }
}

function latest(times: readonly (string | null)[]): string | null {
  let max: string | null = null
  for (const time of times) if (time !== null && (max === null || time > max)) max = time
  return max
}

/** Groups enrollments by person (normalised e-mail) and campaign, dropping duplicate enrollment ids. */
export function groupEnrollments(enrollments: Iterable<Enrollment>): Map<string, Map<string, Enrollment[]>> {
  const seen = new Set<string>()
  const byPerson = new Map<string, Map<string, Enrollment[]>>()
  for (const row of enrollments) {
    const key = `${row.campaignId}\u0000${row.enrollmentId}`
    if (seen.has(key)) continue
    seen.add(key)
    let byCampaign = byPerson.get(row.email)
    if (!byCampaign) byPerson.set(row.email, (byCampaign = new Map()))
    const list = byCampaign.get(row.campaignId)
    if (list) list.push(row)
    else byCampaign.set(row.campaignId, [row])
  }
  return byPerson
}

/** Trainings that make a badge: non_compliant or not_enrolled. */
export function isDue(status: TrainingStatus['status']): boolean {
  return status === 'non_compliant' || status === 'not_enrolled'
}

export function countDue(trainings: Partial<Record<TrainingId, Pick<TrainingStatus, 'status'>>>): number {
  let due = 0
  for (const record of Object.values(trainings)) if (record && isDue(record.status)) due++
  return due
}
