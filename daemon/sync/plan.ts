import { TRAINING_IDS, type TrainingId } from '../../shared/domain.ts'
import { evaluateTraining, groupEnrollments, type SelectedCampaign } from '../../shared/evaluator.ts'
import type { RemoteCampaign, RemoteEnrollment, RemotePerson } from '../providers/types.ts'
import type { Db, StoredCampaign, StoredConnection, StoredPerson, StoredRecord } from '../store/schema.ts'
import { evidenceDigest } from '../certificates/pdf.ts'
import { sinceRetraining } from '../recurrence/resets.ts'

/** What one sync of one connection fetched from its provider. */
export type Fetched = {
  campaigns: RemoteCampaign[]
  people: RemotePerson[]
  enrollments: RemoteEnrollment[]
}


export const campaignId = (connectionId: string, externalId: string) => `${connectionId}:${externalId}`

export function toStoredCampaigns(connectionId: string, remote: readonly RemoteCampaign[]): StoredCampaign[] {
  return remote.map((campaign) => ({
    id: campaignId(connectionId, campaign.externalId),
    connectionId,
    externalId: campaign.externalId,
    name: campaign.name,
    status: campaign.status,
    importable: campaign.importable,
    notImportableReason: campaign.importable ? null : campaign.notImportableReason,
  }))
}

/** Replaces a connection's campaign list; selected campaigns that are gone leave every selection. */
export function replaceCampaigns(db: Db, connectionId: string, campaigns: StoredCampaign[]): string[] {
  db.campaigns = [...db.campaigns.filter((campaign) => campaign.connectionId !== connectionId), ...campaigns]
  const present = new Set(campaigns.filter((campaign) => campaign.importable).map((campaign) => campaign.id))
  const dropped: string[] = []
  for (const id of TRAINING_IDS) {
    const config = db.trainings[id]
    if (config.connectionId !== connectionId) continue
    const kept = config.campaignIds.filter((campaign) => present.has(campaign))
    dropped.push(...config.campaignIds.filter((campaign) => !present.has(campaign)))
    config.campaignIds = kept
  }
  return dropped
}

/** The campaigns whose enrollments a sync must fetch: those selected for a training this connection serves. */
export function selectedRemote(db: Db, connectionId: string, remote: readonly RemoteCampaign[]): RemoteCampaign[] {
  const wanted = new Set<string>()
  for (const id of TRAINING_IDS) {
    const config = db.trainings[id]
    if (config.connectionId === connectionId) for (const campaign of config.campaignIds) wanted.add(campaign)
  }
  return remote.filter((campaign) => campaign.importable && wanted.has(campaignId(connectionId, campaign.externalId)))
}

/** What a sync will change, computed before anything is written. */
export type SyncPlan = {
  campaigns: StoredCampaign[]
  names: Map<string, string>
  /** Per training this connection serves: the new record of each person, or null to clear it. */
  records: Map<TrainingId, Map<string, StoredRecord | null>>
  stats: { campaigns: number; people: number; enrollments: number; evaluated: number }
  newlyCompliant: { email: string; training: TrainingId; record: StoredRecord }[]
}

/**
 * Evaluates a fetched sync against the db without changing it: every non-sticky person, for each
 * training this connection serves. Sticky records are never touched.
 */
export function planSync(db: Db, connection: StoredConnection, fetched: Fetched, now: string): SyncPlan {
  const campaigns = toStoredCampaigns(connection.id, fetched.campaigns)
  const names = new Map<string, string>()
  for (const person of fetched.people) names.set(person.email, person.name)
  for (const row of fetched.enrollments) if (!names.has(row.email)) names.set(row.email, row.name ?? row.email)

  const grouped = groupEnrollments(
    fetched.enrollments.map((row) => ({
      enrollmentId: row.enrollmentId,
      campaignId: campaignId(connection.id, row.campaignId),
      email: row.email,
      module: row.module,
      completedAt: row.completedAt,
    })),
  )
  const campaignNames = new Map(campaigns.map((campaign) => [campaign.id, campaign.name]))
  const present = new Set(campaigns.filter((campaign) => campaign.importable).map((campaign) => campaign.id))
  const everyone = new Set([...Object.keys(db.people), ...names.keys()])
  const plan: SyncPlan = {
    campaigns,
    names,
    records: new Map(),
    stats: { campaigns: campaigns.length, people: names.size, enrollments: fetched.enrollments.length, evaluated: 0 },
    newlyCompliant: [],
  }
  for (const training of TRAINING_IDS) {
    const config = db.trainings[training]
    if (config.connectionId !== connection.id) continue
    const selected: SelectedCampaign[] = config.campaignIds
      .filter((id) => present.has(id))
      .map((id) => ({ id, name: campaignNames.get(id) ?? id }))
    const records = new Map<string, StoredRecord | null>()
    plan.records.set(training, records)
    for (const email of everyone) {
      if (db.people[email]?.records[training]?.sticky) continue
      const enrollments = grouped.get(email)
      if (!enrollments || selected.length === 0) {
        records.set(email, null)
        continue
      }
      // After a reset by a recurrence rule, completions from before it no longer count.
      const counted = sinceRetraining(enrollments, db.retraining[email]?.[training])
      const evaluated = evaluateTraining({ selected, enrollments: counted, previous: null, now })
      plan.stats.evaluated++
      if (evaluated.status === 'not_enrolled') {
        records.set(email, null)
        continue
      }
      const record: StoredRecord = { ...evaluated, connectionId: connection.id, certificates: [], evidenceSha256: null }
      if (record.sticky) record.evidenceSha256 = evidenceDigest(record)
      records.set(email, record)
      if (record.sticky) plan.newlyCompliant.push({ email, training, record })
    }
  }
  return plan
}

/** Writes a plan into the db. Synchronous: it runs inside one store update, so it lands whole. */
export function commitSync(db: Db, connectionId: string, plan: SyncPlan): { droppedFromSelection: string[] } {
  const droppedFromSelection = replaceCampaigns(db, connectionId, plan.campaigns)
  upsertPeople(db, connectionId, plan.names)
  for (const [training, records] of plan.records) {
    for (const [email, record] of records) {
      const person = db.people[email]
      if (!person || person.records[training]?.sticky) continue
      if (record) person.records[training] = record
      else delete person.records[training]
    }
  }
  pruneGone(db)
  return { droppedFromSelection }
}

function upsertPeople(db: Db, connectionId: string, names: ReadonlyMap<string, string>): void {
  for (const person of Object.values(db.people)) {
    if (!names.has(person.email)) person.seenBy = person.seenBy.filter((id) => id !== connectionId)
  }
  for (const [email, name] of names) {
    const person: StoredPerson = db.people[email] ?? { email, name, seenBy: [], records: {} }
    person.name = name || person.name
    if (!person.seenBy.includes(connectionId)) person.seenBy.push(connectionId)
    db.people[email] = person
  }
}

/** People no provider lists any more and who hold no record are forgotten. */
function pruneGone(db: Db): void {
  for (const [email, person] of Object.entries(db.people)) {
    if (person.seenBy.length === 0 && Object.keys(person.records).length === 0) delete db.people[email]
  }
}
