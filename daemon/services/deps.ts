import type { TokenActivity } from '../auth/activity.ts'
import type { OidcSignIn } from '../auth/oidc/client.ts'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import type { ProviderRegistry } from '../providers/registry.ts'
import type { Vault } from '../secrets/vault.ts'
import type { Store } from '../store/store.ts'
import type { SyncService } from '../sync/service.ts'
import type { Sessions } from '../sync/session.ts'
import type { Rechecks } from '../sync/recheck.ts'
import type { CertificateStore } from '../certificates/store.ts'

/** What the services (and so the routes) need, built once in server.ts (or a test) and passed to createApp. */
export type Deps = {
  config: Config
  store: Store
  vault: Vault
  log: Logger
  providers: ProviderRegistry
  sync: SyncService
  sessions: Sessions
  rechecks: Rechecks
  certificates: CertificateStore
  /** The port actually listened on (for the Host guard). */
  port: () => number
  version: string
  /** The daemon's clock (token expiry, sign-in states, ID token times); tests inject one. */
  now: () => Date
  /** Last-use times of tokens, kept in memory between writes. */
  activity: TokenActivity
  /** Employee sign-in with the organisation's OpenID Provider; null when not configured. */
  oidc: OidcSignIn | null
}
