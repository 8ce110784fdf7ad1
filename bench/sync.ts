import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../daemon/config.ts'
import type { RateLimit } from '../daemon/http/pacer.ts'
import { createLogger } from '../daemon/log.ts'
import { startDaemon, type Daemon } from '../daemon/server.ts'
import type { HttpTuning } from '../daemon/sync/session.ts'
import { TRAINING_IDS, type Connection, type SyncRun } from '../shared/domain.ts'
import type { FakeCommand, FakeReady, FakeSetup, FakeStats } from './kb4-fake-child.ts'
import type { SyncVirtualSample } from './sync-virtual-child.ts'
import { ask, forkScript, log, medians, nextMessage, round, stopChild } from './stats.ts'

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'
const PAGE = 500

export type SyncScenario = {
  name: string
  users: number
  /** Campaigns in the tenant; the first `perTraining × 3` are selected, 2 per training by default. */
  campaigns: number
  perTraining: number
  /** 1 = KnowBe4's real limits; k = the same windows k times shorter, on the fake and the daemon. */
  timeScale: number
}

export const REAL_TENANT: SyncScenario = { name: 'real-limits', users: 8_500, campaigns: 7, perTraining: 2, timeScale: 1 }
export const LARGE_TENANT: SyncScenario = { name: 'large-100k', users: 100_000, campaigns: 7, perTraining: 2, timeScale: 100 }

export type SyncSample = {
  requests: number
  minimal: number
  requestsRatio: number
  wallMs: number
  fetchMs: number
  /** The floor: requests ÷ 50 per minute (scaled). */
  floorMs: number
  wallRatio: number
  /** The exact minimum under sliding windows: when the last request may start, at zero latency. */
  windowFloorMs: number
  windowRatio: number
  rateLimited: number
  users: number
  enrollments: number
}

/** Page mode: a list of n rows is floor(n/500)+1 pages; cursor mode: max(1, ceil(n/500)). */
export function minimalRequests(users: number, campaigns: number, selected: number, rowsPerCampaign: number): number {
  const pages = (n: number) => Math.floor(n / PAGE) + 1
  const cursorPages = (n: number) => Math.max(1, Math.ceil(n / PAGE))
  return pages(users) + pages(campaigns) + selected * cursorPages(rowsPerCampaign)
}

/** Earliest start of the last of n requests under sliding windows (4 per s, 50 per min, scaled). */
export function windowFloorMs(n: number, limits: readonly RateLimit[]): number {
  const starts: number[] = []
  for (let index = 0; index < n; index++) {
    let at = starts[index - 1] ?? 0
    for (const limit of limits) at = Math.max(at, (starts[index - limit.requests] ?? -Infinity) + limit.perMs)
    starts.push(at)
  }
  return starts.at(-1) ?? 0
}

export function scaledLimits(timeScale: number): RateLimit[] {
  return [
    { requests: 4, perMs: 1_000 / timeScale },
    { requests: 50, perMs: 60_000 / timeScale },
  ]
}

async function startBenchDaemon(dataDir: string, tuning: HttpTuning): Promise<Daemon> {
  const config = loadConfig({
    TRAINPROOF_PORT: '0',
    TRAINPROOF_DATA_DIR: dataDir,
    TRAINPROOF_ADMIN_TOKEN: ADMIN_TOKEN,
    TRAINPROOF_SCHEDULER: '0',
    TRAINPROOF_LOG_LEVEL: 'silent',
  })
  return startDaemon(config, { log: createLogger('silent'), tuning })
}

