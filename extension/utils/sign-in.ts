import { browser } from '#imports'
import type { Me } from '../../shared/api.ts'
import { DaemonError, type DaemonClient } from './daemon-client.ts'
import { parseRedirect, type RedirectContext } from './oauth-redirect.ts'
import { RequestError } from './protocol.ts'
import { drawBadge, dropToken, refresh } from './refresh.ts'
import { identity, knownProviders, lastCheck, onboardingOpened, pairingToken, signedOutReason, signInOutcome, tokenId } from './storage.ts'

/** The path of `identity.getRedirectURL`: `https://<id>.chromiumapp.org/oidc` in Chrome. */
export const OIDC_REDIRECT_PATH = 'oidc'

const CONTEXT: RedirectContext = { who: 'Your company account', retry: 'Sign in again.', cancelled: 'you are not signed in' }
const now = () => new Date().toISOString()

/** Keeps a token and who it belongs to, then draws the badge from the daemon's answer. */
export async function keepToken(client: DaemonClient, token: string, id: string | null, me: Me | null): Promise<Me> {
  await pairingToken.setValue(token)
  await tokenId.setValue(id)
  await signedOutReason.setValue(null)
  await identity.setValue(me)
  const known = me ?? (await client.me())
  await identity.setValue(known)
  await onboardingOpened.setValue(false)
  await refresh(client)
  return known
}

/**
 * Sign-in with the organisation's identity provider. The daemon is the relying party: it builds
 * the authorize URL (PKCE, nonce, state) and redeems the code; the browser only carries the person
 * to the provider and back through `identity.launchWebAuthFlow`.
 */
export async function signIn(client: DaemonClient): Promise<Me> {
  await signInOutcome.setValue({ kind: 'pending', at: now() })
  try {
    const { authorizeUrl, state } = await client.oidcStart(browser.identity.getRedirectURL(OIDC_REDIRECT_PATH))
    const redirected = await browser.identity.launchWebAuthFlow({ url: authorizeUrl, interactive: true }).catch((error: unknown) => {
      throw new RequestError(
        'sign_in_window',
        `The sign-in window closed before it finished (${(error as Error)?.message ?? String(error)}).`,
      )
    })
    if (!redirected) throw new RequestError('sign_in_window', 'The sign-in window closed before it finished.')
    const answer = await client.oidcCallback(parseRedirect(redirected, state, CONTEXT))
    const me = await keepToken(client, answer.token, answer.id, { role: answer.role, email: answer.email })
    await signInOutcome.setValue(null)
    return me
  } catch (error) {
    await signInOutcome.setValue({ kind: 'failed', at: now(), message: signInMessage(error) })
    throw error
  }
}

function signInMessage(error: unknown): string {
  if (error instanceof DaemonError && error.code === 'sign_in_refused') return error.message
  if (error instanceof DaemonError && error.code === 'oidc_not_configured') {
    return "This organisation's trainproof has no company sign-in set up. Ask your IT team, or paste a token in the options."
  }
  return (error as Error)?.message ?? String(error)
}

/** Forgets the token here; a token from sign-in is revoked at the daemon first (best effort). */
export async function signOut(client: DaemonClient): Promise<void> {
  const id = await tokenId.getValue()
  if (id !== null) {
    await client.revokeToken(id).catch((error: unknown) => {
      // Already gone (401/404) is what we wanted; anything else still signs out here.
      if (!(error instanceof DaemonError)) throw error
    })
  }
  await forget(null)
}

/** Drops the token and what it showed, keeping the daemon address. */
export async function forget(reason: string | null): Promise<void> {
  await dropToken(reason)
  await lastCheck.setValue(null)
  // The next daemon may speak other providers.
  await knownProviders.setValue(null)
  await drawBadge({ kind: 'unpaired', at: now() })
}
