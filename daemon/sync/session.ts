import { ProviderHttp, type ProviderHttpOptions } from '../http/provider-http.ts'
import type { Clock } from '../clock.ts'
import { Pacer, type RateLimit } from '../http/pacer.ts'
import type { ProviderRegistry } from '../providers/registry.ts'
import type { ProviderAdapter, ProviderSession } from '../providers/types.ts'
import type { Vault } from '../secrets/vault.ts'
import type { StoredConnection } from '../store/schema.ts'
import type { Store } from '../store/store.ts'

/**
 * Overrides for every provider HTTP client the daemon builds: tests shorten retries and timeouts;
 * the benchmark scales rate limits up together with its fake's.
 */
export type HttpTuning = Pick<ProviderHttpOptions, 'retry' | 'timeoutMs'> & {
  rateLimits?: Partial<Record<string, readonly RateLimit[]>>
}

export type OpenedSession = { session: ProviderSession; http: ProviderHttp; adapter: ProviderAdapter<unknown, unknown> }

/**
 * Opens a provider session for one connection: the secret unsealed, an HTTP client that shares
 * the connection's pacer (limits are per account, across syncs), and rotated credentials written
 * back at once.
 */
export class Sessions {
  private readonly pacers = new Map<string, Pacer>()

  constructor(private readonly deps: { store: Store; vault: Vault; providers: ProviderRegistry; clock: Clock; tuning?: HttpTuning }) {}

  pacer(key: string, limits: readonly RateLimit[]): Pacer {
    const known = this.pacers.get(key)
    if (known) return known
    const pacer = new Pacer(limits, this.deps.clock)
    this.pacers.set(key, pacer)
    return pacer
  }

  /**
   * An HTTP client for the calls that create a connection (credential check, OAuth code exchange).
   * It shares the pacer of the connection id about to be created, so those calls and the first
   * campaign fetch count against the same limits.
   */
  http(adapter: ProviderAdapter<unknown, unknown>, connectionId: string, signal?: AbortSignal): ProviderHttp {
    const { retry, timeoutMs } = this.deps.tuning ?? {}
    const { clock } = this.deps
    const limits = this.limitsOf(adapter)
    const pacer = limits.length > 0 ? this.pacer(connectionId, limits) : undefined
    return new ProviderHttp({ provider: adapter.displayName, baseUrl: '', pacer, signal, retry, timeoutMs, clock })
  }

  private limitsOf(adapter: ProviderAdapter<unknown, unknown>): readonly RateLimit[] {
    return this.deps.tuning?.rateLimits?.[adapter.id] ?? adapter.rateLimits ?? []
  }

  open(connection: StoredConnection, signal?: AbortSignal): OpenedSession {
    const { store, vault, providers, tuning, clock } = this.deps
    const adapter = providers.get(connection.provider)
    const settings = adapter.settings.parse(connection.settings)
    const secret = adapter.secret.parse(vault.open(connection.sealed, connection.id))
    const limits = this.limitsOf(adapter)
    const http = new ProviderHttp({
      provider: adapter.displayName,
      baseUrl: adapter.baseUrl(settings),
      pacer: limits.length > 0 ? this.pacer(connection.id, limits) : undefined,
      signal,
      retry: tuning?.retry,
      timeoutMs: tuning?.timeoutMs,
      clock,
    })
    let current = secret
    const session = adapter.open({
      settings,
      get secret() {
        return current
      },
      http,
      saveSecret: async (next) => {
        current = next
        await store.update((db) => {
          const stored = db.connections.find((item) => item.id === connection.id)
          if (stored) stored.sealed = vault.seal(next, connection.id)
        })
      },
    })
    return { session, http, adapter }
  }
}
