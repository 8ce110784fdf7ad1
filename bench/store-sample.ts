/**
 * One store sample in a fresh process (`node --expose-gc`), started by bench/store.ts:
 *
 *   store-sample.ts generate <people> <file>   writes a synthetic db through the Store API
 *   store-sample.ts measure <file>             open, one reset, one token, one full commit
 *
 * Answers one JSON message over IPC.
 */
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
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
const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()))

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

  started = process.hrtime.bigint()
  await store.update(
    (db) => {
      const person = db.people.get(email)!
      const record = person.records.security_awareness
      if (record) person.records.security_awareness = { ...record, sticky: !record.sticky }
    },
    { people: [email] },
  )
  const resetMs = ms(started)

  started = process.hrtime.bigint()
  await store.update(
    (db) => {
      db.tokens.push({
        id: `bench-${Date.now()}`,
        hash: 'f'.repeat(64),
        role: 'employee',
        email,
        label: 'bench',
        createdAt: new Date().toISOString(),
        expiresAt: null,
        lastUsedAt: null,
        via: 'issued',
      })
    },
    { tokens: true },
  )
  const tokenMs = ms(started)
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
    resetMs,
    tokenMs,
    commitMs,
    commitCpuMs,
    longestStallMs,
    histogramMaxMs: histogram.max / 1e6,
  })
}
process.exit(0)
