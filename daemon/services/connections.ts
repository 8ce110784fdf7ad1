import { randomUUID } from 'node:crypto'
import { TRAINING_IDS, type Campaign, type Connection } from '../../shared/domain.ts'
import { AppError, invalidRequest, notFound, ProviderError } from '../errors.ts'
import type { NewConnection, ProviderAdapter } from '../providers/types.ts'
import type { Db, StoredConnection } from '../store/schema.ts'
import { auditor } from './audit.ts'
import type { Deps } from './deps.ts'

type Adapter = ProviderAdapter<unknown, unknown>
type ConnectBody = { provider: string } & Record<string, unknown>

export const publicConnection = ({ id, provider, label, status, lastSyncAt, lastError }: StoredConnection): Connection => ({
  id,
  provider,
  label,
  status,
  lastSyncAt,
  lastError,
})

/** A provider's refusal at connect time is the admin's to fix: 422 with the provider's sentence. */
export function connectFailure(error: unknown): never {
  if (error instanceof ProviderError && (error.kind === 'auth' || error.kind === 'forbidden')) {
    throw new AppError('provider_auth_failed', error.message)
  }
  if (error instanceof ProviderError) throw new AppError('provider_unavailable', error.message)
  throw error
}

function campaignsOf(db: Db, connectionId: string): Campaign[] {
  return db.campaigns
    .filter((campaign) => campaign.connectionId === connectionId)
    .map((campaign) => ({
      ...campaign,
      trainings: TRAINING_IDS.filter((training) => db.trainings[training].campaignIds.includes(campaign.id)),
    }))
}

/** Removes a connection and everything that points at it, inside a store update (people: 'all'). */
function cascadeDelete(db: Db, id: string): StoredConnection {
  const connection = db.connections.find((item) => item.id === id)
  if (!connection) throw notFound(`Connection ${id}`)
  db.connections = db.connections.filter((item) => item.id !== id)
  db.campaigns = db.campaigns.filter((campaign) => campaign.connectionId !== id)
  for (const training of TRAINING_IDS) {
    const config = db.trainings[training]
    if (config.connectionId === id) db.trainings[training] = { id: training, connectionId: null, campaignIds: [] }
  }
  for (const person of Object.values(db.people)) person.seenBy = person.seenBy.filter((item) => item !== id)
  return connection
}

/** Connections: create (typed-in credentials or a finished OAuth flow), renew, delete, read. */
export function createConnectionService(deps: Deps) {
  const { store, vault, sync, sessions, providers, now } = deps
  const current = (id: string) => publicConnection(store.data.connections.find((item) => item.id === id)!)

  /**
   * Stores a connection whose credentials were just checked, and makes it Security Awareness's
   * provider if it had none. Connecting an account that is already connected, for a provider whose
   * accounts have a unique id (Huntress), renews that connection's credentials in place: same id,
   * selections and records. Otherwise it is always a new connection.
   */
  async function saveNew(adapter: Adapter, created: NewConnection<unknown, unknown>, actor: string, newId: string): Promise<Connection> {
    const at = now().toISOString()
    const settings = adapter.settings.parse(created.settings) as Record<string, unknown>
    const secret = adapter.secret.parse(created.secret)
    const accountKey = adapter.accountKey?.bind(adapter)
    const key = accountKey?.({ label: created.label, settings })
    const id = await store.update((db) => {
      const audit = auditor(db, actor, at)
      const existing = accountKey
        ? db.connections.find(
            (item) =>
              item.provider === adapter.id && accountKey({ label: item.label, settings: adapter.settings.parse(item.settings) }) === key,
          )
        : undefined
      if (existing) {
        Object.assign(existing, {
          label: created.label,
          settings,
          status: 'connected',
          lastError: null,
          sealed: vault.seal(secret, existing.id),
        })
        audit('connection.reauthorized', { connectionId: existing.id, provider: adapter.id, label: created.label })
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
      audit('connection.created', { connectionId: newId, provider: adapter.id, label: created.label })
      return newId
    })
    await sync.refreshCampaigns(id, actor)
    return current(id)
  }

  /** Checks typed-in credentials with one live call and stores the new connection. */
  async function create(body: ConnectBody, actor: string): Promise<Connection> {
    const adapter = providers.get(body.provider)
    if (!adapter.direct) throw invalidRequest(`${adapter.displayName} connects through its own sign-in flow, not with a token.`)
    const id = randomUUID()
    const created = await adapter.direct.connect(body, sessions.http(adapter, id)).catch(connectFailure)
    return saveNew(adapter, created, actor, id)
  }

  /** Replaces one connection's credentials, settings and label with ones checked live first. */
  async function renew(id: string, body: ConnectBody, actor: string): Promise<Connection> {
    const connection = store.data.connections.find((item) => item.id === id)
    if (!connection) throw notFound(`Connection ${id}`)
    const adapter = providers.get(connection.provider)
    if (body.provider !== connection.provider)
      throw invalidRequest(`Connection ${id} is a ${adapter.displayName} connection: renew it with ${adapter.displayName} credentials.`)
    if (!adapter.direct) throw invalidRequest(`${adapter.displayName} renews its access through its own sign-in flow: connect it again.`)
    const checked = await adapter.direct.connect(body, sessions.http(adapter, id)).catch(connectFailure)
    const settings = adapter.settings.parse(checked.settings) as Record<string, unknown>
    const secret = adapter.secret.parse(checked.secret)
    await store.update((db) => {
      const stored = db.connections.find((item) => item.id === id)
      if (!stored) throw notFound(`Connection ${id}`) // deleted while the credentials were checked
      const previousLabel = stored.label
      Object.assign(stored, { label: checked.label, settings, status: 'connected', lastError: null, sealed: vault.seal(secret, id) })
      auditor(
        db,
        actor,
        now().toISOString(),
      )('connection.credentials_renewed', { connectionId: id, provider: adapter.id, label: checked.label, previousLabel })
    })
    await sync.refreshCampaigns(id, actor)
    return current(id)
  }

  /** Disconnects: its campaigns leave every selection and people stop being seen by it; sticky records stay. */
  async function remove(id: string, actor: string): Promise<void> {
    await store.update(
      (db) => {
        const connection = cascadeDelete(db, id)
        auditor(db, actor, now().toISOString())('connection.deleted', { connectionId: id, label: connection.label })
      },
      { people: 'all' },
    )
  }

  return {
    list: (): Connection[] => store.data.connections.map(publicConnection),
    campaigns(id: string): Campaign[] {
      if (!store.data.connections.some((item) => item.id === id)) throw notFound(`Connection ${id}`)
      return campaignsOf(store.data, id)
    },
    create,
    renew,
    remove,
    saveNew,
  }
}

export type ConnectionService = ReturnType<typeof createConnectionService>
