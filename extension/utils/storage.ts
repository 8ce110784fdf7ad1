import { browser } from '#imports'
import type { Me, ProviderDescription } from '../../shared/api.ts'
import type { Connection } from '../../shared/domain.ts'
import type { CheckResult } from './check.ts'
import { effectiveSettings, readManaged, type Settings } from './settings.ts'

/** Every storage key of the extension, declared once. A value whose shape changes gets a new key. */

/**
 * One stored value: `fallback` while none is stored; storing null removes it. The keys and values
 * are those @wxt-dev/storage wrote (this replaced it to keep its 3 KB out of the bundle).
 */
function defineItem<T>(key: `${'local' | 'session'}:${string}`, fallback: T) {
  const [areaName, name] = key.split(':') as ['local' | 'session', string]
  const area = () => browser.storage[areaName]
  return {
    getValue: async (): Promise<T> => ((await area().get(name))[name] ?? fallback) as T,
    setValue: async (value: T): Promise<void> => (value == null ? area().remove(name) : area().set({ [name]: value })),
  }
}

export const DEFAULT_DAEMON_URL = 'http://127.0.0.1:7878'

export const daemonUrl = defineItem<string>('local:daemonUrl', DEFAULT_DAEMON_URL)

/** The personal token: an employee token, or a staff token for admins and reviewers. */
export const pairingToken = defineItem<string | null>('local:pairingToken', null)

/** The daemon's id of the token when it came from signing in (signing out revokes it); null for a pasted one. */
export const tokenId = defineItem<string | null>('local:tokenId', null)

/** Why the person was signed out last (expired or revoked token), shown beside the sign-in button. */
export const signedOutReason = defineItem<string | null>('local:signedOutReason', null)

/**
 * How the last sign-in with the company account ended. The popup closes while the identity
 * provider's window is open, so the background keeps the outcome for the next time it opens.
 */
export type SignInOutcome = { kind: 'pending'; at: string } | { kind: 'failed'; at: string; message: string }

export const signInOutcome = defineItem<SignInOutcome | null>('local:signInOutcome', null)

/** Policy first (`storage.managed`), then what the person chose in the options. */
export async function currentSettings(): Promise<Settings> {
  const managed = await readManaged(browser.storage.managed as unknown as { get(): Promise<Record<string, unknown>> } | undefined)
  return effectiveSettings(managed, await daemonUrl.getValue())
}

/** Who the token belongs to, as `GET /me` said when pairing. */
export const identity = defineItem<Me | null>('local:identity', null)

export const lastCheck = defineItem<CheckResult | null>('local:lastCheck', null)

/** The onboarding page opens by itself once, the first time training is due. */
export const onboardingOpened = defineItem<boolean>('local:onboardingOpened', false)

/** The daemon's provider descriptions as last answered (names and brands offline too). */
export const knownProviders = defineItem<{ at: string; list: ProviderDescription[] } | null>('local:providers', null)

/**
 * How the last OAuth sign-in with a provider ended. The popup closes while the sign-in window is open, so the
 * background keeps the outcome for the popup to show when it is opened again.
 */
export type AccountChoice = { id: string; name: string }

export type OAuthOutcome = { provider: string } & (
  | { kind: 'pending'; at: string }
  | { kind: 'choose'; at: string; choices: AccountChoice[] }
  | { kind: 'connected'; at: string; connection: Connection }
  | { kind: 'failed'; at: string; message: string }
)

export const oauthOutcome = defineItem<OAuthOutcome | null>('local:oauthSignIn', null)

/**
 * An OAuth sign-in waiting for the admin to pick one of several accounts: the daemon keeps the
 * state alive for one more callback with the same code. Session storage: gone with the browser.
 */
export const oauthChoice = defineItem<{ provider: string; code: string; state: string } | null>('session:oauthChoice', null)
