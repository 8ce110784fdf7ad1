import { randomUUID } from 'node:crypto'
import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Campaign, Connection, SyncRun, TRAINING_IDS } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { AppError, invalidRequest, notFound, ProviderError } from '../errors.ts'
import type { NewConnection, ProviderAdapter } from '../providers/types.ts'
import type { Db, StoredConnection } from '../store/schema.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Deps } from './deps.ts'
import { audit } from '../store/audit.ts'

const IdParam = z.object({ id: z.string().min(1).max(200) })

const list = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/connections',
  tags: ['connections'],
  summary: 'Provider connections and their status',
  responses: { 200: json(z.array(Connection), 'Connections (never a secret).') },
})

const createRoute = (body: z.ZodType) =>
  defineRoute(ACCESS.write, {
  method: 'post',
  path: '/connections',
  tags: ['connections'],
  summary: 'Connect a provider with typed-in credentials (checked with one live call)',
  request: { body: jsonBody(body) },
  responses: {
    201: json(Connection, 'The new connection; its campaign list is fetched at once.'),
    422: json(z.object({}), 'The provider rejected the credentials (`provider_auth_failed`).'),
  },
})

const renewRoute = (body: z.ZodType) =>
  defineRoute(ACCESS.write, {
    method: 'put',
    path: '/connections/{id}/credentials',
    tags: ['connections'],
    summary: "Renew a connection's typed-in credentials (a new token): same id, selections and records",
    request: { params: IdParam, body: jsonBody(body) },
    responses: {
      200: json(Connection, 'The renewed connection (status connected); its campaign list is fetched again.'),
      400: json(z.object({}), 'Credentials of another provider, or a provider that renews through its sign-in flow.'),
      404: json(z.object({}), 'Unknown connection.'),
      422: json(z.object({}), 'The provider rejected the credentials (`provider_auth_failed`); the connection is unchanged.'),
    },
  })

const remove = defineRoute(ACCESS.write, {
  method: 'delete',
  path: '/connections/{id}',
  tags: ['connections'],
  summary: 'Disconnect; its campaigns leave every selection, sticky records stay',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted.' }, 404: json(z.object({}), 'Unknown connection.') },
})

const campaigns = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/connections/{id}/campaigns',
  tags: ['connections'],
  summary: "A connection's campaigns as of its last sync",
  request: { params: IdParam },
  responses: { 200: json(z.array(Campaign), 'Campaigns.'), 404: json(z.object({}), 'Unknown connection.') },
})

const syncOne = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/connections/{id}/sync',
  tags: ['sync'],
  summary: 'Sync one connection now; answers when it ends',
  request: { params: IdParam },
  responses: { 200: json(SyncRun, 'The run (ok: false when it failed; nothing changed then).'), 404: json(z.object({}), 'Unknown connection.') },
})

const syncAll = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/sync',
  tags: ['sync'],
  summary: 'Sync every connection now',
  responses: { 200: json(z.array(SyncRun), 'One run per connection.') },
})

export const publicConnection = ({ id, provider, label, status, lastSyncAt, lastError }: StoredConnection): Connection => ({
  id,
  provider,
  label,
  status,
  lastSyncAt,
  lastError,
})

/**
 * Stores a connection whose credentials were just checked, and makes it Security Awareness's
 * provider if it had none. Connecting an account that is already connected, for a provider whose
 * accounts have a unique id (Huntress), renews that connection's credentials in place: same id,
 * selections and records. Otherwise it is always a new connection.
 */
export async function saveNewConnection(
  deps: Deps,
  adapter: ProviderAdapter<any, any>,
  created: NewConnection<unknown, unknown>,
  actor: string,
  newId: string,
): Promise<Connection> {
  const { store, vault, sync } = deps
  const at = new Date().toISOString()
  const settings = adapter.settings.parse(created.settings) as Record<string, unknown>
  const secret = adapter.secret.parse(created.secret)
  const accountKey = adapter.accountKey?.bind(adapter)
  const key = accountKey?.({ label: created.label, settings })
  const id = await store.update((db) => {
    const existing = accountKey
      ? db.connections.find(
          (item) => item.provider === adapter.id && accountKey({ label: item.label, settings: adapter.settings.parse(item.settings) }) === key,
        )
      : undefined
    if (existing) {
      Object.assign(existing, { label: created.label, settings, status: 'connected', lastError: null, sealed: vault.seal(secret, existing.id) })
      audit(db, actor, 'connection.reauthorized', { connectionId: existing.id, provider: adapter.id, label: created.label }, at)
      return existing.id
    }
    db.connections.push({
      id: newId,
      provider: adapter.id,
      label: created.label,
      status: 'connected',
      lastSyncAt: null,
      lastError: null,
      createdAt: at,
      settings,
      sealed: vault.seal(secret, newId),
    })
    if (db.trainings.security_awareness.connectionId === null) db.trainings.security_awareness.connectionId = newId
    audit(db, actor, 'connection.created', { connectionId: newId, provider: adapter.id, label: created.label }, at)
    return newId
  })
  await sync.refreshCampaigns(id, actor)
  return publicConnection(store.data.connections.find((item) => item.id === id)!)
}

