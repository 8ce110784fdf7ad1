import autocannon, { type Result } from 'autocannon'
import { cp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { hashToken } from '../daemon/auth/tokens.ts'
import type { StoredToken } from '../daemon/store/schema.ts'
import { Store } from '../daemon/store/store.ts'
import { benchPersonnelIndex } from './personnel.ts'
import { ADMIN_TOKEN } from './sync.ts'
import { forkScript, log, median, nextMessage, OUT_DIR, round, stopChild } from './stats.ts'

export type LoadSample = { reqPerSec: number; p50Ms: number; p99Ms: number; mibPerSec: number; non2xx: number; errors: number }
export type ApiOptions = { runs: number; seconds: number; connections: number; tokens: number }

/** `connections`: overrides the load's (1 = one request at a time: latency without queueing behind the others). */
type Target = { name: string; path: (index: number) => string; token: (index: number) => string; connections?: number }

/**
 * Copies the 100,000-person data dir and adds `count` employee tokens through the store (only
 * their SHA-256s are stored, as `issueToken` does), so it works whatever files the store keeps.
 * Returns the tokens with their e-mails and how many people the status filter of the bench matches.
 */
async function prepareDataDir(dbDir: string, count: number) {
  const dataDir = join(OUT_DIR, 'api-data')
  await rm(dataDir, { recursive: true, force: true })
  await cp(dbDir, dataDir, { recursive: true })
  const store = await Store.open(join(dataDir, 'trainproof.json'))
  const emails = [...store.data.people.keys()]
  const step = Math.max(1, Math.floor(emails.length / count))
  const employees = Array.from({ length: Math.min(count, emails.length) }, (_, index) => ({
    token: `tp_bench_employee_${String(index).padStart(6, '0')}`,
    email: emails[index * step] as string,
  }))
  const createdAt = new Date().toISOString()
  await store.update(
    (db) => {
      employees.forEach(({ token, email }, index) => {
        const stored: StoredToken = {
          id: `bench-${index}`,
          hash: hashToken(token),
          role: 'employee',
          email,
          label: 'bench',
          createdAt,
          expiresAt: null,
          lastUsedAt: null,
          via: 'issued',
        }
        db.tokens.set(stored.id, stored)
      })
    },
    { tokens: employees.map((_, index) => `bench-${index}`) },
  )
  // The personnel index and page JSON in process (rebuild after a sync, every kind of filter).
  const personnel = await benchPersonnelIndex(store, 5)
  const nonCompliant = personnel.pages['status=non_compliant, limit=100']!.matching
  const both = personnel.pages['training=security_awareness&status=non_compliant, limit=100']!.matching
  return { dataDir, employees, people: emails.length, nonCompliant, both, personnel }
}

async function load(url: string, target: Target, seconds: number, connections: number): Promise<Result> {
  let next = 0
  return autocannon({
    url,
    connections: target.connections ?? connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const index = next++
          return { ...request, path: target.path(index), headers: { ...request.headers, authorization: `Bearer ${target.token(index)}` } }
        },
      },
    ],
  })
}

function sample(result: Result): LoadSample {
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    mibPerSec: result.throughput.average / 2 ** 20,
    non2xx: result.non2xx,
    errors: result.errors,
  }
}

function summarise(samples: LoadSample[]) {
  return {
    reqPerSec: round(median(samples.map((item) => item.reqPerSec)), 0),
    p50Ms: median(samples.map((item) => item.p50Ms)),
    p99Ms: median(samples.map((item) => item.p99Ms)),
    mibPerSec: round(median(samples.map((item) => item.mibPerSec)), 1),
    non2xx: samples.reduce((sum, item) => sum + item.non2xx, 0),
    errors: samples.reduce((sum, item) => sum + item.errors, 0),
  }
}

