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
 *
 * Runs once per person and training in every sync (300,000 times for 100,000 people), so it is
 * written as plain loops: no intermediate arrays, no object rest (bench/, BENCHMARKS.md).
 */
export function evaluateTraining({ selected, enrollments, previous, now }: EvaluateInput): ComplianceRecord {
  if (previous?.sticky) return previous
  if (selected.length === 0) return notConfigured(now)

  const campaigns: CampaignProgress[] = []
  const evidence: Evidence[] = []
  let completed = 0
  let compliantAt: string | null = null
  for (const campaign of selected) {
    const rows = enrollments.get(campaign.id)
    if (!rows || rows.length === 0) continue
    const progress = campaignOutcome(campaign, rows, evidence)
    campaigns.push(progress)
    if (!progress.completed) continue
    completed++
    if (compliantAt === null || (progress.completedAt as string) > compliantAt) compliantAt = progress.completedAt
  }
  if (campaigns.length === 0) return { ...emptyStatus('not_enrolled'), evidence: [], evaluatedAt: now }

  const compliant = completed === campaigns.length
  return {
    status: compliant ? 'compliant' : 'non_compliant',
    completed,
    required: campaigns.length,
    compliantAt: compliant ? compliantAt : null,
    sticky: compliant,
    campaigns,
    evidence: compliant ? evidence : [],
    evaluatedAt: now,
  }
}

/**
 * A campaign is complete for a person when every module they are enrolled in has at least one
 * completed enrollment (re-enrolments add rows; any completed one counts). It was completed
 * when its last module was first completed. A complete campaign's evidence (one row per module,
 * in first-seen module order) is appended to `evidence`.
 */
function campaignOutcome(campaign: SelectedCampaign, rows: readonly Enrollment[], evidence: Evidence[]): CampaignProgress {
  if (rows.length === 1) {
    // The usual case (one module, enrolled once): no per-module bookkeeping.
    const row = rows[0] as Enrollment
    if (row.completedAt === null) return incomplete(campaign)
    evidence.push({
      campaignId: campaign.id,
      campaignName: campaign.name,
      module: row.module,
      moduleName: row.moduleName ?? row.module,
      enrollmentId: row.enrollmentId,
      completedAt: row.completedAt,
    })
    return { id: campaign.id, name: campaign.name, completed: true, completedAt: row.completedAt }
  }
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
  for (const row of firstDone.values()) if (!row) return incomplete(campaign)
  let completedAt: string | null = null
  for (const [module, row] of firstDone) {
    const done = row as Enrollment
    const at = done.completedAt as string
    evidence.push({ campaignId: campaign.id, campaignName: campaign.name, module, moduleName: done.moduleName ?? module, enrollmentId: done.enrollmentId, completedAt: at })
    if (completedAt === null || at > completedAt) completedAt = at
  }
  return { id: campaign.id, name: campaign.name, completed: true, completedAt }
}

function incomplete(campaign: SelectedCampaign): CampaignProgress {
  return { id: campaign.id, name: campaign.name, completed: false, completedAt: null }
}

/**
 * Groups enrollments by person (normalised e-mail) and campaign, dropping duplicate enrollment
 * ids (the first row of a campaign's id wins). Duplicates are tracked per campaign, and rows
 * arrive campaign by campaign, so the campaign's id set is looked up once per run of rows.
 */
export function groupEnrollments(enrollments: Iterable<Enrollment>): Map<string, Map<string, Enrollment[]>> {
  const seenByCampaign = new Map<string, Set<string>>()
  const byPerson = new Map<string, Map<string, Enrollment[]>>()
  let lastCampaign: string | null = null
  let seen = new Set<string>()
  for (const row of enrollments) {
    if (row.campaignId !== lastCampaign) {
      lastCampaign = row.campaignId
      const known = seenByCampaign.get(lastCampaign)
      if (known) seen = known
      else seenByCampaign.set(lastCampaign, (seen = new Set()))
    }
    if (seen.has(row.enrollmentId)) continue
    seen.add(row.enrollmentId)
    let byCampaign = byPerson.get(row.email)
    if (!byCampaign) byPerson.set(row.email, (byCampaign = new Map()))
    const list = byCampaign.get(row.campaignId)
    if (list) list.push(row)
    else byCampaign.set(row.campaignId, [row])
  }
  return byPerson
}

export { countDue, isDue } from './constants.ts'
