import { browser } from '#imports'
import type { Connection } from '../../shared/domain.ts'
import type { DaemonClient } from './daemon-client.ts'
import { HUNTRESS_REDIRECT_PATH } from './extension-key.ts'
import { parseRedirect } from './oauth-redirect.ts'
import { RequestError } from './protocol.ts'
import { oauthOutcome } from './storage.ts'

export function huntressRedirectUri(): string {
  return browser.identity.getRedirectURL(HUNTRESS_REDIRECT_PATH)
}

/**
 * The whole Huntress connect flow, in the background: the daemon builds the authorize URL (PKCE,
 * state), the browser's auth window lets the admin approve, and the code goes back to the daemon,
 * which exchanges it with the client secret that only the daemon knows.
 */
export async function connectHuntress(client: DaemonClient, accountId?: string): Promise<Connection> {
  await oauthOutcome.setValue({ kind: 'pending', at: new Date().toISOString() })
  try {
    const { authorizeUrl, state } = await client.authorizeHuntress(huntressRedirectUri())
    const redirected = await browser.identity.launchWebAuthFlow({ url: authorizeUrl, interactive: true }).catch((error: unknown) => {
      throw new RequestError('oauth_window', `The Huntress sign-in window closed before it finished (${String((error as Error)?.message ?? error)}).`)
    })
    if (!redirected) throw new RequestError('oauth_window', 'The Huntress sign-in window closed before it finished.')
    const { code } = parseRedirect(redirected, state)
    const connection = await client.finishHuntress(accountId === undefined ? { code, state } : { code, state, accountId })
    await oauthOutcome.setValue({ kind: 'connected', at: new Date().toISOString(), connection })
    return connection
  } catch (error) {
    await oauthOutcome.setValue({ kind: 'failed', at: new Date().toISOString(), message: (error as Error).message })
    throw error
  }
}