/** Replaces one connection's credentials, settings and label with ones just checked. */
async function renewConnection(deps: Deps, adapter: ProviderAdapter<any, any>, id: string, created: NewConnection<unknown, unknown>, actor: string) {
  const { store, vault, sync } = deps
  const settings = adapter.settings.parse(created.settings) as Record<string, unknown>
  const secret = adapter.secret.parse(created.secret)
  await store.update((db) => {
    const connection = db.connections.find((item) => item.id === id)
    if (!connection) throw notFound(`Connection ${id}`) // deleted while the credentials were checked
    const previousLabel = connection.label
    Object.assign(connection, { label: created.label, settings, status: 'connected', lastError: null, sealed: vault.seal(secret, id) })
    audit(db, actor, 'connection.credentials_renewed', { connectionId: id, provider: adapter.id, label: created.label, previousLabel })
  })
  await sync.refreshCampaigns(id, actor)
  return publicConnection(store.data.connections.find((item) => item.id === id)!)
}

/** A provider's refusal at connect time is the admin's to fix: 422 with the provider's sentence. */
export function connectFailure(error: unknown): never {
  if (error instanceof ProviderError && (error.kind === 'auth' || error.kind === 'forbidden')) {
    throw new AppError('provider_auth_failed', error.message)
  }
  if (error instanceof ProviderError) throw new AppError('provider_unavailable', error.message)
  throw error
}

function campaignsOf(db: Db, connectionId: string) {
  return db.campaigns
    .filter((campaign) => campaign.connectionId === connectionId)
    .map((campaign) => ({
      ...campaign,
      trainings: TRAINING_IDS.filter((training) => db.trainings[training].campaignIds.includes(campaign.id)),
    }))
}

export function connectionRoutes(deps: Deps) {
  const { store, providers, sync, sessions } = deps
  const create = createRoute(providers.directBody())
  const renew = renewRoute(providers.directBody())
  const app = new OpenAPIHono<AuthEnv>()
    .openapi(list, (c) => c.json(store.data.connections.map(publicConnection), 200))
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param')
      const actor = c.get('principal')!.actor
      await store.update((db) => {
        const connection = db.connections.find((item) => item.id === id)
        if (!connection) throw notFound(`Connection ${id}`)
        db.connections = db.connections.filter((item) => item.id !== id)
        db.campaigns = db.campaigns.filter((campaign) => campaign.connectionId !== id)
        for (const training of TRAINING_IDS) {
          const config = db.trainings[training]
          if (config.connectionId === id) db.trainings[training] = { id: training, connectionId: null, campaignIds: [] }
        }
        for (const person of Object.values(db.people)) person.seenBy = person.seenBy.filter((item) => item !== id)
        audit(db, actor, 'connection.deleted', { connectionId: id, label: connection.label })
      }, { people: 'all' })
      return c.body(null, 204)
    })
    .openapi(campaigns, (c) => {
      const { id } = c.req.valid('param')
      if (!store.data.connections.some((item) => item.id === id)) throw notFound(`Connection ${id}`)
      return c.json(campaignsOf(store.data, id), 200)
    })
    .openapi(syncOne, async (c) => {
      const { id } = c.req.valid('param')
      return c.json(await sync.syncConnection(id, c.get('principal')!.actor), 200)
    })
    .openapi(syncAll, async (c) => c.json(await sync.syncAll(c.get('principal')!.actor), 200))
  return app
    .openapi(renew, async (c) => {
      const { id } = c.req.valid('param')
      const body = c.req.valid('json') as { provider: string }
      const connection = store.data.connections.find((item) => item.id === id)
      if (!connection) throw notFound(`Connection ${id}`)
      const adapter = providers.get(connection.provider)
      if (body.provider !== connection.provider)
        throw invalidRequest(`Connection ${id} is a ${adapter.displayName} connection: renew it with ${adapter.displayName} credentials.`)
      if (!adapter.direct) throw invalidRequest(`${adapter.displayName} renews its access through its own sign-in flow: connect it again.`)
      const checked = await adapter.direct.connect(body, sessions.http(adapter, id)).catch(connectFailure)
      return c.json(await renewConnection(deps, adapter, id, checked, c.get('principal')!.actor), 200)
    })
    .openapi(create, async (c) => {
    const body = c.req.valid('json') as { provider: string }
    const adapter = providers.get(body.provider)
    if (!adapter.direct) throw invalidRequest(`${adapter.displayName} connects through its own sign-in flow, not with a token.`)
    const id = randomUUID()
    const created = await adapter.direct.connect(body, sessions.http(adapter, id)).catch(connectFailure)
    return c.json(await saveNewConnection(deps, adapter, created, c.get('principal')!.actor, id), 201)
  })
}
