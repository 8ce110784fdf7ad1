import { browser } from '#imports'
import type { Connection } from '../../shared/domain.ts'
import type { DaemonClient } from './daemon-client.ts'
import { HUNTRESS_REDIRECT_PATH } from './extension-key.ts'
import { RequestError } from './messages.ts'
import { oauthOutcome } from './storage.ts'

const OAUTH_ERRORS: Record<string, string> = {
  access_denied: 'Huntress sign-in was cancelled, so nothing was connected.',
  invalid_scope: "Huntress would not grant the access trainproof needs. Check the API client's scopes at Huntress.",
  unsupported_response_type: "Huntress didn't accept trainproof's sign-in request. Check the OAuth client at Huntress.",
}

/**
 * Reads the code out of the URL Huntress redirected to. The state must be the one the daemon
 * handed out for this attempt; the daemon checks it again when it exchanges the code.
 */
export function parseRedirect(redirected: string, expectedState: string): { code: string; state: string } {
  const params = new URL(redirected).searchParams
  const error = params.get('error')
  if (error !== null) {
    throw new RequestError('oauth_' + error, OAUTH_ERRORS[error] ?? `Huntress refused the sign-in (${error}).`)
  }
  const code = params.get('code')
  const state = params.get('state')
  if (state !== expectedState) throw new RequestError('invalid_state', 'The sign-in answer belongs to another attempt. Start connecting again.')
  if (code === null || code === '') throw new RequestError('oauth_no_code', 'Huntress came back without an authorisation code. Start connecting again.')
  return { code, state }
}

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
