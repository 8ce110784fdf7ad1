/**
 * `GET /personnel` in process, on the 100,000-person store: what the index costs to rebuild after a
 * sync (at once, as a read right after it pays, and in background slices), and what choosing a page
 * and making its JSON cost for every kind of filter. CPU = `process.cpuUsage` (user + system), the
 * steadier figure on a shared machine.
 */
import { cp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type ChangeScope, Store } from '../daemon/store/store.ts'
import { PeopleIndex, type PeopleQuery } from '../daemon/compliance/people-index.ts'
import { createPeopleService } from '../daemon/services/people.ts'
import { log, median, OUT_DIR, round } from './stats.ts'

const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN
}

const spread = (values: readonly number[]) => ({
  p50Ms: round(percentile(values, 50), 3),
  p99Ms: round(percentile(values, 99), 3),
  maxMs: round(Math.max(...values), 3),
})

/** The store's data behind a source whose changes the bench announces itself (no disk writes between samples). */
function announcedSource(store: Store) {
  const listeners: ((scope: ChangeScope) => void)[] = []
  let revision = 0
  return {
    get data() {
      return store.data
    },
    get revision() {
      return revision
    },
    onChange(listener: (scope: ChangeScope) => void) {
      listeners.push(listener)
      return () => undefined
    },
    announce(scope: ChangeScope) {
      revision++
      for (const listener of listeners) listener(scope)
    },
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Rebuilds after a change naming 'all' (what a sync commit names): read at once, and left to the background. */
async function rebuilds(store: Store, runs: number) {
  const source = announcedSource(store)
  const index = new PeopleIndex(source)
  const firstStarted = performance.now()
  index.count({})
  const firstBuildMs = performance.now() - firstStarted
  const atOnce: { wallMs: number; cpuMs: number }[] = []
  for (let run = 0; run < runs; run++) {
    source.announce({ people: 'all' })
    const wall = performance.now()
    const cpu = cpuMs()
    index.count({ status: 'non_compliant' })
    atOnce.push({ wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu })
  }
  const background: { slices: number; longestSliceMs: number; longestSliceCpuMs: number; totalMs: number; cpuMs: number }[] = []
  for (let run = 0; run < runs; run++) {
    source.announce({ people: 'all' })
    const walls: number[] = []
    const cpus: number[] = []
    const started = performance.now()
    const startedCpu = cpuMs()
    while (index.busy) {
      // the slice runs in the setImmediate callback the index queued: time the turn around it
      const wall = performance.now()
      const cpu = cpuMs()
      await nextTurn()
      walls.push(performance.now() - wall)
      cpus.push(cpuMs() - cpu)
    }
    background.push({
      slices: walls.length,
      longestSliceMs: Math.max(...walls),
      longestSliceCpuMs: Math.max(...cpus),
      totalMs: performance.now() - started,
      cpuMs: cpuMs() - startedCpu,
    })
  }
  return {
    firstBuildMs: round(firstBuildMs, 1),
    atOnce: {
      wallMs: round(median(atOnce.map((item) => item.wallMs)), 1),
      cpuMs: round(median(atOnce.map((item) => item.cpuMs)), 1),
      runs: atOnce.map((item) => round(item.cpuMs, 1)),
    },
    background: {
      slices: median(background.map((item) => item.slices)),
      longestSliceMs: round(median(background.map((item) => item.longestSliceMs)), 1),
      longestSliceCpuMs: round(median(background.map((item) => item.longestSliceCpuMs)), 1),
      totalMs: round(median(background.map((item) => item.totalMs)), 1),
      cpuMs: round(median(background.map((item) => item.cpuMs)), 1),
    },
    rebuilds: index.rebuilds,
  }
}

type Kind = { name: string; query: (n: number) => PeopleQuery; matching: number }

/** Every kind of filter, with random pages (a fixed sequence) across what it matches. */
function kinds(index: PeopleIndex): Kind[] {
  // each kind its own sequence of pages, so one kind's pages are not already cached by another's
  const pick = (matching: number, n: number, kind: number) =>
    Math.floor(((((n + 1_000 * kind) * 7919) % 10_007) / 10_007) * Math.max(1, matching - 100))
  const everyone = index.count({})
  const status = index.count({ status: 'non_compliant' })
  const both = index.count({ training: 'security_awareness', status: 'non_compliant' })
  return [
    { name: 'no filter, limit=100, deep offsets', matching: everyone, query: (n) => ({ limit: 100, offset: pick(everyone, n, 0) }) },
    {
      name: 'training only, limit=100',
      matching: everyone,
      query: (n) => ({ training: 'hipaa', limit: 100, offset: pick(everyone, n, 1) }),
    },
    {
      name: 'status=non_compliant, limit=100',
      matching: status,
      query: (n) => ({ status: 'non_compliant', limit: 100, offset: pick(status, n, 2) }),
    },
    {
      name: 'training=security_awareness&status=non_compliant, limit=100',
      matching: both,
      query: (n) => ({ training: 'security_awareness', status: 'non_compliant', limit: 100, offset: pick(both, n, 3) }),
    },
  ]
}

const peopleService = (store: Store) =>
  createPeopleService({ store, providers: {} as never, certificates: {} as never, rechecks: {} as never, now: () => new Date() })

/** Choosing pages (the index) and making their JSON (the service, first view and cached), per kind of filter. */
async function pages(store: Store, samples: number) {
  const people = peopleService(store)
  const index = new PeopleIndex(store)
  const out: Record<string, { matching: number } & Record<string, unknown>> = {}
  for (const kind of kinds(index)) {
    const choose: number[] = []
    const firstView: number[] = []
    const cached: number[] = []
    for (let n = 0; n < samples; n++) {
      const query = kind.query(n)
      let started = performance.now()
      index.page(query)
      choose.push(performance.now() - started)
      started = performance.now()
      people.listBody(query)
      firstView.push(performance.now() - started)
      started = performance.now()
      people.listBody(query)
      cached.push(performance.now() - started)
    }
    out[kind.name] = { matching: kind.matching, choose: spread(choose), json: spread(firstView), jsonCached: spread(cached) }
  }
  // limit omitted: everyone the filter matches (an export), streamed as the route does; the longest chunk is the longest block
  const whole = { status: 'non_compliant' } as const
  let started = performance.now()
  const emails = index.page(whole)
  const chooseAll = performance.now() - started
  started = performance.now()
  const body = people.listBody(whole)
  const chunks: number[] = []
  let bytes = 0
  if (typeof body === 'string') bytes = body.length
  else {
    const reader = body.getReader()
    for (;;) {
      const chunk = performance.now()
      const { done, value } = await reader.read()
      chunks.push(performance.now() - chunk)
      if (done) break
      bytes += value.length
    }
  }
  const totalMs = performance.now() - started
  out['status=non_compliant, no limit (export, streamed)'] = {
    matching: emails.length,
    chooseMs: round(chooseAll, 2),
    totalMs: round(totalMs, 1),
    chunks: chunks.length,
    longestChunkMs: round(Math.max(...chunks), 1),
    mib: round(bytes / 2 ** 20, 1),
  }
  out['people cache, everyone viewed'] = cacheMemory(store, index.count({}))
  return out
}

/** A full collection, even where node runs without --expose-gc. */
function collect(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/**
 * What the people cache takes once every person has been on a page (pages of 1,000, kept): the
 * heap's growth across filling it, after full collections.
 */
function cacheMemory(store: Store, everyone: number) {
  const people = peopleService(store)
  people.listBody({ limit: 1 })
  collect()
  const before = process.memoryUsage().heapUsed
  const started = performance.now()
  for (let offset = 0; offset < everyone; offset += 1_000) people.listBody({ limit: 1_000, offset })
  const fillMs = performance.now() - started
  collect()
  const mib = (process.memoryUsage().heapUsed - before) / 2 ** 20
  log(`personnel: people cache with all ${everyone} people: ${round(mib, 1)} MiB of heap (filled in ${round(fillMs, 0)} ms)`)
  return { matching: everyone, heapMiB: round(mib, 1), fillMs: round(fillMs, 0) }
}

export async function benchPersonnelIndex(store: Store, runs: number, samples = 200) {
  const rebuild = await rebuilds(store, runs)
  log(
    `personnel index: first build ${rebuild.firstBuildMs} ms; rebuild after a sync at once ${rebuild.atOnce.cpuMs} ms CPU, in the background ${rebuild.background.slices} slices, longest ${rebuild.background.longestSliceCpuMs} ms CPU`,
  )
  return { rebuild, pages: await pages(store, samples) }
}

/** The `personnel` part: the in-process rows on a copy of the 100,000-person data dir. */
export async function benchPersonnel(dbDir: string, runs: number) {
  const dataDir = join(OUT_DIR, 'personnel-data')
  await rm(dataDir, { recursive: true, force: true })
  await cp(dbDir, dataDir, { recursive: true })
  const store = await Store.open(join(dataDir, 'trainproof.json'))
  return { people: store.data.people.size, ...(await benchPersonnelIndex(store, runs)) }
}
