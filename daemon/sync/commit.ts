import { TRAINING_IDS, type TrainingId } from '../../shared/domain.ts'
import { stands } from '../../shared/evaluator.ts'
import type { Db, StoredCampaign, StoredPerson, StoredRecord } from '../store/schema.ts'
import type { Compliant, Evaluated } from './evaluate.ts'
import type { Normalised } from './normalise.ts'
import type { DueTraining } from './plan.ts'

/**
 * Stage 6, the last: writing into the db. Synchronous, so it runs inside one store update and
 * lands whole. A record that stands (the evaluator's sticky rule) is never replaced, even when
 * it became sticky after the plan was made (a re-check meanwhile).
 */

export type SyncChanges = { newlyCompliant: number; newlyDue: number }

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

/**
 * What a sync changes, in people, for the admin who pressed "Sync now" (computed before the
 * commit, against the db as it is): people who become compliant for some training, and people
 * new to trainproof who are due for a training this connection serves. Standing records are
 * never re-evaluated, so nobody compliant becomes due through a sync.
 */
export function syncChanges(db: Db, names: ReadonlyMap<string, string>, evaluated: Evaluated): SyncChanges {
  const compliant = new Set(evaluated.newlyCompliant.map((item) => item.email))
  const due = new Set<string>()
  for (const records of evaluated.records.values()) {
    for (const [email, record] of records) {
      if (db.people.get(email) !== undefined || !names.has(email)) continue
      if (record === null || !record.sticky) due.add(email)
    }
  }
  return { newlyCompliant: compliant.size, newlyDue: due.size }
}

/** The record to write: the certified version of a newly compliant one, else the evaluated one. */
function certifiedLookup(certified: readonly Compliant[]): (training: TrainingId, email: string, record: StoredRecord) => StoredRecord {
  const byKey = new Map(certified.map((item) => [`${item.training}\n${item.email}`, item.record]))
  return (training, email, record) => (byKey.size === 0 ? record : (byKey.get(`${training}\n${email}`) ?? record))
}

/**
 * Writes a sync: the campaign list, the people listed, every evaluated record. Records written
 * are stamped with the sync's end (`syncedAt`), the time their evidence stands for.
 */
export function commitSync(
  db: Db,
  normalised: Normalised,
  evaluated: Evaluated,
  certified: readonly Compliant[],
  syncedAt: string,
): { droppedFromSelection: string[] } {
  const { connectionId } = normalised
  const droppedFromSelection = replaceCampaigns(db, connectionId, normalised.campaigns)
  upsertPeople(db, connectionId, normalised.names, normalised.externalIds)
  const final = certifiedLookup(certified)
  for (const [training, records] of evaluated.records) {
    for (const [email, planned] of records) {
      const person = db.people.get(email)
      if (!person || stands(person.records[training])) continue
      if (planned) {
        // A copy: a record that stood when planned is the stored one, possibly shared and frozen.
        person.records[training] = { ...final(training, email, planned), evaluatedAt: syncedAt }
      } else delete person.records[training]
    }
  }
  pruneGone(db)
  return { droppedFromSelection }
}

/**
 * Writes a re-check of one person: each due training whose selection is still the one checked
 * (else the next sync counts). Returns the status written per training.
 */
export function commitRecheck(
  db: Db,
  email: string,
  due: readonly DueTraining[],
  evaluated: Evaluated,
  certified: readonly Compliant[],
): Partial<Record<TrainingId, string>> {
  const changed: Partial<Record<TrainingId, string>> = {}
  const stored = db.people.get(email)
  if (!stored) return changed
  const final = certifiedLookup(certified)
  for (const { training, campaignIds } of due) {
    const config = db.trainings[training]
    if (config.connectionId !== evaluated.connectionId || !sameList(config.campaignIds, campaignIds)) continue
    if (stands(stored.records[training])) continue
    const planned = evaluated.records.get(training)
    if (!planned?.has(email)) continue
    const record = planned.get(email) ?? null
    if (record) stored.records[training] = final(training, email, record)
    else delete stored.records[training]
    changed[training] = record?.status ?? 'not_enrolled'
  }
  return changed
}

function upsertPeople(db: Db, connectionId: string, names: ReadonlyMap<string, string>, externalIds: ReadonlyMap<string, string>): void {
  for (const person of db.people.values()) {
    if (names.has(person.email)) continue
    person.seenBy = person.seenBy.filter((id) => id !== connectionId)
    delete person.externalIds[connectionId]
  }
  for (const [email, name] of names) {
    const person: StoredPerson = db.people.get(email) ?? { email, name, seenBy: [], externalIds: {}, records: {} }
    person.name = name || person.name
    // A new array: loaded seenBy arrays are shared between people (codec.ts interns them).
    if (!person.seenBy.includes(connectionId)) person.seenBy = [...person.seenBy, connectionId]
    const externalId = externalIds.get(email)
    if (externalId === undefined) delete person.externalIds[connectionId]
    else person.externalIds[connectionId] = externalId
    db.people.set(email, person)
  }
}

/** People no provider lists any more and who hold no record are forgotten. */
function pruneGone(db: Db): void {
  for (const [email, person] of db.people) {
    if (person.seenBy.length === 0 && Object.keys(person.records).length === 0) db.people.delete(email)
  }
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index])
