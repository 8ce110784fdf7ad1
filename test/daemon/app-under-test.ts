import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../../daemon/app.ts'
import { TokenActivity } from '../../daemon/auth/activity.ts'
import { CertificateStore } from '../../daemon/certificates/store.ts'
import { loadConfig } from '../../daemon/config.ts'
import { createLogger } from '../../daemon/log.ts'
import { ProviderRegistry } from '../../daemon/providers/registry.ts'
import { ensureDataDir, Vault } from '../../daemon/secrets/vault.ts'
import type { Deps } from '../../daemon/services/deps.ts'
import { createServices, type Services } from '../../daemon/services/index.ts'
import { StoredPerson, StoredRecord } from '../../daemon/store/schema.ts'
import { Store } from '../../daemon/store/store.ts'
import { Rechecks } from '../../daemon/sync/recheck.ts'
import { SyncService } from '../../daemon/sync/service.ts'
import { Sessions } from '../../daemon/sync/session.ts'
import { VirtualClock } from '../helpers/virtual-clock.ts'

export const ADMIN = 'route-test-admin-token-0123456789abcdef'
const PORT = 4599
/** The daemon's clock in these tests: fixed, so expiry and audit times are known. */
export const NOW = new Date('2026-06-01T12:00:00.000Z')

export type AppUnderTest = {
  dataDir: string
  deps: Deps
  services: Services
  /** `app.request()` with the Host the guard expects and a bearer token (the admin's by default). */
  request(path: string, init?: { method?: string; token?: string | null; json?: unknown }): Promise<Response>
  close(): Promise<void>
}

/**
 * The daemon's app over a real Store and Vault in a temp dir, without a socket: requests go
 * through `app.request()` (guards, auth, validation and error shape included).
 */
export async function appUnderTest(providers?: ProviderRegistry): Promise<AppUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trainproof-routes-'))
  const config = loadConfig({
    TRAINPROOF_PORT: String(PORT),
    TRAINPROOF_DATA_DIR: dataDir,
    TRAINPROOF_ADMIN_TOKEN: ADMIN,
    TRAINPROOF_SCHEDULER: '0',
    TRAINPROOF_LOG_LEVEL: 'silent',
  })
  const log = createLogger('silent')
  const clock = new VirtualClock(NOW.getTime())
  const now = () => new Date(clock.now())
  await ensureDataDir(dataDir)
  const store = await Store.open(join(dataDir, 'trainproof.json'))
  const vault = await Vault.open(dataDir)
  const registry = providers ?? ProviderRegistry.fromConfig(config)
  const certificates = new CertificateStore(dataDir, log)
  const sessions = new Sessions({ store, vault, providers: registry, clock })
  const sync = new SyncService({ store, log, sessions, certificates, now: () => clock.now() })
  const rechecks = new Rechecks({ store, sessions, certificates, log }, () => clock.now())
  const activity = new TokenActivity(store, now)
  const deps: Deps = {
    config,
    store,
    vault,
    log,
    providers: registry,
    sync,
    sessions,
    certificates,
    rechecks,
    port: () => PORT,
    version: 'test',
    now,
    activity,
    oidc: null,
  }
  const app = createApp(deps)
  return {
    dataDir,
    deps,
    services: createServices(deps),
    request(path, { method = 'GET', token = ADMIN, json } = {}) {
      const headers = new Headers({ host: `127.0.0.1:${PORT}` })
      if (token !== null) headers.set('authorization', `Bearer ${token}`)
      if (json !== undefined) headers.set('content-type', 'application/json')
      return Promise.resolve(
        app.request(`/api/v1${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) }),
      )
    },
    async close() {
      await sync.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Adds a KnowBe4 connection with one campaign, serving Security Awareness, and a compliant person (sealed secret included). */
export async function seedConnection(deps: Deps, id = 'c1'): Promise<void> {
  await deps.store.update(
    (db) => {
      db.connections.push({
        id,
        provider: 'knowbe4',
        label: 'KnowBe4 (us)',
        status: 'connected',
        lastSyncAt: null,
        lastError: null,
        createdAt: NOW.toISOString(),
        settings: { region: 'us' },
        sealed: deps.vault.seal({ apiKey: 'k' }, id),
      })
      db.campaigns.push({
        id: `${id}:1`,
        connectionId: id,
        externalId: '1',
        name: 'Basics 2026',
        status: 'In Progress',
        importable: true,
        notImportableReason: null,
      })
      db.trainings.security_awareness = { id: 'security_awareness', connectionId: id, campaignIds: [`${id}:1`] }
      const person = StoredPerson.parse({ email: 'ann@example.com', name: 'Ann', seenBy: [id], records: {} })
      person.records.security_awareness = StoredRecord.parse({
        status: 'compliant',
        completed: 1,
        required: 1,
        compliantAt: '2026-03-05T09:00:00.000Z',
        sticky: true,
        campaigns: [{ id: `${id}:1`, name: 'Basics 2026', completed: true, completedAt: '2026-03-05T09:00:00.000Z' }],
        evidence: [{ campaignId: `${id}:1`, module: 'm1', enrollmentId: 'e1', completedAt: '2026-03-05T09:00:00.000Z' }],
        evaluatedAt: '2026-03-06T02:00:00.000Z',
        connectionId: id,
      })
      db.people[person.email] = person
    },
    { people: 'all' },
  )
}
