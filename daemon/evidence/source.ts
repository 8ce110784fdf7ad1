import type { Evidence, ProviderId } from '../../shared/domain.ts'
import type { ProviderRegistry } from '../providers/registry.ts'
import type { Db, StoredRecord } from '../store/schema.ts'

/**
 * Where a compliance record's proof came from, as the record itself says: certificates and the
 * evidence pack read names from here only. Records committed since the record kept its source
 * (`record.source`, evidence rows' `campaignName`/`moduleName`) need nothing else; older records
 * fall back to today's db (the connection it was evaluated from, the campaign list).
 * This is the one place that knows both shapes.
 */
export type ProofSource = {
  provider: ProviderId | null
  /** The provider's display name ("KnowBe4"), or its id when the registry does not know it. */
  providerName: string | null
  connectionLabel: string
  campaignName(row: Evidence): string
  moduleName(row: Evidence): string
}

type KeptSource = { provider: ProviderId; connectionId: string; connectionLabel: string } | null | undefined
type NamedEvidence = Evidence & { campaignName?: string; moduleName?: string }

export function recordSource(db: Db, providers: ProviderRegistry, record: StoredRecord): ProofSource {
  const kept = (record as StoredRecord & { source?: KeptSource }).source
  const connection = db.connections.find((item) => item.id === (kept?.connectionId ?? record.connectionId))
  const provider = kept?.provider ?? connection?.provider ?? null
  const providerName = provider === null ? null : (providers.all().find((item) => item.id === provider)?.displayName ?? provider)
  const campaignNames = new Map(record.campaigns.map((campaign) => [campaign.id, campaign.name]))
  return {
    provider,
    providerName,
    connectionLabel: kept?.connectionLabel ?? connection?.label ?? '',
    campaignName: (row) =>
      (row as NamedEvidence).campaignName ||
      campaignNames.get(row.campaignId) ||
      db.campaigns.find((campaign) => campaign.id === row.campaignId)?.name ||
      row.campaignId,
    moduleName: (row) => (row as NamedEvidence).moduleName || row.module,
  }
}
