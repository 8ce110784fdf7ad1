import { ProviderError } from '../../errors.ts'
import type { ProviderHttp } from '../../http/provider-http.ts'
import type { ProviderSession, RecheckPerson, RemoteCampaign, RemoteEnrollment, RemotePerson } from '../types.ts'
import { KnowBe4Client, type KnowBe4Target } from './client.ts'
import { PROVIDER_NAME } from './config.ts'
import { aliasIndex, toRemoteCampaign, toRemoteEnrollment, toRemotePerson } from './map.ts'

export type KnowBe4SessionOptions = {
  /** The sync's clock, for done rows without a completion date (default: now). */
  now?: () => Date
}

/**
 * One sync against one KnowBe4 account. Requests go one at a time so the pacer can keep them
 * under 4/s and 50/min. When `listPeople` ran first, enrollments are joined to its answer:
 * alias e-mails become primary ones and rows of users not listed as active are dropped. An alias
 * that is another person's own e-mail stays theirs.
 */
export class KnowBe4Session implements ProviderSession {
  private readonly client: KnowBe4Client
  private people: { aliases: Map<string, string>; activeUserIds: Set<string> } | null = null

  constructor(
    http: ProviderHttp,
    target: KnowBe4Target,
    private readonly options: KnowBe4SessionOptions = {},
  ) {
    this.client = new KnowBe4Client(http, target)
  }

  async listCampaigns(): Promise<RemoteCampaign[]> {
    const campaigns = await this.client.campaigns()
    const byId = new Map(campaigns.map((campaign) => [campaign.campaign_id, toRemoteCampaign(campaign)]))
    return [...byId.values()]
  }

  async listPeople(_campaigns?: readonly RemoteCampaign[]): Promise<RemotePerson[]> {
    const users = await this.client.activeUsers()
    const people = new Map<string, RemotePerson>()
    const activeUserIds = new Set<string>()
    for (const user of users) {
      const person = toRemotePerson(user)
      if (!person) continue
      activeUserIds.add(user.id)
      if (!people.has(person.email)) people.set(person.email, person)
    }
    const list = [...people.values()].map((person) => ({
      ...person,
      aliases: (person.aliases ?? []).filter((alias) => !people.has(alias)),
    }))
    this.people = { aliases: aliasIndex(list), activeUserIds }
    return list
  }

  async listEnrollments(campaigns: readonly RemoteCampaign[]): Promise<RemoteEnrollment[]> {
    const observedAt = (this.options.now?.() ?? new Date()).toISOString()
    const ids = [...new Set(campaigns.map((campaign) => campaign.externalId))]
    const rows: RemoteEnrollment[] = []
    for (const campaignId of ids) {
      if (!/^\d+$/.test(campaignId)) {
        throw new ProviderError('not_found', `${PROVIDER_NAME} has no campaign "${campaignId}": its ids are numbers.`)
      }
      const ctx = {
        campaignId,
        aliases: this.people?.aliases ?? new Map<string, string>(),
        activeUserIds: this.people?.activeUserIds ?? null,
        observedAt,
      }
      for (const row of await this.client.enrollments(campaignId)) {
        const mapped = toRemoteEnrollment(row, ctx)
        if (mapped) rows.push(mapped)
      }
    }
    return rows
  }

  /**
   * A re-check of one person: their enrollments through the `user_id` filter (one request per
   * 500 rows of theirs, whatever the tenant's size), kept for the given campaigns only.
   */
  async enrollmentsOf(person: RecheckPerson, campaigns: readonly RemoteCampaign[]): Promise<RemoteEnrollment[] | null> {
    if (person.externalId === null || !/^\d+$/.test(person.externalId)) return null
    const wanted = new Set(campaigns.map((campaign) => campaign.externalId))
    if (wanted.size === 0) return []
    const observedAt = (this.options.now?.() ?? new Date()).toISOString()
    const rows: RemoteEnrollment[] = []
    for (const row of await this.client.enrollmentsOfUser(person.externalId)) {
      const campaignId = row.campaign_id
      if (campaignId == null || !wanted.has(campaignId)) continue
      const mapped = toRemoteEnrollment(row, { campaignId, aliases: new Map(), activeUserIds: null, observedAt })
      // The id names the person: their row is theirs even when it shows another (alias) e-mail.
      if (mapped) rows.push({ ...mapped, email: person.email })
    }
    return rows
  }
}
