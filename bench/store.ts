import { copyFile, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDurably } from '../daemon/store/durable.ts'
import { Store } from '../daemon/store/store.ts'
import { log, medians, ms, round } from './stats.ts'

export type StoreSample = {
  loadMs: number
  writeMs: number
  /** JSON.stringify of the db alone. */
  stringifyMs: number
  /** The same text written durably (temp file, fsync, rename, fsync of the directory). */
  durableWriteMs: number
  /** The same text written as before issue 10 (temp file + rename, no fsync). */
  plainWriteMs: number
  fileMiB: number
  people: number
}

/**
 * `Store.open` (read, JSON.parse, zod validation of the whole db) and one `update` that changes
 * nothing (JSON.stringify, then the durable write: temp file, fsync, rename, fsync of the
 * directory) on a copy of the 100,000-person db; and the write alone with and without fsync.
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
      started = process.hrtime.bigint()
      const text = JSON.stringify(store.data)
      const stringifyMs = ms(started)
      started = process.hrtime.bigint()
      await writeDurably(join(dir, 'durable.json'), text)
      const durableWriteMs = ms(started)
      started = process.hrtime.bigint()
      await writeFile(join(dir, 'plain.json.tmp'), text)
      await rename(join(dir, 'plain.json.tmp'), join(dir, 'plain.json'))
      const plainWriteMs = ms(started)
      const people = Object.keys(store.data.people).length
      const sample = { loadMs, writeMs, stringifyMs, durableWriteMs, plainWriteMs, fileMiB: (await stat(file)).size / 2 ** 20, people }
      samples.push(sample)
      log(
        `store run ${run}/${runs}: load ${round(loadMs, 0)} ms, write ${round(writeMs, 0)} ms ` +
          `(stringify ${round(stringifyMs, 0)} ms; durable write ${round(durableWriteMs, 0)} ms vs plain ${round(plainWriteMs, 0)} ms), ${round(sample.fileMiB, 1)} MiB`,
      )
    }
    const median = medians(samples)
    return { runs: samples, median, targets: { 'load ≤ 1.5 s': median.loadMs <= 1_500, 'write ≤ 1 s': median.writeMs <= 1_000 } }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
