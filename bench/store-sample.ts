/**
 * One store sample in a fresh process (`node --expose-gc`), started by bench/store.ts:
 *
 *   store-sample.ts generate <people> <file>   writes a synthetic db through the Store API
 *   store-sample.ts measure <file>             open, one reset, one token added, one removed, one
 *                                              lastUsedAt flush of 1,000 tokens, one full commit
 *
 * Answers one JSON message over IPC.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { TokenActivity } from '../daemon/auth/activity.ts'
import type { Config } from '../daemon/config.ts'
import { createTokenService } from '../daemon/services/tokens.ts'
import { Store, writeDb } from '../daemon/store/store.ts'
import { filesOf } from '../daemon/store/load.ts'
import { ms } from './stats.ts'
import { syntheticDb } from './store-data.ts'

const [mode, arg1, arg2] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
/** CPU time of this process since `from` (user + system, all threads): less sensitive to a busy machine than wall time. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from)
  return (used.user + used.system) / 1000
}
/** Tokens whose lastUsedAt one flush writes (TokenActivity batches a few minutes of use). */
const FLUSHED_TOKENS = 1_000
const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()))

/** Bytes this process handed to write(2) so far (Linux /proc/self/io `wchar`; -1 elsewhere): what a change cost, whatever the load. */
async function writtenBytes(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8').catch(() => '')
  const match = /^wchar: (\d+)$/m.exec(io)
  return match ? Number(match[1]) : -1
}

/** One small write (a reset, a token change): wall time, CPU time and bytes written. */
async function small(run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number; writtenBytes: number }> {
  const bytes = await writtenBytes()
  const started = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  await run()
  const wall = ms(started)
  const cpuTime = cpuMs(cpu)
  const after = await writtenBytes()
  return { ms: wall, cpuMs: cpuTime, writtenBytes: bytes < 0 ? -1 : after - bytes }
}

async function diskBytes(file: string): Promise<number> {
  const files = filesOf(file)
  let bytes = 0
  for (const name of await readdir(dirname(file)))
    if (name === basename(file) || files.owns(name)) bytes += (await stat(join(dirname(file), name))).size
  return bytes
}

if (mode === 'generate') {
  await writeDb(arg2!, syntheticDb(Number(arg1)))
  await send({ bytes: await diskBytes(arg2!) })
} else if (mode === 'measure') {
  const file = arg1!
  gc()
  let started = process.hrtime.bigint()
  let cpu = process.cpuUsage()
  const store = await Store.open(file)
  const loadMs = ms(started)
  const loadCpuMs = cpuMs(cpu)
  const people = store.data.people.size
  const email = store.data.people.keys().next().value!
  gc()

  const reset = await small(() =>
    store.update(
      (db) => {
        const person = db.people.get(email)!
        const record = person.records.security_awareness
        if (record) person.records.security_awareness = { ...record, sticky: !record.sticky }
      },
      { people: [email] },
    ),
  )

  // Token writes through the daemon's own services: an OIDC sign-in (a token added), signing out
  // (a token removed), and the batched lastUsedAt flush after 1,000 tokens were used.
  const activity = new TokenActivity(store, () => new Date())
  const tokens = createTokenService({ store, now: () => new Date(), activity, config: { sessionDays: 30 } as Config })
  let signedIn = ''
  const tokenAdd = await small(async () => {
    signedIn = (await tokens.signIn({ email, name: 'Bench Person' })).id
  })
  const tokenRemove = await small(() => tokens.revoke({ role: 'employee', email, tokenId: signedIn, actor: `employee:${email}` }, signedIn))
  for (const id of [...store.data.tokens.keys()].slice(0, FLUSHED_TOKENS)) activity.touch(id)
  const lastUsedFlush = await small(() => activity.flush())
  gc()

  // The longest time the event loop did not turn while the full commit ran: a 1 ms timer's
  // lateness, and perf_hooks' histogram (10 ms resolution) as a cross-check.
  let longestStallMs = 0
  let last = performance.now()
  let ticking = true
  const tick = () => {
    const now = performance.now()
    longestStallMs = Math.max(longestStallMs, now - last)
    last = now
    if (ticking) setTimeout(tick, 1)
  }
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  setTimeout(tick, 1)
  await new Promise((resolve) => setTimeout(resolve, 5))
  last = performance.now()
  longestStallMs = 0
  started = process.hrtime.bigint()
  cpu = process.cpuUsage()
  await store.update(
    (db) => {
      db.schedule.lastNightlyAt = new Date().toISOString()
    },
    { people: 'all' },
  )
  const commitMs = ms(started)
  const commitCpuMs = cpuMs(cpu)
  ticking = false
  histogram.disable()
  await send({
    people,
    bytes: await diskBytes(file),
    loadMs,
    loadCpuMs,
    resetMs: reset.ms,
    resetCpuMs: reset.cpuMs,
    resetWrittenBytes: reset.writtenBytes,
    tokenMs: tokenAdd.ms,
    tokenCpuMs: tokenAdd.cpuMs,
    tokenWrittenBytes: tokenAdd.writtenBytes,
    tokenRemoveMs: tokenRemove.ms,
    tokenRemoveCpuMs: tokenRemove.cpuMs,
    tokenRemoveWrittenBytes: tokenRemove.writtenBytes,
    lastUsedFlushMs: lastUsedFlush.ms,
    lastUsedFlushCpuMs: lastUsedFlush.cpuMs,
    lastUsedFlushWrittenBytes: lastUsedFlush.writtenBytes,
    tokens: store.data.tokens.size,
    commitMs,
    commitCpuMs,
    longestStallMs,
    histogramMaxMs: histogram.max / 1e6,
  })
}
process.exit(0)
