import type { ProviderDescription } from '../../shared/api.ts'
import type { DaemonClient } from './daemon-client.ts'
import { knownProviders } from './storage.ts'

/** How long the background trusts its copy of `GET /providers` before asking again. */
const FRESH_MS = 60 * 60_000

/**
 * The daemon's providers as they describe themselves (background side). A stored copy answers at
 * once (refreshed behind it when older than an hour), so a slow daemon never holds a page up;
 * without one, the daemon is asked; an unreachable daemon gives an empty list (names fall back to ids).
 */
export async function providerList(client: DaemonClient): Promise<ProviderDescription[]> {
  const stored = await knownProviders.getValue()
  if (stored === null) return fetchList(client).catch(() => [])
  if (Date.now() - Date.parse(stored.at) >= FRESH_MS) void fetchList(client).catch(() => undefined)
  return stored.list
}

async function fetchList(client: DaemonClient): Promise<ProviderDescription[]> {
  const list = await client.providers()
  await knownProviders.setValue({ at: new Date().toISOString(), list })
  return list
}
