import { dbText } from '../helpers/store-files.ts'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../daemon/config.ts'
import { createLogger } from '../../daemon/log.ts'
import { startDaemon, type Daemon } from '../../daemon/server.ts'
import type { HttpTuning } from '../../daemon/sync/session.ts'
import type { Db } from '../../daemon/store/schema.ts'
import { decideAuthorization } from '../../fakes/huntress/browser.ts'
import type { KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import type { Campaign, Connection } from '../../shared/domain.ts'
import { VirtualClock } from '../helpers/virtual-clock.ts'
import { REAL_LIMITS } from '../../fakes/knowbe4/index.ts'

/** `npm run soak` sets this: the same tests, bigger sizes. */
export const SOAK = process.env.TRAINPROOF_SOAK === '1'
export const scaled = (normal: number, soak: number) => (SOAK ? soak : normal)

export const ADMIN = 'security-admin-token-0123456789abcdef'
export const REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/huntress'

/** No pacing (the fakes' limits are off too), three fast attempts, short timeouts; waits on a virtual clock. */
export const TUNING: HttpTuning = {
  retry: { maxAttempts: 3, baseDelayMs: 2, maxBackoffMs: 10 },
  timeoutMs: 400,
  rateLimits: { knowbe4: [], huntress: [] },
}

/**
 * The providers' real pacing on the daemon's side (no rate-limit override). Start the daemon on a
 * clock shared with the fakes' rate limiters (`kb4Limits` + `now`, `huntressLimit`), so both sides
 * keep the limits and minutes of pacing take no wall time.
 */
export const PACED: HttpTuning = { retry: TUNING.retry, timeoutMs: TUNING.timeoutMs }

/** KnowBe4's 4/s, 50/min and lockout, with the daily budget out of the way of long fault runs. */
export const kb4Limits = { ...REAL_LIMITS, daily: 1e9 }

/** The Huntress fake's 60 a minute per client, on `clock`. */
export const huntressLimit = (clock: VirtualClock) => ({ requests: 60, windowMs: 60_000, retryAfter: true, now: clock.now })

export type Answer = { status: number; text: string; body: any; headers: Headers }

/**
 * A real daemon on 127.0.0.1:0 whose every log line and every API answer is kept, so a test can
 * search them for secrets afterwards.
 */
export type SecurityDaemon = {
  daemon: Daemon
  url: string
  dataDir: string
  logs: string[]
  answers: string[]
  api(
    path: string,
    init?: { method?: string; json?: unknown; body?: BodyInit; token?: string | null; headers?: Record<string, string> },
  ): Promise<Answer>
  /** The db as the daemon holds it. */
  db(): Db
  dbFile(): string
  stop(): Promise<void>
}

export async function startSecurityDaemon(
  options: { env?: Record<string, string>; tuning?: HttpTuning; clock?: VirtualClock; dataDir?: string } = {},
): Promise<SecurityDaemon> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'trainproof-sec-'))
  const config = loadConfig({
    TRAINPROOF_PORT: '0',
    TRAINPROOF_DATA_DIR: dataDir,
    TRAINPROOF_ADMIN_TOKEN: ADMIN,
    TRAINPROOF_SCHEDULER: '0',
    ...options.env,
  })
  const logs: string[] = []
  const answers: string[] = []
  const log = createLogger('debug', (line) => void logs.push(line))
  const daemon = await startDaemon(config, { log, tuning: options.tuning ?? TUNING, clock: options.clock ?? new VirtualClock() })
  return {
    daemon,
    url: daemon.url,
    dataDir,
    logs,
    answers,
    async api(path, init = {}) {
      const headers = new Headers(init.headers)
      const token = init.token === undefined ? ADMIN : init.token
      if (token !== null) headers.set('authorization', `Bearer ${token}`)
      if (init.json !== undefined) headers.set('content-type', 'application/json')
      const body = init.json !== undefined ? JSON.stringify(init.json) : init.body
      const response = await fetch(`${daemon.url}/api/v1${path}`, { method: init.method ?? 'GET', headers, body })
      const text = await response.text()
      answers.push(text)
      let parsed: unknown = null
      try {
        parsed = text ? JSON.parse(text) : null
      } catch {
        parsed = null
      }
      return { status: response.status, text, body: parsed, headers: response.headers }
    },
    db: () => daemon.deps.store.data,
    dbFile: () => dbText(dataDir),
    async stop() {
      await daemon.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function ok(d: SecurityDaemon, path: string, init: Parameters<SecurityDaemon['api']>[1], status = 200): Promise<any> {
  const answer = await d.api(path, init)
  if (answer.status !== status) throw new Error(`${init?.method ?? 'GET'} ${path}: ${answer.status} ${answer.text}`)
  return answer.body
}

/** POST /connections with the fake's token; the new connection serves Security Awareness. */
export function connectKnowBe4(d: SecurityDaemon, fake: KnowBe4Fake, token = fake.token): Promise<Connection> {
  return ok(d, '/connections', { method: 'POST', json: { provider: 'knowbe4', region: 'us', apiToken: token, baseUrl: fake.url } }, 201)
}

/** authorize → the fake's approval → callback, as the extension drives it. */
export async function connectHuntress(d: SecurityDaemon): Promise<Connection> {
  const started = await ok(d, '/connections/huntress/authorize', { method: 'POST', json: { redirectUri: REDIRECT_URI } })
  const { code, state } = await decideAuthorization(started.authorizeUrl)
  return ok(d, '/connections/huntress/callback', { method: 'POST', json: { code, state } }, 201)
}

/** Selects every importable campaign of the connection for a training (Security Awareness by default). */
export async function selectAll(d: SecurityDaemon, connectionId: string, training = 'security_awareness'): Promise<void> {
  const campaigns = (await ok(d, `/connections/${connectionId}/campaigns`, {})) as Campaign[]
  const campaignIds = campaigns.filter((campaign) => campaign.importable).map((campaign) => campaign.id)
  await ok(d, `/trainings/${training}`, { method: 'PUT', json: { connectionId, campaignIds } })
}

export const sync = (d: SecurityDaemon, connectionId: string) => ok(d, `/connections/${connectionId}/sync`, { method: 'POST' })

/** The parts of the db a failed sync must not touch: people, their records, campaigns and selections. */
export function protectedState(db: Db): string {
  return JSON.stringify({
    people: Object.fromEntries(db.people),
    campaigns: db.campaigns,
    trainings: db.trainings,
    tokens: [...db.tokens.values()],
  })
}

/** Completed modules over everybody's records: grows when a sync lands new completions. */
export function completedModules(db: Db): number {
  let sum = 0
  for (const person of [...db.people.values()]) for (const record of Object.values(person.records)) sum += record?.completed ?? 0
  return sum
}

/** Every place a secret could leak to, as one string per place. */
export function leakSurfaces(d: SecurityDaemon): Record<string, string> {
  const dir = d.dataDir
  const backups = ['trainproof.json.bak1', 'trainproof.json.bak2', 'trainproof.json.bak3']
    .map((name) => join(dir, name))
    .filter((folder) => existsSync(folder))
  return {
    dbFiles: [dbText(dir), ...backups.map((folder) => dbText(folder))].join('\n'),
    logs: d.logs.join(''),
    answers: d.answers.join('\n'),
    audit: JSON.stringify(d.db().audit),
    connections: JSON.stringify(d.db().connections.map(({ sealed: _sealed, ...rest }) => rest)),
    syncRuns: JSON.stringify(d.db().syncRuns),
  }
}

/** Where the measured figures go; SECURITY.md quotes a soak run's. */
export function recordFigures(name: string, figures: Record<string, number>): void {
  const dir = join(process.cwd(), '.ci/out/security')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, `${name}${SOAK ? '.soak' : ''}.json`),
    `${JSON.stringify({ ...figures, soak: SOAK, at: new Date().toISOString() }, null, 2)}\n`,
  )
}
