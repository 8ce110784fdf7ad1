/**
 * The one codec of campaign keys: trainproof's id of a provider's campaign is the connection id
 * and the provider's own (external) campaign id, joined by `:`. Selections, records and evidence
 * hold keys; providers only ever see external ids. Connection ids hold no `:`.
 */
export function campaignKey(connectionId: string, externalCampaignId: string): string {
  return `${connectionId}:${externalCampaignId}`
}

/** The parts of a campaign key, or null when it is not one. */
export function parseCampaignKey(key: string): { connectionId: string; externalCampaignId: string } | null {
  const at = key.indexOf(':')
  if (at <= 0) return null
  return { connectionId: key.slice(0, at), externalCampaignId: key.slice(at + 1) }
}
