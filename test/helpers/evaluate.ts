import type { Enrollment } from '../../shared/domain.ts'
import { Evaluation, notConfigured, type ComplianceRecord, type SelectedCampaign } from '../../shared/evaluator.ts'
import { tableOf } from '../../shared/row-table.ts'

/**
 * The evaluator for one person and one training, from rows keyed by e-mail and campaign id (as
 * tests write them). Gives the record a sync would keep, or the not_enrolled / not_configured
 * status a person without one shows.
 */
export function evaluateRows(
  rows: readonly Enrollment[],
  email: string,
  selected: readonly SelectedCampaign[],
  { previous = null, now, countsFrom = null }: { previous?: ComplianceRecord | null; now: string; countsFrom?: number | null },
): ComplianceRecord {
  const { table, people, campaignIds } = tableOf(rows, (row) => row.campaignId)
  const person = people.indexOf(email)
  const evaluation = new Evaluation({ ...table, people: people.size }, [
    {
      selected: selected.map((campaign) => ({ ...campaign, index: campaignIds.indexOf(campaign.id) })),
      previous: (index) => (index === person ? previous : null),
      countsFrom: () => countsFrom,
    },
  ])
  const record = evaluation.record(person, 0, now)
  if (record) return record
  if (selected.length === 0) return notConfigured(now)
  return { ...notConfigured(now), status: 'not_enrolled' }
}
