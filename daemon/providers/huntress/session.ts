import { ProviderError } from '../../errors.ts'
import type { ProviderSession, RecheckPerson, RemoteCampaign, RemoteEnrollment, RemotePerson, SessionContext } from '../types.ts'
import { HuntressClient, type TokenSource } from './client.ts'
import { HUNTRESS } from './config.ts'
import { toCampaign, toEnrollments, toPeople, toUtc } from './map.ts'
import { refreshTokens, type HuntressOAuthClient } from './oauth.ts'
import {
  HuntressActivitySchema,
  HuntressAssignmentSchema,
  HuntressCertificateSchema,
  HuntressLearnerSchema,
  type HuntressAssignment,
  type HuntressLearner,
  type HuntressSecret,
  type HuntressSettings,
} from './schemas.ts'

type Ctx = SessionContext<HuntressSettings, HuntressSecret>

/**
 * Keeps the session's tokens fresh: renews shortly before expiry and when Huntress refuses the
 * access token, and stores the rotated pair (ctx.saveSecret) before anyone uses the new access token.
 */
export class TokenKeeper implements TokenSource {
  private current: HuntressSecret
  private renewing: Promise<void> | null = null

  constructor(
    private readonly ctx: Ctx,
    private readonly client: HuntressOAuthClient | null,
    private readonly now: () => number,
  ) {
    this.current = ctx.secret
  }

  async accessToken(): Promise<string> {
    const leftMs = Date.parse(this.current.expiresAt) - this.now()
    if (leftMs <= HUNTRESS.refreshMarginMs) await this.renew(this.current.accessToken)
    return this.current.accessToken
  }

  rejected(accessToken: string): Promise<void> {
    return this.renew(accessToken)
  }

  private renew(stale: string): Promise<void> {
    if (this.current.accessToken !== stale) return Promise.resolve() // already renewed meanwhile
    this.renewing ??= this.rotate().finally(() => {
      this.renewing = null
    })
    return this.renewing
  }

  private async rotate(): Promise<void> {
    if (!this.client)
      throw new ProviderError(
        'auth',
        'Huntress tokens cannot be renewed: ' + 'TRAINPROOF_HUNTRESS_CLIENT_ID and TRAINPROOF_HUNTRESS_CLIENT_SECRET are not set.',
      )
    const next = await refreshTokens(this.client, this.ctx.http, this.current.refreshToken, this.now)
    // The old refresh token is dead now: store the new pair before it is used or anything can fail.
    await this.ctx.saveSecret(next)
    this.current = next
  }
}

/** One sync (or one certificate download) against one Huntress account. */
export class HuntressSession implements ProviderSession {
  private readonly client: HuntressClient
  // Within one session each list is fetched once: listPeople and listEnrollments share learners.
  private assignments: Promise<HuntressAssignment[]> | null = null
  private readonly learners = new Map<string, Promise<HuntressLearner[] | null>>()

  constructor(
    private readonly ctx: Ctx,
    oauthClient: HuntressOAuthClient | null,
    private readonly now: () => number,
  ) {
    this.client = new HuntressClient(ctx.http, ctx.settings.baseUrl, new TokenKeeper(ctx, oauthClient, now))
  }

  private listAssignments(): Promise<HuntressAssignment[]> {
    this.assignments ??= this.client.list('assignments', HUNTRESS.paths.assignments(this.ctx.settings.accountId), HuntressAssignmentSchema)
    return this.assignments
  }

  private listLearners(assignmentId: string): Promise<HuntressLearner[] | null> {
    let found = this.learners.get(assignmentId)
    if (!found) {
      found = goneAsNull(this.client.list('learners', HUNTRESS.paths.learners(assignmentId), HuntressLearnerSchema))
      this.learners.set(assignmentId, found)
    }
    return found
  }

  async listCampaigns(): Promise<RemoteCampaign[]> {
    return (await this.listAssignments()).map(toCampaign)
  }