/** GET /personnel without a limit: the whole list, timed one request at a time. */
async function fullList(url: string, runs: number) {
  const times: number[] = []
  let bytes = 0
  let count = 0
  for (let run = 0; run <= runs; run++) {
    const started = performance.now()
    const res = await fetch(`${url}/api/v1/personnel`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    const body = await res.text()
    if (run > 0) times.push(performance.now() - started)
    bytes = body.length
    count = (JSON.parse(body) as unknown[]).length
  }
  return { medianMs: round(median(times), 1), reqPerSec: round(1000 / median(times), 2), people: count, bytes }
}

/**
 * Load on loopback with autocannon (in this process; the servers run in their own): a hello-world
 * Hono and the daemon on the 100,000-person db. Each run is one round of every target, hello-world
 * first and `/me/trainings` right after it, so the ratio of each run comes from an adjacent pair
 * (drift of a shared machine moves both); the reported ratio is the median of those per-run ratios.
 */
export async function benchApi(dbDir: string, options: ApiOptions) {
  const { dataDir, employees, people, nonCompliant, both, personnel } = await prepareDataDir(dbDir, options.tokens)
  const hello = forkScript('hello-child.ts')
  const daemon = forkScript('daemon-child.ts', [dataDir, ADMIN_TOKEN])
  try {
    const helloUrl = (await nextMessage<{ url: string }>(hello)).url
    const started = await nextMessage<{ url: string; startMs: number }>(daemon)
    log(`api: daemon started on ${people} people in ${round(started.startMs, 0)} ms; ${nonCompliant} non-compliant`)
    const pages = Math.ceil(people / 100)
    const statusPages = Math.max(1, Math.ceil(nonCompliant / 100))
    const HELLO = 'hello-world Hono'
    const ME = 'GET /me/trainings (employee tokens)'
    const STATUS = 'GET /personnel?status=non_compliant&limit=100 (random page)'
    const statusPath = (index: number) => `/api/v1/personnel?status=non_compliant&limit=100&offset=${((index * 7919) % statusPages) * 100}`
    const BOTH = 'GET /personnel?training=security_awareness&status=non_compliant&limit=100 (random page)'
    const bothPages = Math.max(1, Math.ceil(both / 100))
    const bothPath = (index: number) =>
      `/api/v1/personnel?training=security_awareness&status=non_compliant&limit=100&offset=${((index * 7919) % bothPages) * 100}`
    const meToken = (index: number) => (employees[(index * 7919) % employees.length] as { token: string }).token
    const targets: { target: Target; url: string }[] = [
      { url: helloUrl, target: { name: HELLO, path: () => '/', token: () => 'none' } },
      {
        url: started.url,
        target: {
          name: ME,
          path: () => '/api/v1/me/trainings',
          token: meToken,
        },
      },
      { url: started.url, target: { name: `${ME}, one at a time`, path: () => '/api/v1/me/trainings', token: meToken, connections: 1 } },
      { url: started.url, target: { name: STATUS, path: statusPath, token: () => ADMIN_TOKEN } },
      { url: started.url, target: { name: `${STATUS}, one at a time`, path: statusPath, token: () => ADMIN_TOKEN, connections: 1 } },
      { url: started.url, target: { name: BOTH, path: bothPath, token: () => ADMIN_TOKEN } },
      { url: started.url, target: { name: `${BOTH}, one at a time`, path: bothPath, token: () => ADMIN_TOKEN, connections: 1 } },
      {
        url: started.url,
        target: {
          name: 'GET /personnel?limit=100 (random page)',
          path: (index) => `/api/v1/personnel?limit=100&offset=${((index * 7919) % pages) * 100}`,
          token: () => ADMIN_TOKEN,
        },
      },
      {
        url: started.url,
        target: {
          name: 'GET /personnel?limit=20 (random page)',
          path: (index) => `/api/v1/personnel?limit=20&offset=${((index * 7919) % (pages * 5)) * 20}`,
          token: () => ADMIN_TOKEN,
        },
      },
    ]
    for (const { url, target } of targets) await load(url, target, 2, options.connections)
    const samples: Record<string, LoadSample[]> = Object.fromEntries(targets.map(({ target }) => [target.name, []]))
    const pairRatios: number[] = []
    for (let run = 1; run <= options.runs; run++) {
      // the hello-world and /me rounds of a run are an adjacent pair, in alternating order so drift does not favour one
      const order = run % 2 === 1 ? targets : [targets[1]!, targets[0]!, ...targets.slice(2)]
      for (const { url, target } of order) {
        const result = sample(await load(url, target, options.seconds, options.connections))
        samples[target.name]!.push(result)
        log(`api ${target.name} run ${run}/${options.runs}: ${round(result.reqPerSec, 0)} req/s, p99 ${result.p99Ms} ms`)
      }
      pairRatios.push(samples[ME]!.at(-1)!.reqPerSec / samples[HELLO]!.at(-1)!.reqPerSec)
    }
    const results = Object.fromEntries(Object.entries(samples).map(([name, runs]) => [name, { runs, median: summarise(runs) }]))
    const full = await fullList(started.url, options.runs)
    log(`api GET /personnel (all ${full.people}): ${full.medianMs} ms, ${round(full.bytes / 2 ** 20, 1)} MiB`)
    const me = results[ME]!.median
    const statusRow = results[STATUS]!.median
    const statusAlone = results[`${STATUS}, one at a time`]!.median
    const meAlone = results[`${ME}, one at a time`]!.median
    const bothRow = results[BOTH]!.median
    const bothAlone = results[`${BOTH}, one at a time`]!.median
    const meRatio = round(median(pairRatios), 3)
    return {
      people,
      nonCompliant,
      personnel,
      connections: options.connections,
      seconds: options.seconds,
      daemonStartMs: started.startMs,
      results,
      meToHello: { pairs: pairRatios.map((ratio) => round(ratio, 3)), median: meRatio },
      fullList: full,
      targets: {
        'GET /me/trainings ≥ 5,000 req/s': me.reqPerSec >= 5_000,
        'GET /me/trainings p99 ≤ 10 ms': me.p99Ms <= 10,
        'GET /me/trainings ≥ 0.3× hello-world (median of same-run pairs)': meRatio >= 0.3,
        'GET /me/trainings p99 ≤ 10 ms, one at a time': meAlone.p99Ms <= 10,
        'GET /personnel?status=non_compliant&limit=100 p99 ≤ 10 ms': statusRow.p99Ms <= 10,
        'GET /personnel?status=non_compliant&limit=100 p99 ≤ 10 ms, one at a time': statusAlone.p99Ms <= 10,
        'GET /personnel?training=…&status=non_compliant&limit=100 p99 ≤ 10 ms': bothRow.p99Ms <= 10,
        'GET /personnel?training=…&status=non_compliant&limit=100 p99 ≤ 10 ms, one at a time': bothAlone.p99Ms <= 10,
      },
    }
  } finally {
    await Promise.all([stopChild(hello), stopChild(daemon)])
  }
}
