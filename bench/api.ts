import autocannon, { type Result } from 'autocannon'
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hashToken } from '../daemon/auth/tokens.ts'
import type { StoredToken } from '../daemon/store/schema.ts'
import { readStoreFiles, writeDb } from '../daemon/store/store.ts'
import { ADMIN_TOKEN } from './sync.ts'
import { forkScript, log, median, nextMessage, OUT_DIR, round, stopChild } from './stats.ts'

export type LoadSample = { reqPerSec: number; p50Ms: number; p99Ms: number; mibPerSec: number; non2xx: number; errors: number }
export type ApiOptions = { runs: number; seconds: number; connections: number; tokens: number }

type Target = { name: string; path: (index: number) => string; token: (index: number) => string }

/**
 * Copies the 100,000-person db into a fresh data dir and adds `count` employee tokens (only their
 * SHA-256s are stored, as `issueToken` does), returning the tokens with their e-mails.
 */
async function prepareDataDir(dbDir: string, count: number): Promise<{ dataDir: string; employees: { token: string; email: string }[]; people: number }> {
  const dataDir = join(OUT_DIR, 'api-data')
  await rm(dataDir, { recursive: true, force: true })
  await mkdir(dataDir, { recursive: true })
  const db = await readStoreFiles(join(dbDir, 'trainproof.json'))
  const emails = Object.keys(db.people)
  const step = Math.max(1, Math.floor(emails.length / count))
  const employees = Array.from({ length: Math.min(count, emails.length) }, (_, index) => ({
    token: `tp_bench_employee_${String(index).padStart(6, '0')}`,
    email: emails[index * step] as string,
  }))
  const createdAt = new Date().toISOString()
  db.tokens.push(
    ...employees.map(({ token, email }, index): StoredToken => ({ id: `bench-${index}`, hash: hashToken(token), role: 'employee', email, label: 'bench', createdAt, expiresAt: null, lastUsedAt: null, via: 'issued' })),
  )
  await writeDb(join(dataDir, 'trainproof.json'), db)
  await copyFile(join(dbDir, 'secret.key'), join(dataDir, 'secret.key')).catch(() => undefined)
  return { dataDir, employees, people: emails.length }
}

async function load(url: string, target: Target, seconds: number, connections: number): Promise<Result> {
  let next = 0
  return autocannon({
    url,
    connections,
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
 * Hono, then the daemon on the 100,000-person db: `GET /me/trainings` with employee tokens spread
 * over many people, and `GET /personnel?limit=100` at random offsets.
 */
export async function benchApi(dbDir: string, options: ApiOptions) {
  const { dataDir, employees, people } = await prepareDataDir(dbDir, options.tokens)
  const hello = forkScript('hello-child.ts')
  const daemon = forkScript('daemon-child.ts', [dataDir, ADMIN_TOKEN])
  try {
    const helloUrl = (await nextMessage<{ url: string }>(hello)).url
    const started = await nextMessage<{ url: string; startMs: number }>(daemon)
    log(`api: daemon started on ${people} people in ${round(started.startMs, 0)} ms`)
    const pages = Math.ceil(people / 100)
    const targets: { target: Target; url: string }[] = [
      { url: helloUrl, target: { name: 'hello-world Hono', path: () => '/', token: () => 'none' } },
      {
        url: started.url,
        target: {
          name: 'GET /me/trainings (employee tokens)',
          path: () => '/api/v1/me/trainings',
          token: (index) => (employees[(index * 7919) % employees.length] as { token: string }).token,
        },
      },
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
    const results: Record<string, { runs: LoadSample[]; median: ReturnType<typeof summarise> }> = {}
    for (const { url, target } of targets) {
      await load(url, target, 2, options.connections)
      const runs: LoadSample[] = []
      for (let run = 1; run <= options.runs; run++) {
        runs.push(sample(await load(url, target, options.seconds, options.connections)))
        log(`api ${target.name} run ${run}/${options.runs}: ${round(runs.at(-1)!.reqPerSec, 0)} req/s, p99 ${runs.at(-1)!.p99Ms} ms`)
      }
      results[target.name] = { runs, median: summarise(runs) }
    }
    const full = await fullList(started.url, options.runs)
    log(`api GET /personnel (all ${full.people}): ${full.medianMs} ms, ${round(full.bytes / 2 ** 20, 1)} MiB`)
    const helloRate = results['hello-world Hono']?.median.reqPerSec ?? Number.NaN
    const ratios = Object.fromEntries(Object.entries(results).map(([name, value]) => [name, round(value.median.reqPerSec / helloRate, 3)]))
    const targetsMet = Object.fromEntries(
      Object.entries(results)
        .filter(([name]) => name.startsWith('GET'))
        .map(([name, value]) => [`${name}: ≥ 5,000 req/s and p99 ≤ 10 ms`, value.median.reqPerSec >= 5_000 && value.median.p99Ms <= 10]),
    )
    return { people, connections: options.connections, seconds: options.seconds, daemonStartMs: started.startMs, results, ratioToHello: ratios, fullList: full, targets: targetsMet }
  } finally {
    await Promise.all([stopChild(hello), stopChild(daemon)])
  }
}
