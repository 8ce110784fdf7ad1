/**
 * One KnowBe4 sync of a large tenant at KnowBe4's real limits (4/s, 50/min sliding, the 5-minute
 * burst lockout, 2,000 + seats a day), in a fresh process: the fake and the daemon share one
 * virtual clock (test/helpers/virtual-clock.ts), so the ~28 minutes of pacing that 100,000 people
 * need take no wall time, while every request still goes over loopback and every window is checked
 * by the fake. Answers one SyncVirtualSample over IPC.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../daemon/config.ts'
import { createLogger } from '../daemon/log.ts'
import { startDaemon, type Daemon } from '../daemon/server.ts'
import { REAL_LIMITS, seedLargeTenant, startKnowBe4Fake } from '../fakes/knowbe4/index.ts'
import { TRAINING_IDS, type Connection, type SyncRun } from '../shared/domain.ts'
import { VirtualClock } from '../test/helpers/virtual-clock.ts'

export type SyncVirtualSample = {
  users: number
  enrollments: number
  requests: number
  rateLimited: number
  /** Virtual time from `POST /connections/:id/sync` to its answer: what the sync takes at the real limits. */
  virtualMs: number
  /** Wall time from the last provider answer to the sync's answer: evaluation and commit, which no pacing hides. */
  tailMs: number
  /** Wall time of the same sync on this machine (fetch over loopback, evaluation, commit). */
  wallMs: number
  peakRssMiB: number
}

const [users = '100000', campaigns = '7', perTraining = '2', keepDb = ''] = process.argv.slice(2)
const ADMIN = 'bench-admin-token-0123456789abcdef'
const clock = new VirtualClock()
const fake = await startKnowBe4Fake({ limits: REAL_LIMITS, now: clock.now, logLimit: 0 })
const tenant = seedLargeTenant(fake, { users: Number(users), campaigns: Number(campaigns), seed: 7 })
// The last provider answer the daemon received (wall time), to separate the commit from the fetch.
let lastProviderAnswer = 0
const realFetch = globalThis.fetch
globalThis.fetch = async (input, init) => {
  const res = await realFetch(input, init)
  if (String(input instanceof Request ? input.url : input).startsWith(fake.url)) lastProviderAnswer = performance.now()
  return res
}
const dataDir = await mkdtemp(join(tmpdir(), 'trainproof-bench-sync-'))

async function call<T>(daemon: Daemon, path: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(`${daemon.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

try {
  const config = loadConfig({
    TRAINPROOF_PORT: '0',
    TRAINPROOF_DATA_DIR: dataDir,
    TRAINPROOF_ADMIN_TOKEN: ADMIN,
    TRAINPROOF_SCHEDULER: '0',
    TRAINPROOF_LOG_LEVEL: 'silent',
  })
  const daemon = await startDaemon(config, { log: createLogger('silent'), clock })
  const connection = await call<Connection>(daemon, '/connections', 'POST', {
    provider: 'knowbe4',
    region: 'us',
    apiToken: fake.token,
    baseUrl: fake.url,
  })
  const ids = tenant.campaigns.map((campaign) => campaign.id)
  for (const [index, training] of TRAINING_IDS.entries()) {
    const external = ids.slice(index * Number(perTraining), (index + 1) * Number(perTraining))
    await call(daemon, `/trainings/${training}`, 'PUT', {
      connectionId: connection.id,
      campaignIds: external.map((id) => `${connection.id}:${id}`),
    })
  }
  // A nightly sync long after setup: a day passes (every window of the daemon's pacer and of the
  // fake is empty again), and the fake's counters start from zero.
  clock.advance(24 * 60 * 60_000)
  fake.resetStats()
  const virtualStart = clock.now()
  const wallStart = performance.now()
  const run = await call<SyncRun>(daemon, `/connections/${connection.id}/sync`, 'POST')
  const wallEnd = performance.now()
  const wallMs = wallEnd - wallStart
  const virtualMs = clock.now() - virtualStart
  if (!run.ok) throw new Error(`sync failed: ${run.error}`)
  await daemon.close()
  // The bench's 100,000-person data dir (the api and store parts run on it).
  if (keepDb) {
    await rm(keepDb, { recursive: true, force: true })
    await cp(dataDir, keepDb, { recursive: true })
  }
  const sample: SyncVirtualSample = {
    users: tenant.users,
    enrollments: tenant.enrollments,
    requests: fake.count(),
    rateLimited: fake.rateLimited,
    virtualMs,
    tailMs: wallEnd - lastProviderAnswer,
    wallMs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }
  process.send?.(sample)
} finally {
  await fake.close()
  await rm(dataDir, { recursive: true, force: true })
}
