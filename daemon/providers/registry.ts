import { z } from 'zod'
import { AppError } from '../errors.ts'
import type { StoredConnection } from '../store/schema.ts'
import { huntressProvider } from './huntress/index.ts'
import { knowbe4Provider } from './knowbe4/index.ts'
import type { ProviderAdapter, ProviderCreateOptions, ProviderDescription, ProviderModule } from './types.ts'

/** Every provider trainproof speaks. A new provider is its own folder plus one line here. */
export const PROVIDERS: readonly ProviderModule[] = [knowbe4Provider, huntressProvider]

/** Each provider's own configuration, as `loadConfig` parsed it from its TRAINPROOF_<ID>_* variables. */
export type ProviderSettings = Readonly<Record<string, unknown>>

export class ProviderRegistry {
  private readonly byId: Map<string, ProviderAdapter<unknown, unknown>>

  constructor(list: ProviderAdapter<unknown, unknown>[]) {
    this.byId = new Map(list.map((adapter) => [adapter.id, adapter]))
  }

  /** The adapters of `modules` (default: every provider), each built from its own parsed variables. */
  static fromConfig(
    config: { providers: ProviderSettings },
    modules: readonly ProviderModule[] = PROVIDERS,
    options: ProviderCreateOptions = {},
  ): ProviderRegistry {
    return new ProviderRegistry(modules.map((module) => module.create(config.providers[module.description.id], options)))
  }

  all(): ProviderAdapter<unknown, unknown>[] {
    return [...this.byId.values()]
  }

  /** What each provider says about itself, in registry order (`GET /providers`). */
  descriptions(): ProviderDescription[] {
    return this.all().map((adapter) => adapter.description)
  }

  get(id: string): ProviderAdapter<unknown, unknown> {
    const adapter = this.byId.get(id)
    if (!adapter) throw new AppError('unknown_provider', `trainproof has no provider called ${id}.`)
    return adapter
  }

  portalUrl(connection: StoredConnection): string | null {
    const adapter = this.byId.get(connection.provider)
    if (!adapter) return null
    const settings = adapter.settings.safeParse(connection.settings)
    return settings.success ? adapter.portalUrl(settings.data) : null
  }

  /** The body of `POST /connections`: one shape per provider that connects with typed-in credentials. */
  directBody(): z.ZodType<{ provider: string } & Record<string, unknown>> {
    const bodies = this.all().flatMap((adapter) => (adapter.direct ? [adapter.direct.body] : []))
    if (bodies.length === 0) return z.object({ provider: z.string() })
    if (bodies.length === 1) return bodies[0]!
    return z.union(bodies as [z.ZodType, z.ZodType, ...z.ZodType[]]) as z.ZodType<{ provider: string } & Record<string, unknown>>
  }
}
