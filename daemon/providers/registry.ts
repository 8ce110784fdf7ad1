import { z } from 'zod'
import type { Config } from '../config.ts'
import { AppError } from '../errors.ts'
import type { StoredConnection } from '../store/schema.ts'
import { createHuntressAdapter } from './huntress/index.ts'
import { knowbe4 } from './knowbe4/index.ts'
import type { ProviderAdapter } from './types.ts'

/** Every provider trainproof speaks. A new provider is its own folder plus one line here. */
function adapters(config: Config): ProviderAdapter<any, any>[] {
  return [knowbe4, createHuntressAdapter(config.huntress)]
}

export class ProviderRegistry {
  private readonly byId: Map<string, ProviderAdapter<any, any>>

  constructor(list: ProviderAdapter<any, any>[]) {
    this.byId = new Map(list.map((adapter) => [adapter.id, adapter]))
  }

  static fromConfig(config: Config): ProviderRegistry {
    return new ProviderRegistry(adapters(config))
  }

  all(): ProviderAdapter<any, any>[] {
    return [...this.byId.values()]
  }

  get(id: string): ProviderAdapter<any, any> {
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
