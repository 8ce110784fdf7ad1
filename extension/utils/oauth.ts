import { browser } from '#imports'
import type { Connection } from '../../shared/domain.ts'
import { DaemonError, type DaemonClient } from './daemon-client.ts'
import { HUNTRESS_REDIRECT_PATH } from './extension-key.ts'
import { parseRedirect } from './oauth-redirect.ts'
import { RequestError } from './protocol.ts'
import { huntressChoice, oauthOutcome, type AccountChoice } from './storage.ts'

const now = () => new Date().toISOString()

export function huntressRedirectUri(): string {
  return browser.identity.getRedirectURL(HUNTRESS_REDIRECT_PATH)
}

function choicesOf(error: DaemonError): AccountChoice[] {
  const choices = error.details?.choices
  if (!Array.isArray(choices)) return []
  return choices.flatMap((item: unknown) => {
    const { id, name } = (item ?? {}) as Record<string, unknown>
    return typeof id === 'string' ? [{ id, name: typeof name === 'string' ? name : id }] : []
  })
}

/** Hands the code to the daemon; when the login sees several accounts, keeps it for the admin's choice. */
async function finish(client: DaemonClient, body: { code: string; state: string; accountId?: string }): Promise<Connection> {
  try {
    const connection = await client.finishHuntress(body)
    await huntressChoice.setValue(null)
    await oauthOutcome.setValue({ kind: 'connected', at: now(), connection })
    return connection
  } catch (error) {
    if (error instanceof DaemonError && error.code === 'account_choice_required') {
      // The daemon spends the state and issues a new single-use one for the choice.
      const next = error.details?.state
      await huntressChoice.setValue({ code: body.code, state: typeof next === 'string' ? next : body.state })
      await oauthOutcome.setValue({ kind: 'choose', at: now(), choices: choicesOf(error) })
    } else {
      await huntressChoice.setValue(null)
      await oauthOutcome.setValue({ kind: 'failed', at: now(), message: (error as Error).message })
    }
    throw error
  }
}

/**
 * The whole Huntress connect flow, in the background: the daemon builds the authorize URL (PKCE,
 * state), the browser's auth window lets the admin approve, and the code goes back to the daemon,
 * which exchanges it with the client secret that only the daemon knows.
 */
export async function connectHuntress(client: DaemonClient): Promise<Connection> {
  await oauthOutcome.setValue({ kind: 'pending', at: now() })
  let redirect: { code: string; state: string }
  try {
    const { authorizeUrl, state } = await client.authorizeHuntress(huntressRedirectUri())
    const redirected = await browser.identity.launchWebAuthFlow({ url: authorizeUrl, interactive: true }).catch((error: unknown) => {
      throw new RequestError('oauth_window', `The Huntress sign-in window closed before it finished (${(error as Error)?.message ?? String(error)}).`)
    })
    if (!redirected) throw new RequestError('oauth_window', 'The Huntress sign-in window closed before it finished.')
    redirect = parseRedirect(redirected, state)
  } catch (error) {
    await oauthOutcome.setValue({ kind: 'failed', at: now(), message: (error as Error).message })
    throw error
  }
  return finish(client, redirect)
}

/** Finishes a sign-in that saw several Huntress accounts, with the one the admin picked. */
export async function chooseHuntressAccount(client: DaemonClient, accountId: string): Promise<Connection> {
  const pending = await huntressChoice.getValue()
  if (pending === null) throw new RequestError('invalid_state', 'That Huntress sign-in is no longer waiting. Connect Huntress again.')
  return finish(client, { ...pending, accountId })
}
