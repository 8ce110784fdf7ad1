import { browser, storage } from '#imports'
import type { Me } from '../../shared/api.ts'
import type { Connection } from '../../shared/domain.ts'
import type { CheckResult } from './check.ts'
import { effectiveSettings, readManaged, type Settings } from './settings.ts'

/** Every storage key of the extension, declared once. Bump `version` and add a migration to change a shape. */

export const DEFAULT_DAEMON_URL = 'http://127.0.0.1:7878'

export const daemonUrl = storage.defineItem<string>('local:daemonUrl', { fallback: DEFAULT_DAEMON_URL, version: 1 })

/** The personal token: an employee token, or a staff token for admins and reviewers. */
export const pairingToken = storage.defineItem<string | null>('local:pairingToken', { fallback: null, version: 1 })

/** The daemon's id of the token when it came from signing in (signing out revokes it); null for a pasted one. */
export const tokenId = storage.defineItem<string | null>('local:tokenId', { fallback: null, version: 1 })

/** Why the person was signed out last (expired or revoked token), shown beside the sign-in button. */
export const signedOutReason = storage.defineItem<string | null>('local:signedOutReason', { fallback: null, version: 1 })

/**
 * How the last sign-in with the company account ended. The popup closes while the identity
 * provider's window is open, so the background keeps the outcome for the next time it opens.
 */
export type SignInOutcome = { kind: 'pending'; at: string } | { kind: 'failed'; at: string; message: string }

export const signInOutcome = storage.defineItem<SignInOutcome | null>('local:signInOutcome', { fallback: null, version: 1 })

/** Policy first (`storage.managed`), then what the person chose in the options. */
export async function currentSettings(): Promise<Settings> {
  const managed = await readManaged(browser.storage.managed as unknown as { get(): Promise<Record<string, unknown>> } | undefined)
  return effectiveSettings(managed, await daemonUrl.getValue())
}

/** Who the token belongs to, as `GET /me` said when pairing. */
export const identity = storage.defineItem<Me | null>('local:identity', { fallback: null, version: 1 })

export const lastCheck = storage.defineItem<CheckResult | null>('local:lastCheck', { fallback: null, version: 1 })

/** The onboarding page opens by itself once, the first time training is due. */
export const onboardingOpened = storage.defineItem<boolean>('local:onboardingOpened', { fallback: false, version: 1 })

/**
 * How the last Huntress sign-in ended. The popup closes while the sign-in window is open, so the
 * background keeps the outcome for the popup to show when it is opened again.
 */
export type AccountChoice = { id: string; name: string }

export type OAuthOutcome =
  | { kind: 'pending'; at: string }
  | { kind: 'choose'; at: string; choices: AccountChoice[] }
  | { kind: 'connected'; at: string; connection: Connection }
  | { kind: 'failed'; at: string; message: string }

export const oauthOutcome = storage.defineItem<OAuthOutcome | null>('local:oauthOutcome', { fallback: null, version: 1 })

/**
 * A Huntress sign-in waiting for the admin to pick one of several accounts: the daemon keeps the
 * state alive for one more callback with the same code. Session storage: gone with the browser.
 */
export const huntressChoice = storage.defineItem<{ code: string; state: string } | null>('session:huntressChoice', {
  fallback: null,
  version: 1,
})
