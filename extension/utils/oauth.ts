import { browser } from '#imports'
import type { Connection } from '../../shared/domain.ts'
import { DaemonError, type DaemonClient } from './daemon-client.ts'
import { providerRedirectPath } from './extension-key.ts'
import { connectContext, parseRedirect } from './oauth-redirect.ts'
import { RequestError } from './protocol.ts'
import { oauthChoice, oauthOutcome, type AccountChoice } from './storage.ts'

const now = () => new Date().toISOString()

/** The redirect URL a provider's OAuth client registers for this extension: `https://<id>.chromiumapp.org/<provider>`. */
export function providerRedirectUri(provider: string): string {
  return browser.identity.getRedirectURL(providerRedirectPath(provider))
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
async function finish(
  client: DaemonClient,
  provider: string,
  body: { code: string; state: string; accountId?: string },
): Promise<Connection> {
  try {
    const connection = await client.oauthCallback(provider, body)
    await oauthChoice.setValue(null)
    await oauthOutcome.setValue({ provider, kind: 'connected', at: now(), connection })
    return connection
  } catch (error) {
    if (error instanceof DaemonError && error.code === 'account_choice_required') {
      // The daemon spends the state and issues a new single-use one for the choice.
      const next = error.details?.state
      await oauthChoice.setValue({ provider, code: body.code, state: typeof next === 'string' ? next : body.state })
      await oauthOutcome.setValue({ provider, kind: 'choose', at: now(), choices: choicesOf(error) })
    } else {
      await oauthChoice.setValue(null)
      await oauthOutcome.setValue({ provider, kind: 'failed', at: now(), message: (error as Error).message })
    }
    throw error
  }
}

/**
 * The whole OAuth connect flow of one provider, in the background: the daemon builds the
 * authorize URL (PKCE, state), the browser's auth window lets the admin approve, and the code goes
 * back to the daemon, which exchanges it with the client secret that only the daemon knows.
 * `name` is the provider's display name, for the sentences people read.
 */
export async function connectOAuth(client: DaemonClient, provider: string, name: string): Promise<Connection> {
  await oauthOutcome.setValue({ provider, kind: 'pending', at: now() })
  let redirect: { code: string; state: string }
  try {
    const { authorizeUrl, state } = await client.oauthAuthorize(provider, providerRedirectUri(provider))
    const redirected = await browser.identity.launchWebAuthFlow({ url: authorizeUrl, interactive: true }).catch((error: unknown) => {
      throw new RequestError(
        'oauth_window',
        `The ${name} sign-in window closed before it finished (${(error as Error)?.message ?? String(error)}).`,
      )
    })
    if (!redirected) throw new RequestError('oauth_window', `The ${name} sign-in window closed before it finished.`)
    redirect = parseRedirect(redirected, state, connectContext(name))
  } catch (error) {
    await oauthOutcome.setValue({ provider, kind: 'failed', at: now(), message: (error as Error).message })
    throw error
  }
  return finish(client, provider, redirect)
}

/** Finishes a sign-in that saw several accounts, with the one the admin picked. */
export async function chooseOAuthAccount(client: DaemonClient, accountId: string): Promise<Connection> {
  const pending = await oauthChoice.getValue()
  if (pending === null) throw new RequestError('invalid_state', 'That sign-in is no longer waiting. Connect again.')
  return finish(client, pending.provider, { code: pending.code, state: pending.state, accountId })
}