  /**
   * Huntress has no account-wide learner list in our contract: the union of the active learners
   * of the selected assignments. Unselected assignments are never read.
   */
  async listPeople(campaigns: readonly RemoteCampaign[]): Promise<RemotePerson[]> {
    const lists: HuntressLearner[][] = []
    for (const assignmentId of new Set(campaigns.map((campaign) => campaign.externalId)))
      lists.push((await this.listLearners(assignmentId)) ?? [])
    return toPeople(lists)
  }

  async listEnrollments(campaigns: readonly RemoteCampaign[]): Promise<RemoteEnrollment[]> {
    const rows = []
    for (const assignmentId of new Set(campaigns.map((campaign) => campaign.externalId))) {
      const enrolled = await this.listLearners(assignmentId)
      const fromLearners = enrolled ? toEnrollments(assignmentId, enrolled, []) : []
      if (fromLearners.length === 0) continue // deleted, or nobody active: no activity needed
      const activityPath = HUNTRESS.paths.activity(assignmentId)
      const activity = await goneAsNull(this.client.list('activity', activityPath, HuntressActivitySchema))
      rows.push(...toEnrollments(assignmentId, enrolled ?? [], activity ?? []))
    }
    return rows
  }

  /**
   * A re-check of one learner: per selected assignment, its completion certificate (200 with
   * `completedAt`: completed; 404: not completed, or not enrolled, which counts as not
   * completed so a re-check never invents compliance). One request per assignment.
   */
  async enrollmentsOf(person: RecheckPerson, campaigns: readonly RemoteCampaign[]): Promise<RemoteEnrollment[] | null> {
    if (person.externalId === null) return null
    const rows: RemoteEnrollment[] = []
    for (const assignmentId of new Set(campaigns.map((campaign) => campaign.externalId))) {
      const found = await goneAsNull(
        this.client.get('certificate', HUNTRESS.paths.certificate(assignmentId), HuntressCertificateSchema, {
          [HUNTRESS.params.certificateLearner]: person.externalId,
        }),
      )
      const completedAt = found ? toUtc(found.data.attributes.completedAt ?? new Date(this.now()).toISOString()) : null
      rows.push({
        enrollmentId: person.externalId,
        externalCampaignId: assignmentId,
        module: assignmentId,
        email: person.email,
        completedAt,
      })
    }
    return rows
  }

  async certificate({
    campaignExternalId,
    enrollmentId,
  }: {
    campaignExternalId: string
    enrollmentId: string
  }): Promise<Uint8Array | null> {
    for (let attempt = 1; ; attempt++) {
      const found = await goneAsNull(
        this.client.get('certificate', HUNTRESS.paths.certificate(campaignExternalId), HuntressCertificateSchema, {
          [HUNTRESS.params.certificateLearner]: enrollmentId,
        }),
      )
      if (!found) return null // not completed, or no certificate offered
      const link = checkedLink(found.data.attributes.pdf, this.ctx.settings.baseUrl)
      try {
        return asPdf(await this.ctx.http.bytes({ url: link, anonymous: true }))
      } catch (error) {
        // The link lives minutes; one that expired on the way gets one fresh link.
        const expired = error instanceof ProviderError && !['network', 'timeout'].includes(error.kind)
        if (attempt === 1 && expired) continue
        throw error
      }
    }
  }
}

/** Huntress answers 404 for a deleted assignment (and for a certificate it does not have). */
async function goneAsNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'not_found') return null
    throw error
  }
}

/** Follows only https links, or links to Huntress's own origin (a local fake is plain http). */
function checkedLink(link: string, baseUrl: string): string {
  const url = new URL(link)
  if (url.protocol === 'https:' || url.origin === new URL(baseUrl).origin) return link
  const message = 'Huntress offered a certificate link that is not https; trainproof did not follow it.'
  throw new ProviderError('bad_response', message)
}

function asPdf(bytes: Uint8Array): Uint8Array {
  if (new TextDecoder().decode(bytes.subarray(0, 5)) === '%PDF-') return bytes
  throw new ProviderError('bad_response', 'Huntress served a certificate that is not a PDF.')
}
