import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Store } from '../daemon/store/store.ts'
import { log, medians, ms, round } from './stats.ts'

export type StoreSample = { loadMs: number; writeMs: number; fileMiB: number; people: number }

/**
 * `Store.open` (read, JSON.parse, zod validation of the whole db) and one `update` that changes
 * nothing (JSON.stringify, steno's temp file + rename) on a copy of the 100,000-person db.
 */
export async function benchStore(dbDir: string, runs: number) {
  const dir = await mkdtemp(join(tmpdir(), 'trainproof-store-bench-'))
  const file = join(dir, 'trainproof.json')
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
  try {
    await copyFile(join(dbDir, 'trainproof.json'), file)
    const samples: StoreSample[] = []
    for (let run = 1; run <= runs; run++) {
      gc()
      let started = process.hrtime.bigint()
      const store = await Store.open(file)
      const loadMs = ms(started)
      started = process.hrtime.bigint()
      await store.update(() => undefined)
      const writeMs = ms(started)
      const sample = { loadMs, writeMs, fileMiB: (await stat(file)).size / 2 ** 20, people: Object.keys(store.data.people).length }
      samples.push(sample)
      log(`store run ${run}/${runs}: load ${round(loadMs, 0)} ms, write ${round(writeMs, 0)} ms, ${round(sample.fileMiB, 1)} MiB`)
    }
    const median = medians(samples)
    return { runs: samples, median, targets: { 'load ≤ 1.5 s': median.loadMs <= 1_500, 'write ≤ 1 s': median.writeMs <= 1_000 } }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
