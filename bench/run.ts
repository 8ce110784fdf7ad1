/**
 * `npm run bench` — trainproof's benchmarks (BENCHMARKS.md). Every part uses the real code paths:
 * the evaluator, the daemon (startDaemon) and its store, the KnowBe4 fake.
 *
 *   npm run bench                                   everything, 5 runs each (40–50 minutes on a busy 2-core box)
 *   npm run bench -- --only evaluator --runs 5      one part: evaluator, evaluator-multi, evaluator-multi-1.5m, sync-virtual, sync-real, sync-large, api, personnel, store, extension-size
 *   npm run bench -- --only api --only store --runs 3 --seconds 5
 *
 * Raw results go to bench/out/<part>.json; the 100,000-person data dir (made by the sync-virtual or
 * sync-large part, or by one virtual-clock sync when missing) is kept in bench/out/db-100k/.
 */
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchApi } from './api.ts'
import { benchEvaluator, MULTI_MODULE } from './evaluator.ts'
import { benchExtensionSize } from './extension-size.ts'
import { benchPersonnel } from './personnel.ts'
import { log, machine, OUT_DIR, writeResult } from './stats.ts'
import { benchStore } from './store.ts'
import { benchSync, benchSyncVirtual, LARGE_TENANT, REAL_TENANT } from './sync.ts'

const PARTS = [
  'evaluator',
  'evaluator-multi',
  'evaluator-multi-1.5m',
  'sync-virtual',
  'sync-real',
  'sync-large',
  'api',
  'personnel',
  'store',
  'extension-size',
] as const
type Part = (typeof PARTS)[number]

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    tokens: { type: 'string', default: '1000' },
    scale: { type: 'string', default: String(LARGE_TENANT.timeScale) },
    users: { type: 'string', default: '100000' },
    help: { type: 'boolean', short: 'h' },
  },
})

if (values.help) {
  process.stdout.write(
    `npm run bench -- [--only ${PARTS.join('|')}]… [--runs 5] [--seconds 10] [--connections 10] [--tokens 1000] [--scale 100]\n`,
  )
  process.exit(0)
}
const unknown = (values.only ?? []).filter((part) => !(PARTS as readonly string[]).includes(part))
if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; parts are ${PARTS.join(', ')}`)
const parts: readonly Part[] = (values.only as Part[] | undefined) ?? PARTS
const runs = Number(values.runs)
const dbDir = join(OUT_DIR, 'db-100k')

async function ensureDb(): Promise<void> {
  const present = await access(join(dbDir, 'trainproof.json')).then(
    () => true,
    () => false,
  )
  if (present) return
  log('no 100,000-person db yet: making one with a sync at the real limits on the virtual clock')
  await benchSyncVirtual(1, 100_000, dbDir)
}

const summary: Record<string, unknown> = { machine: machine(), runs }
log(`machine: ${JSON.stringify(machine())}`)
const started = performance.now()
for (const part of parts) {
  const partStarted = performance.now()
  log(`${part}: ${runs} run(s)`)
  let result: { median?: unknown; targets?: unknown } & Record<string, unknown>
  switch (part) {
    case 'evaluator':
      result = await benchEvaluator(runs)
      break
    case 'evaluator-multi':
      result = await benchEvaluator(runs, 100_000, 5, MULTI_MODULE.modules, MULTI_MODULE.reenrolled)
      break
    case 'evaluator-multi-1.5m':
      // The size: 30,300 people × 3 trainings × 5 campaigns × 3 modules, 10 % re-enrolled ≈ 1.5 M rows.
      result = await benchEvaluator(runs, 30_300, 5, MULTI_MODULE.modules, MULTI_MODULE.reenrolled)
      break
    case 'sync-virtual':
      result = await benchSyncVirtual(runs, Number(values.users), Number(values.users) === 100_000 ? dbDir : null)
      break
    case 'sync-real':
      result = await benchSync(REAL_TENANT, runs)
      break
    case 'sync-large':
      result = await benchSync({ ...LARGE_TENANT, timeScale: Number(values.scale) }, runs, dbDir)
      break
    case 'api':
      await ensureDb()
      result = await benchApi(dbDir, {
        runs,
        seconds: Number(values.seconds),
        connections: Number(values.connections),
        tokens: Number(values.tokens),
      })
      break
    case 'personnel':
      await ensureDb()
      result = await benchPersonnel(dbDir, runs)
      break
    case 'store':
      result = await benchStore(runs)
      break
    case 'extension-size':
      result = await benchExtensionSize(runs)
      break
  }
  const seconds = (performance.now() - partStarted) / 1000
  await writeResult(part, { machine: machine(), partSeconds: seconds, ...result })
  summary[part] = { seconds: Math.round(seconds), median: result.median ?? result.results, targets: result.targets }
}
summary.totalSeconds = Math.round((performance.now() - started) / 1000)
await writeResult(`summary-${parts.join('+')}`, summary)
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
