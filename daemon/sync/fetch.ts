import { campaignKey } from '../../shared/campaign-key.ts'
import { TRAINING_IDS, type TrainingId } from '../../shared/domain.ts'
import type { ProviderSession, RecheckPerson, RemoteCampaign, RemoteEnrollment, RemotePerson } from '../providers/types.ts'
import type { Db } from '../store/schema.ts'

/**
 * Stage 1 of the one-way sync (fetch → normalise → plan → evaluate → certificates → commit):
 * what to ask the provider for, and the asking. Nothing here reads the answers.
 */

/** What one sync of one connection fetched from its provider. */
export type Fetched = {
  campaigns: RemoteCampaign[]
  people: RemotePerson[]
  enrollments: RemoteEnrollment[]
}

/**
 * The selection a sync works with, taken when it starts: per training this connection serves,
 * its selected campaign keys. A sync fetches for exactly this and evaluates against exactly this;
 * a selection saved while it runs counts from the next sync.
 */
export type Selection = ReadonlyMap<TrainingId, readonly string[]>

export function snapshotSelection(db: Db, connectionId: string): Selection {
  const selection = new Map<TrainingId, readonly string[]>()
  for (const id of TRAINING_IDS) {
    const config = db.trainings[id]
    if (config.connectionId === connectionId) selection.set(id, [...config.campaignIds])
  }
  return selection
}

/** The campaigns whose enrollments a sync must fetch: those of the selection. */
export function selectedRemote(selection: Selection, connectionId: string, remote: readonly RemoteCampaign[]): RemoteCampaign[] {
  const wanted = new Set<string>()
  for (const campaigns of selection.values()) for (const campaign of campaigns) wanted.add(campaign)
  return remote.filter((campaign) => campaign.importable && wanted.has(campaignKey(connectionId, campaign.externalId)))
}

/** A whole sync's reading: the campaign list, then people and enrollments of the selected campaigns. */
export async function fetchSync(session: ProviderSession, connectionId: string, selection: Selection): Promise<Fetched> {
  const campaigns = await session.listCampaigns()
  const selected = selectedRemote(selection, connectionId, campaigns)
  const people = await session.listPeople(selected)
  const enrollments = selected.length > 0 ? await session.listEnrollments(selected) : []
  return { campaigns, people, enrollments }
}

/**
 * A re-check's reading: one person's enrollments in these campaigns (a few requests whatever the
 * tenant's size); null when the provider cannot check one person that way.
 */
export async function fetchPerson(
  session: ProviderSession,
  person: RecheckPerson,
  campaigns: readonly RemoteCampaign[],
): Promise<Fetched | null> {
  if (!session.enrollmentsOf) return null
  const enrollments = await session.enrollmentsOf(person, campaigns)
  return enrollments === null ? null : { campaigns: [], people: [], enrollments }
}