async function call<T>(daemon: Daemon, path: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(`${daemon.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/**
 * One sync through the real daemon. The connection is made and the campaigns selected through
 * the API; then the daemon restarts (a fresh pacer) and the fake forgets its windows, as for a
 * nightly sync long after setup, and `POST /connections/:id/sync` is timed.
 */
async function syncOnce(scenario: SyncScenario, fake: ReturnType<typeof forkScript>, ready: FakeReady, keepDb: string | null) {
  const dataDir = await mkdtemp(join(tmpdir(), 'trainproof-bench-'))
  const limits = scaledLimits(scenario.timeScale)
  const scale = scenario.timeScale
  // A 429 (none expected: the daemon paces) would be waited out on the same scaled time.
  const tuning: HttpTuning =
    scale === 1 ? {} : { rateLimits: { knowbe4: limits }, retry: { rateLimitWaitMs: 60_000 / scale, maxWaitMs: (6 * 60_000) / scale } }
  try {
    const setup = await startBenchDaemon(dataDir, tuning)
    const connection = await call<Connection>(setup, '/connections', 'POST', {
      provider: 'knowbe4',
      region: 'us',
      apiToken: ready.token,
      baseUrl: ready.url,
    })
    for (const [index, training] of TRAINING_IDS.entries()) {
      const external = ready.campaignIds.slice(index * scenario.perTraining, (index + 1) * scenario.perTraining)
      await call(setup, `/trainings/${training}`, 'PUT', {
        connectionId: connection.id,
        campaignIds: external.map((id) => `${connection.id}:${id}`),
      })
    }
    await setup.close()
    await ask<FakeStats>(fake, { kind: 'reset' } satisfies FakeCommand)

    const daemon = await startBenchDaemon(dataDir, tuning)
    const started = performance.now()
    const run = await call<SyncRun>(daemon, `/connections/${connection.id}/sync`, 'POST')
    const wallMs = performance.now() - started
    await daemon.close()
    if (!run.ok) throw new Error(`sync failed: ${run.error}`)
    const stats = await ask<FakeStats>(fake, { kind: 'stats' } satisfies FakeCommand)
    if (keepDb) {
      await rm(keepDb, { recursive: true, force: true })
      await cp(dataDir, keepDb, { recursive: true })
    }

    const selected = scenario.perTraining * TRAINING_IDS.length
    const minimal = minimalRequests(ready.users, scenario.campaigns, selected, ready.users)
    const floorMs = (stats.total / 50) * (60_000 / scenario.timeScale)
    const windowFloor = windowFloorMs(stats.total, limits)
    return {
      requests: stats.total,
      minimal,
      requestsRatio: stats.total / minimal,
      wallMs,
      fetchMs: Date.parse(run.finishedAt) - Date.parse(run.startedAt),
      floorMs,
      wallRatio: wallMs / floorMs,
      windowFloorMs: windowFloor,
      windowRatio: wallMs / windowFloor,
      rateLimited: stats.rateLimited,
      users: ready.users,
      enrollments: ready.enrollments,
    } satisfies SyncSample
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

export type SyncResult = { scenario: SyncScenario; runs: SyncSample[]; median: SyncSample; targets: Record<string, boolean> }

/** Runs a scenario `runs` times against one fake process (its counters and windows reset each time). */
export async function benchSync(scenario: SyncScenario, runs: number, keepDb: string | null = null): Promise<SyncResult> {
  const fake = forkScript('kb4-fake-child.ts')
  try {
    const ready = ask<FakeReady>(fake, {
      limits: {
        secondMs: 1_000 / scenario.timeScale,
        minuteMs: 60_000 / scenario.timeScale,
        burstLockoutMs: (5 * 60_000) / scenario.timeScale,
      },
      tenant: { users: scenario.users, campaigns: scenario.campaigns, seed: 7 },
    } satisfies FakeSetup)
    const fakeReady = await ready
    log(
      `${scenario.name}: fake seeded with ${fakeReady.users} users, ${fakeReady.enrollments} enrollments in ${round(fakeReady.seedMs, 0)} ms`,
    )
    const samples: SyncSample[] = []
    for (let run = 1; run <= runs; run++) {
      const sample = await syncOnce(scenario, fake, fakeReady, run === 1 ? keepDb : null)
      samples.push(sample)
      log(
        `${scenario.name} run ${run}/${runs}: ${sample.requests}/${sample.minimal} requests, ${round(sample.wallMs / 1000, 2)} s ` +
          `(floor ${round(sample.floorMs / 1000, 2)} s, ×${round(sample.wallRatio, 3)}; window floor ${round(sample.windowFloorMs / 1000, 2)} s, ` +
          `×${round(sample.windowRatio, 3)}), ${sample.rateLimited} × 429`,
      )
    }
    const median = medians(samples)
    const worst429 = Math.max(...samples.map((sample) => sample.rateLimited))
    return {
      scenario,
      runs: samples,
      median,
      targets: {
        'requests = 1.00× minimal': samples.every((sample) => sample.requests === sample.minimal),
        'wall ≤ 1.1× floor': median.wallRatio <= 1.1,
        '0 self-inflicted 429s': worst429 === 0,
      },
    }
  } finally {
    await stopChild(fake)
  }
}

/** `ratio`: virtual time ÷ floor; `realRatio`: (virtual time + the commit's wall time) ÷ floor, what a real night takes. */
type VirtualRow = SyncVirtualSample & { minimal: number; floorMs: number; ratio: number; realRatio: number }

export type SyncVirtualResult = {
  users: number
  runs: VirtualRow[]
  median: VirtualRow
  targets: Record<string, boolean>
}

/**
 * KnowBe4 sync of `users` people at the real limits, each run in a fresh process where the fake
 * and the daemon share a virtual clock (bench/sync-virtual-child.ts). The floor is what the real
 * limits allow for the minimal number of requests: the earliest start of the last one under both
 * sliding windows at zero latency (`windowFloorMs`).
 */
export async function benchSyncVirtual(
  runs: number,
  users = 100_000,
  keepDb: string | null = null,
  campaigns = 7,
  perTraining = 2,
): Promise<SyncVirtualResult> {
  const selected = perTraining * TRAINING_IDS.length
  const minimal = minimalRequests(users, campaigns, selected, users)
  const floorMs = windowFloorMs(minimal, scaledLimits(1))
  const samples: SyncVirtualResult['runs'] = []
  for (let run = 1; run <= runs; run++) {
    const child = forkScript('sync-virtual-child.ts', [
      String(users),
      String(campaigns),
      String(perTraining),
      run === 1 && keepDb ? keepDb : '',
    ])
    try {
      const sample = await nextMessage<SyncVirtualSample>(child)
      samples.push({
        ...sample,
        minimal,
        floorMs,
        ratio: sample.virtualMs / floorMs,
        realRatio: (sample.virtualMs + sample.tailMs) / floorMs,
      })
      log(
        `sync-virtual run ${run}/${runs}: ${sample.requests}/${minimal} requests, ${round(sample.virtualMs / 60_000, 2)} virtual min ` +
          `(floor ${round(floorMs / 60_000, 2)} min, ×${round(sample.virtualMs / floorMs, 4)}), ${sample.rateLimited} × 429, wall ${round(sample.wallMs / 1000, 1)} s of which commit ${round(sample.tailMs / 1000, 1)} s`,
      )
    } finally {
      await stopChild(child)
    }
  }
  const median = medians(samples)
  return {
    users,
    runs: samples,
    median,
    targets: {
      'requests = minimal': samples.every((sample) => sample.requests === sample.minimal),
      'pacing (virtual time) ≤ 1.05× floor': median.ratio <= 1.05,
      'pacing + commit ≤ 1.05× floor': median.realRatio <= 1.05,
      '0 × 429': samples.every((sample) => sample.rateLimited === 0),
    },
  }
}
