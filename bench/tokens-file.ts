/**
 * The tokens file alone, first form (schema version 2: one object of token objects, zod-checked)
 * against the compact form (tokens-codec.ts), at 100,000 and 300,000 sign-in tokens:
 *
 *   npx tsx bench/tokens-file.ts [--runs 5] [--sizes 100000,300000]
 *
 * Both files hold the same synthetic tokens (bench/store-data.ts). Each read runs in a fresh
 * `node --expose-gc` process, the two forms alternating within a run (same-run pairs); it reports
 * wall and CPU time of readFile + decode (+ zod for the first form), and the time to build the
 * expiry index from the Map read. The compact write (chunked, with yields) is timed once per size.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ExpiryIndex } from '../daemon/store/token-expiry.ts'
import { decodeTokensFile, TokensFile } from '../daemon/store/tokens-codec.ts'
import { syntheticTokens } from './store-data.ts'
import { forkScript, log, median, ms, nextMessage, round, writeResult } from './stats.ts'

type ReadSample = { ms: number; cpuMs: number; indexMs: number; tokens: number }

const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from)
  return (used.user + used.system) / 1000
}

const [mode, file] = process.argv.slice(2)

if (mode === 'read') {
  ;(globalThis as { gc?: () => void }).gc?.()
  const started = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  const tokens = decodeTokensFile(await readFile(file!, 'utf8'), file!)
  const sample: Partial<ReadSample> = { ms: ms(started), cpuMs: cpuMs(cpu), tokens: tokens.size }
  const indexStarted = process.hrtime.bigint()
  new ExpiryIndex(tokens)
  sample.indexMs = ms(indexStarted)
  process.send!(sample, () => process.exit(0))
} else {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: '100000,300000' } } })
  const runs = Number(values.runs)
  const results: Record<string, unknown> = {}
  for (const size of values.sizes.split(',').map(Number)) {
    const dir = await mkdtemp(join(tmpdir(), 'trainproof-tokens-bench-'))
    try {
      const tokens = syntheticTokens(size)
      const legacy = join(dir, 'legacy.json')
      const compact = join(dir, 'compact.json')
      // What main wrote: the same text as one JSON.stringify of the first form.
      await writeFile(legacy, JSON.stringify({ version: 2, tokens }))
      const map = new Map(tokens.map((token) => [token.id, token]))
      const started = process.hrtime.bigint()
      const cpu = process.cpuUsage()
      await new TokensFile(compact).write(map)
      const write = { ms: ms(started), cpuMs: cpuMs(cpu) }
      const samples: Record<'legacy' | 'compact', ReadSample[]> = { legacy: [], compact: [] }
      for (let run = 0; run < runs; run++) {
        const order = run % 2 === 0 ? (['legacy', 'compact'] as const) : (['compact', 'legacy'] as const)
        for (const form of order) {
          const child = forkScript('tokens-file.ts', ['read', form === 'legacy' ? legacy : compact], ['--expose-gc'])
          samples[form].push(await nextMessage<ReadSample>(child))
        }
        log(
          `tokens file ${size}, run ${run + 1}/${runs}: first form ${round(samples.legacy.at(-1)!.ms, 0)} ms (cpu ${round(samples.legacy.at(-1)!.cpuMs, 0)}), compact ${round(samples.compact.at(-1)!.ms, 0)} ms (cpu ${round(samples.compact.at(-1)!.cpuMs, 0)})`,
        )
      }
      const summary = (list: ReadSample[]) => ({
        readMs: round(median(list.map((s) => s.ms)), 1),
        readCpuMs: round(median(list.map((s) => s.cpuMs)), 1),
        expiryIndexMs: round(median(list.map((s) => s.indexMs)), 1),
      })
      results[size] = {
        legacy: { mib: round((await stat(legacy)).size / 2 ** 20, 2), ...summary(samples.legacy) },
        compact: {
          mib: round((await stat(compact)).size / 2 ** 20, 2),
          ...summary(samples.compact),
          writeMs: round(write.ms, 1),
          writeCpuMs: round(write.cpuMs, 1),
        },
      }
      log(`tokens file ${size}: ${JSON.stringify(results[size])}`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  await writeResult('tokens-file', { runs, results })
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
}
