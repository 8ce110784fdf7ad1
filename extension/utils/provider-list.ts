import type { ProviderDescription } from '../../shared/api.ts'
import type { DaemonClient } from './daemon-client.ts'
import { knownProviders } from './storage.ts'

/** How long the background trusts its copy of `GET /providers` before asking again. */
const FRESH_MS = 60 * 60_000

/**
 * The daemon's providers as they describe themselves (background side): the stored copy while it
 * is fresh, else asked again; the stored copy (or none) when the daemon cannot answer.
 */
export async function providerList(client: DaemonClient, force = false): Promise<ProviderDescription[]> {
  const stored = await knownProviders.getValue()
  if (!force && stored && Date.now() - Date.parse(stored.at) < FRESH_MS) return stored.list
  try {
    const list = await client.providers()
    await knownProviders.setValue({ at: new Date().toISOString(), list })
    return list
  } catch {
    return stored?.list ?? []
  }
}
