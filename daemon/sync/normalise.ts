import { campaignKey } from '../../shared/campaign-key.ts'
import { type People, tableOf, type RowTable } from '../../shared/row-table.ts'
import type { RemoteCampaign, RemoteEnrollment } from '../providers/types.ts'
import type { StoredCampaign } from '../store/schema.ts'
import type { Fetched } from './fetch.ts'

/**
 * Stage 2: the provider's answers in trainproof's terms, still without the db: campaigns as
 * stored campaigns (keys from the one codec), people by e-mail, and the enrollments as a table
 * whose rows carry their person's and campaign's index (interned once here, so that the
 * evaluator hashes no strings).
 */
export type Normalised = {
  connectionId: string
  campaigns: StoredCampaign[]
  /** Everyone listed, by e-mail: their name (people first, then rows naming someone else). */
  names: Map<string, string>
  /** The provider's id of each listed person (for targeted re-checks). */
  externalIds: Map<string, string>
  table: RowTable
  people: People
  /** The campaign key of each campaign index of the table. */
  campaignKeys: string[]
  /** Rows as fetched (the evaluator drops repeats). */
  rows: number
}

export function toStoredCampaigns(connectionId: string, remote: readonly RemoteCampaign[]): StoredCampaign[] {
  return remote.map((campaign) => ({
    id: campaignKey(connectionId, campaign.externalId),
    connectionId,
    externalId: campaign.externalId,
    name: campaign.name,
    status: campaign.status,
    importable: campaign.importable,
    notImportableReason: campaign.importable ? null : campaign.notImportableReason,
  }))
}

export function normalise(connectionId: string, fetched: Fetched): Normalised {
  const names = new Map<string, string>()
  const externalIds = new Map<string, string>()
  for (const person of fetched.people) {
    names.set(person.email, person.name)
    if (person.externalId !== undefined) externalIds.set(person.email, person.externalId)
  }
  const { table, people, campaignIds } = tableOf(fetched.enrollments, externalCampaignIdOf)
  nameUnlisted(names, people, table, fetched.enrollments)
  return {
    connectionId,
    campaigns: toStoredCampaigns(connectionId, fetched.campaigns),
    names,
    externalIds,
    table,
    people,
    campaignKeys: campaignIds.map((id) => campaignKey(connectionId, id)),
    rows: fetched.enrollments.length,
  }
}

const externalCampaignIdOf = (row: RemoteEnrollment) => row.externalCampaignId

/** People named only by their rows get the name of their first row, in the order they are met. */
function nameUnlisted(names: Map<string, string>, people: People, table: RowTable, rows: readonly RemoteEnrollment[]): void {
  const unlisted = new Uint8Array(people.size)
  let left = 0
  people.emails.forEach((email, index) => {
    if (!names.has(email)) (unlisted[index] = 1), left++
  })
  for (let at = 0; at < rows.length && left > 0; at++) {
    const person = table.person[at] as number
    if (unlisted[person] !== 1) continue
    const row = rows[at] as RemoteEnrollment
    names.set(row.email, row.name ?? row.email)
    unlisted[person] = 0
    left--
  }
}
