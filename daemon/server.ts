import { chmod, readFile } from 'node:fs/promises'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { createApp } from './app.ts'
import { TokenActivity } from './auth/activity.ts'
import { OidcSignIn } from './auth/oidc/client.ts'
import { hashToken, newToken } from './auth/tokens.ts'
import { CertificateStore } from './certificates/store.ts'
import { ConfigError, type Config } from './config.ts'
import { realClock, type Clock } from './clock.ts'
import { createLogger, type Logger } from './log.ts'
import { ProviderRegistry } from './providers/registry.ts'
import type { Deps } from './services/deps.ts'
import { ensureDataDir, Vault } from './secrets/vault.ts'
import { Store } from './store/store.ts'
import { writeDurably } from './store/durable.ts'
import { Scheduler } from './sync/scheduler.ts'
import { Rechecks } from './sync/recheck.ts'
import { SyncService } from './sync/service.ts'
import { Sessions, type HttpTuning } from './sync/session.ts'
import { auditor } from './services/audit.ts'

export const VERSION = '0.1.0'

export type Daemon = {
  url: string
  port: number
  deps: Deps
  /** Where the bootstrap admin token was written, when this start created one. */
  adminTokenFile: string | null
  close(): Promise<void>
}

export type StartOptions = {
  log?: Logger
  providers?: ProviderRegistry
  tuning?: HttpTuning
  /** The daemon's one clock (daemon/clock.ts); tests inject a virtual one. Default: the real time. */
  clock?: Clock
}

/** Builds the daemon from a configuration and listens on loopback (or the configured host). */
export async function startDaemon(config: Config, options: StartOptions = {}): Promise<Daemon> {
  const log = options.log ?? createLogger(config.logLevel)
  const clock = options.clock ?? realClock
  const now = () => new Date(clock.now())
  const tls = config.tls ? await readTls(config.tls) : null
  await ensureDataDir(config.dataDir)
  const store = await Store.open(join(config.dataDir, 'trainproof.json'))
  const vault = await Vault.open(config.dataDir)
  const providers = options.providers ?? ProviderRegistry.fromConfig(config)
  const certificates = new CertificateStore(config.dataDir, log)
  const sessions = new Sessions({ store, vault, providers, clock, tuning: options.tuning })
  const sync = new SyncService({ store, log, sessions, certificates, now: () => clock.now() })
  const rechecks = new Rechecks({ store, sessions, certificates, log }, () => clock.now())
  const adminTokenFile = config.adminToken ? null : await bootstrapAdminToken(store, config.dataDir, now)
  const activity = new TokenActivity(store, now)
  const oidc = config.oidc ? new OidcSignIn(config.oidc, now, log) : null

  let port = config.port
  const deps: Deps = {
    config,
    store,
    vault,
    log,
    providers,
    sync,
    sessions,
    certificates,
    rechecks,
    port: () => port,
    version: VERSION,
    now,
    activity,
    oidc,
  }
  const app = createApp(deps)
  const server = await listen(app.fetch, config.host, config.port, tls)
  port = (server.address() as AddressInfo).port
  const scheduler = config.scheduler ? Scheduler.start({ store, sync, log, at: config.syncAt, clock }) : null

  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    deps,
    adminTokenFile,
    close: async () => {
      scheduler?.stop()
      await sync.stop()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Connections a browser opened ahead of time (no request yet) count as neither idle nor busy
        // and would hold close() open until they time out (Chromium: 90 s); answers in flight get a moment.
        const open = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void }
        open.closeIdleConnections?.()
        setTimeout(() => open.closeAllConnections?.(), SHUTDOWN_GRACE_MS).unref()
      })
      await activity.flush().catch((error: unknown) => log.warn('could not write token last-use times', { error }))
    },
  }
}

/** How long answers in flight get to finish when the daemon stops. */
const SHUTDOWN_GRACE_MS = 1_000

type Tls = { cert: Buffer; key: Buffer }

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  tls: Tls | null,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = tls
      ? serve({ fetch, hostname, port, createServer: createHttpsServer, serverOptions: tls }, () => resolve(server))
      : serve({ fetch, hostname, port }, () => resolve(server))
    server.once('error', reject)
  })
}

/** The PEM files of TRAINPROOF_TLS_CERT/_KEY; unreadable or not PEM stops start-up with one message. */
async function readTls(files: { certFile: string; keyFile: string }): Promise<Tls> {
  const read = async (file: string, variable: string, marker: RegExp) => {
    const text = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError(`trainproof cannot start: ${variable} (${file}) cannot be read (${error.code ?? error.message}).`)
    })
    if (!marker.test(text.toString('utf8'))) throw new ConfigError(`trainproof cannot start: ${variable} (${file}) is not a PEM file.`)
    return text
  }
  return {
    cert: await read(files.certFile, 'TRAINPROOF_TLS_CERT', /-----BEGIN CERTIFICATE-----/),
    key: await read(files.keyFile, 'TRAINPROOF_TLS_KEY', /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/),
  }
}

/**
 * Without TRAINPROOF_ADMIN_TOKEN the first start creates an admin token and writes it to
 * DATA_DIR/admin-token (0600). Later starts keep using it while its hash is in the db.
 */
async function bootstrapAdminToken(store: Store, dataDir: string, now: () => Date): Promise<string | null> {
  const file = join(dataDir, 'admin-token')
  const existing = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => null,
  )
  // Still valid: the file's token is in the db, or (no file) a bootstrap token is.
  const hash = existing ? hashToken(existing) : null
  for (const token of store.data.tokens.values()) if (hash === null ? token.label === 'bootstrap' : token.hash === hash) return null
  const token = newToken()
  const at = now().toISOString()
  await store.update(
    (db) => {
      // A bootstrap token whose secret the admin-token file no longer holds is replaced: token ids are unique.
      db.tokens.delete('bootstrap')
      db.tokens.set('bootstrap', {
        id: 'bootstrap',
        hash: hashToken(token),
        role: 'admin',
        email: null,
        label: 'bootstrap',
        createdAt: at,
        expiresAt: null,
        lastUsedAt: null,
        via: 'bootstrap',
      })
      auditor(db, 'trainproof', at)('token.bootstrap', { file })
    },
    { tokens: ['bootstrap'] },
  )
  await writeDurably(file, `${token}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
  return file
}
