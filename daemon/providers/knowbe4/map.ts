import { normalizeEmail } from '../../../shared/domain.ts'
import type { RemoteCampaign, RemoteEnrollment, RemotePerson } from '../types.ts'
import { DONE_STATUSES, USER_STATUS_ACTIVE } from './config.ts'
import type { Kb4Campaign, Kb4Enrollment, Kb4User } from './schemas.ts'

/** Pure mappers from KnowBe4 rows to trainproof's provider-neutral shapes. */

/** Every campaign can be selected, whatever its status (shown as KnowBe4 spells it). */
export function toRemoteCampaign(campaign: Kb4Campaign): RemoteCampaign {
  return {
    externalId: campaign.campaign_id,
    name: campaign.name,
    status: campaign.status,
    importable: true,
    notImportableReason: null,
  }
}

/** An active user with an e-mail, else null. Aliases are normalised and never repeat the e-mail. */
export function toRemotePerson(user: Kb4User): RemotePerson | null {
  if (user.status && user.status.trim().toLowerCase() !== USER_STATUS_ACTIVE) return null
  const email = user.email ? normalizeEmail(user.email) : ''
  if (!email) return null
  const aliases = [...new Set((user.aliases ?? []).map(normalizeEmail))].filter((alias) => alias && alias !== email)
  return { email, name: fullName(user) ?? email, aliases, externalId: user.id }
}

export function isDone(status: string): boolean {
  return DONE_STATUSES.has(status.trim().toLowerCase())
}

export type EnrollmentContext = {
  /** The campaign the rows were asked for (its externalId). */
  campaignId: string
  /** Alias e-mail → primary e-mail, from the users list when the session has it. */
  aliases: ReadonlyMap<string, string>
  /** Ids of active users, when known; rows of other users are dropped. */
  activeUserIds: ReadonlySet<string> | null
  /**
   * The completion time of a done row that lacks `completion_date`: the time the sync saw it
   * done, the latest moment we know it was complete (an earlier date could be false evidence).
   */
  observedAt: string
}

/** One row as trainproof's Enrollment, or null when it must be skipped. */
export function toRemoteEnrollment(row: Kb4Enrollment, ctx: EnrollmentContext): RemoteEnrollment | null {
  if (!row.user?.email?.trim()) return null
  if (row.campaign_id != null && row.campaign_id !== ctx.campaignId) return null
  if (ctx.activeUserIds && !ctx.activeUserIds.has(row.user.id)) return null
  const email = normalizeEmail(row.user.email)
  const done = isDone(row.status)
  const name = fullName(row.user)
  return {
    enrollmentId: row.enrollment_id,
    externalCampaignId: ctx.campaignId,
    email: ctx.aliases.get(email) ?? email,
    module: moduleKey(row),
    moduleName: moduleName(row),
    completedAt: done ? (row.completion_date ?? ctx.observedAt) : null,
    ...(name ? { name } : {}),
  }
}

/** Alias → primary e-mail. An alias that is someone's own e-mail, or claimed twice, keeps its first owner. */
export function aliasIndex(people: readonly RemotePerson[]): Map<string, string> {
  const primaries = new Set(people.map((person) => person.email))
  const index = new Map<string, string>()
  for (const person of people) {
    for (const alias of person.aliases ?? []) if (!primaries.has(alias) && !index.has(alias)) index.set(alias, person.email)
  }
  return index
}

/**
 * What tells a campaign's modules apart: the content's id (`store_purchase_id` of a ModStore
 * item, `policy_id` of an uploaded policy), the name only when the row carries neither. Two
 * content items with the same name stay two modules.
 */
export function moduleKey(row: Kb4Enrollment): string {
  if (row.store_purchase_id) return `store_purchase:${row.store_purchase_id}`
  if (row.policy_id) return `policy:${row.policy_id}`
  return `name:${row.content_type?.trim() ?? ''}:${moduleName(row)}`
}

function moduleName(row: Kb4Enrollment): string {
  const name = row.module_name?.trim()
  if (name) return name
  if (row.store_purchase_id) return `store purchase ${row.store_purchase_id}`
  return row.content_type?.trim() || 'module'
}

function fullName(user: { first_name?: string | null; last_name?: string | null }): string | null {
  const name = [user.first_name, user.last_name]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ')
  return name || null
}
