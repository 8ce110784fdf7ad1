import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../daemon/config.ts'
import { createLogger } from '../../daemon/log.ts'
import { startDaemon, type Daemon } from '../../daemon/server.ts'
import type { ProviderRegistry } from '../../daemon/providers/registry.ts'
import type { HttpTuning } from '../../daemon/sync/session.ts'
import type { Clock } from '../../daemon/clock.ts'
import { VirtualClock } from './virtual-clock.ts'

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'

/** Fewer attempts at 5xx; waits themselves pass on the daemon's virtual clock. */
export const FAST_RETRY: HttpTuning = { retry: { maxAttempts: 3, baseDelayMs: 2, maxBackoffMs: 10 }, timeoutMs: 2_000 }

export type TestDaemon = Daemon & {
  dataDir: string
  /** The daemon's one clock (records, tokens, pacing, provider waits): give it to a fake's rate limiter too. */
  clock: Clock
  /** fetch against the daemon's API with a bearer token (admin by default). */
  api(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Response>
  stop(): Promise<void>
}

/** A real daemon on 127.0.0.1:0 with its own data dir, the scheduler off and the admin token set. */
export async function startTestDaemon(
  options: {
    env?: Record<string, string>
    providers?: ProviderRegistry
    tuning?: HttpTuning
    dataDir?: string
    /** Default: a virtual clock (time moves only when the daemon waits or the test moves it). */
    clock?: Clock
  } = {},
): Promise<TestDaemon> {
  const clock = options.clock ?? new VirtualClock()
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'trainproof-test-'))
  const config = loadConfig({
    TRAINPROOF_PORT: '0',
    TRAINPROOF_DATA_DIR: dataDir,
    TRAINPROOF_ADMIN_TOKEN: ADMIN_TOKEN,
    TRAINPROOF_SCHEDULER: '0',
    TRAINPROOF_LOG_LEVEL: 'silent',
    ...options.env,
  })
  const daemon = await startDaemon(config, {
    log: createLogger('silent'),
    providers: options.providers,
    tuning: options.tuning ?? FAST_RETRY,
    clock,
  })
  const api = (path: string, init: RequestInit & { token?: string | null; json?: unknown } = {}) => {
    const { token = ADMIN_TOKEN, json, ...rest } = init
    const headers = new Headers(rest.headers)
    if (token !== null) headers.set('authorization', `Bearer ${token}`)
    if (json !== undefined) headers.set('content-type', 'application/json')
    return fetch(`${daemon.url}/api/v1${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body })
  }
  return {
    ...daemon,
    dataDir,
    clock,
    api,
    stop: async () => {
      await daemon.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
