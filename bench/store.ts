import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { forkScript, log, medians, nextMessage, round } from './stats.ts'

export type StoreSample = {
  people: number
  bytes: number
  loadMs: number
  loadCpuMs: number
  /** Each small write as wall time, CPU time (steadier on a busy box) and bytes handed to write(2) (independent of load). */
  resetMs: number
  resetCpuMs: number
  resetWrittenBytes: number
  /** One OIDC sign-in (a token added). */
  tokenMs: number
  tokenCpuMs: number
  tokenWrittenBytes: number
  /** One sign-out (a token removed). */
  tokenRemoveMs: number
  tokenRemoveCpuMs: number
  tokenRemoveWrittenBytes: number
  /** One lastUsedAt flush of 1,000 tokens. */
  lastUsedFlushMs: number
  lastUsedFlushCpuMs: number
  lastUsedFlushWrittenBytes: number
  tokens: number
  commitMs: number
  commitCpuMs: number
  longestStallMs: number
  histogramMaxMs: number
}

const kib = (bytes: number) => round(bytes / 1024, 1)

export const STORE_SIZES = [10_000, 100_000, 300_000] as const

async function child<T>(args: string[]): Promise<T> {
  const process = forkScript('store-sample.ts', args, ['--expose-gc', '--max-old-space-size=6144'])
  const exited = new Promise<number | null>((resolve) => process.on('exit', resolve))
  try {
    return await nextMessage<T>(process)
  } finally {
    await exited
  }
}

/**
 * The store at 10,000 / 100,000 / 300,000 people: a synthetic db (two selected KnowBe4
 * campaigns, half the people compliant with two modules, three records a person, one OIDC token a person) is
 * written once per size through the Store API; then each sample runs in a fresh process
 * (`node --expose-gc`): open (read + validate every file), one reset (a journal line), a token added, one removed and a
 * lastUsedAt flush of 1,000 tokens (through the token service and TokenActivity), one full commit (the people file), and the longest event-loop stall during
 * that commit. Medians of `runs` samples per size, and a growth table (cost per person).
 */
export async function benchStore(runs: number, sizes: readonly number[] = STORE_SIZES) {
  const bySize: Record<string, { median: StoreSample; runs: StoreSample[] }> = {}
  for (const people of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'trainproof-store-bench-'))
    const file = join(dir, 'trainproof.json')
    try {
      await child(['generate', String(people), file])
      const samples: StoreSample[] = []
      for (let run = 1; run <= runs; run++) {
        const sample = await child<StoreSample>(['measure', file])
        samples.push(sample)
        log(
          `store ${people} people, run ${run}/${runs}: ${round(sample.bytes / 2 ** 20, 1)} MiB, load ${round(sample.loadMs, 0)} ms (cpu ${round(sample.loadCpuMs, 0)}), ` +
            `reset ${round(sample.resetMs, 1)} ms (cpu ${round(sample.resetCpuMs, 1)}, ${kib(sample.resetWrittenBytes)} KiB written), ` +
            `token add ${round(sample.tokenMs, 1)} ms (cpu ${round(sample.tokenCpuMs, 1)}, ${kib(sample.tokenWrittenBytes)} KiB), remove ${round(sample.tokenRemoveMs, 1)} ms (cpu ${round(sample.tokenRemoveCpuMs, 1)}, ${kib(sample.tokenRemoveWrittenBytes)} KiB), lastUsedAt flush of 1,000 ${round(sample.lastUsedFlushMs, 1)} ms (cpu ${round(sample.lastUsedFlushCpuMs, 1)}, ${kib(sample.lastUsedFlushWrittenBytes)} KiB) (${sample.tokens} tokens), commit ${round(sample.commitMs, 0)} ms (cpu ${round(sample.commitCpuMs, 0)}), longest stall ${round(sample.longestStallMs, 1)} ms`,
        )
      }
      bySize[people] = { median: medians(samples), runs: samples }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  const growth = Object.entries(bySize).map(([people, { median: m }]) => ({
    people: Number(people),
    mib: round(m.bytes / 2 ** 20, 1),
    bytesPerPerson: round(m.bytes / Number(people), 0),
    loadUsPerPerson: round((m.loadMs * 1000) / Number(people), 2),
    commitUsPerPerson: round((m.commitMs * 1000) / Number(people), 2),
    loadCpuUsPerPerson: round((m.loadCpuMs * 1000) / Number(people), 2),
    commitCpuUsPerPerson: round((m.commitCpuMs * 1000) / Number(people), 2),
  }))
  const at = (people: number) => bySize[people]?.median
  const hundred = at(100_000)
  const most = at(300_000)
  const targets =
    hundred && most
      ? {
          'db ≤ 40 MiB at 100k': hundred.bytes / 2 ** 20 <= 40,
          'load+validate ≤ 1.5 s at 100k': hundred.loadMs <= 1_500,
          'reset ≤ 50 ms at 100k': hundred.resetMs <= 50,
          'token added ≤ 50 ms at 100k': hundred.tokenMs <= 50,
          'token removed ≤ 50 ms at 100k': hundred.tokenRemoveMs <= 50,
          'lastUsedAt flush of 1,000 ≤ 50 ms at 100k': hundred.lastUsedFlushMs <= 50,
          'full commit ≤ 1 s at 100k': hundred.commitMs <= 1_000,
          'longest stall ≤ 50 ms at 100k': hundred.longestStallMs <= 50,
          'load ≤ 4 s at 300k': most.loadMs <= 4_000,
          'write ≤ 3 s at 300k': most.commitMs <= 3_000,
        }
      : {}
  const median100k = hundred ?? Object.values(bySize)[0]?.median
  return {
    median: median100k,
    bySize: Object.fromEntries(Object.entries(bySize).map(([people, value]) => [people, value.median])),
    growth,
    runsBySize: bySize,
    targets,
    note: `median of ${runs} samples per size, each in a fresh node --expose-gc process`,
  }
}
