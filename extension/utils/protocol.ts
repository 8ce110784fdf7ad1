import type { Me, ProviderDescription, PutTrainingBody } from '../../shared/api.ts'
import type { Campaign, Connection, MyTrainings, Person, Role, Status, SyncRun, TrainingConfig, TrainingId } from '../../shared/domain.ts'
import type { CheckResult } from './check.ts'
import type { AuthMethods, Grant, TokenInfo } from './access-shapes.ts'
import type { AnyErrorCode } from './error-codes.ts'
import type { Settings } from './settings.ts'
import type { OAuthOutcome, SignInOutcome } from './storage.ts'

/** What the popup, options and onboarding pages see of the background's state. */
export type Overview = {
  daemonUrl: string
  identity: Me | null
  check: CheckResult | null
  oauth: OAuthOutcome | null
  /** Policy first, then the person's choices; what policy sets is shown locked. */
  settings: Settings
  signIn: SignInOutcome | null
  /** Why the person was signed out (expired or revoked token), if that is what happened. */
  signedOutReason: string | null
  /** Whether this browser signed in (and signing out revokes the token) rather than pasting one. */
  signedInHere: boolean
  /** The identity redirect URI IT registers with the OIDC client (differs per browser and extension id). */
  redirectUri: string
  /** The daemon's providers as they describe themselves (last known; empty before the first answer). */
  providers: ProviderDescription[]
}

/**
 * Every request a page may send to the background, as `[arguments, answer]`. Only the background
 * talks to the daemon; pages go through these.
 */
export type Protocol = {
  overview: [void, Overview]
  pair: [{ daemonUrl: string; token: string }, Me]
  unpair: [void, void]
  refresh: [void, CheckResult]
  recheck: [void, MyTrainings]
  connections: [void, Connection[]]
  /**
   * Connects a provider with typed-in credentials (its description's fields); with `connectionId`,
   * renews that connection's credentials in place (Reconnect; never matched by name).
   */
  connect: [{ provider: string; fields: Record<string, string>; connectionId?: string }, Connection]
  /** The whole OAuth sign-in of a provider whose description says `oauth`, in the background. */
  oauthStart: [{ provider: string }, Connection]
  /** Finishes a sign-in that saw several accounts with the one the admin picked. */
  oauthChoose: [{ accountId: string }, Connection]
  campaigns: [{ connectionId: string }, Campaign[]]
  syncConnection: [{ connectionId: string }, SyncRun]
  syncAll: [void, SyncRun[]]
  trainings: [void, TrainingConfig[]]
  putTraining: [{ training: TrainingId; body: PutTrainingBody }, TrainingConfig]
  personnel: [{ training?: TrainingId; status?: Status; limit?: number; offset?: number }, Person[]]
  reset: [{ email: string; training: TrainingId }, Person]
  authMethods: [void, AuthMethods]
  setDaemonUrl: [{ daemonUrl: string }, void]
  signIn: [void, Me]
  signOut: [void, void]
  tokens: [void, TokenInfo[]]
  revokeToken: [{ id: string }, void]
  grants: [void, Grant[]]
  putGrant: [{ email: string; role: Role }, Grant]
  deleteGrant: [{ email: string }, void]
}

export type Kind = keyof Protocol
export type ArgsOf<K extends Kind> = Protocol[K][0]
export type AnswerOf<K extends Kind> = Protocol[K][1]

export type Envelope<K extends Kind = Kind> = { channel: typeof CHANNEL; kind: K; args: ArgsOf<K> }
export type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: AnyErrorCode; message: string } }

export const CHANNEL = 'trainproof/v1'

const KINDS: ReadonlySet<string> = new Set<Kind>([
  'overview',
  'pair',
  'unpair',
  'refresh',
  'recheck',
  'connections',
  'connect',
  'oauthStart',
  'oauthChoose',
  'campaigns',
  'syncConnection',
  'syncAll',
  'trainings',
  'putTraining',
  'personnel',
  'reset',
  'authMethods',
  'setDaemonUrl',
  'signIn',
  'signOut',
  'tokens',
  'revokeToken',
  'grants',
  'putGrant',
  'deleteGrant',
])

export function isEnvelope(message: unknown): message is Envelope {
  if (typeof message !== 'object' || message === null) return false
  const { channel, kind } = message as Record<string, unknown>
  return channel === CHANNEL && typeof kind === 'string' && KINDS.has(kind)
}

/** A failed request as pages see it; `message` is meant to be shown as it is. */
export class RequestError extends Error {
  override name = 'RequestError'
  constructor(
    readonly code: AnyErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export function unwrap<T>(reply: Reply<T> | undefined): T {
  if (reply === undefined || reply === null) throw new RequestError('no_answer', 'The extension did not answer. Reload it and try again.')
  if (reply.ok) return reply.value
  throw new RequestError(reply.error.code, reply.error.message)
}
