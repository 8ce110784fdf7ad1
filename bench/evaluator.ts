import { forkScript, log, medians, nextMessage, round } from './stats.ts'
import type { EvaluatorSample } from './evaluator-child.ts'

export type EvaluatorResult = { runs: EvaluatorSample[]; median: EvaluatorSample; targets: Record<string, boolean> }

/**
 * The evaluator (chaining the rows + every person × training, shared/evaluator.ts `Evaluation`) on
 * 100,000 people × 3 trainings × 5 campaigns = 1.5 M enrollments: at least 5 runs, each in a
 * fresh process, reported as medians. Each run's ratio to a bare scan of the evaluator's input
 * comes from alternating scan/evaluator rounds inside that run (bench/evaluator-child.ts).
 */
export async function benchEvaluator(runs: number, people = 100_000, campaigns = 5, modules = 1, reenrolled = 0): Promise<EvaluatorResult> {
  const samples: EvaluatorSample[] = []
  const simple = modules === 1 && reenrolled === 0
  const label = simple ? 'evaluator' : `evaluator (${modules} modules, ${reenrolled * 100}% re-enrolled)`
  const count = Math.max(5, runs)
  for (let run = 1; run <= count; run++) {
    const args = [String(people), String(campaigns), String(run), String(modules), String(reenrolled)]
    // One collector thread: concurrent sweeping after gc() otherwise competes with the timed work on 2 cores and counts in CPU time.
    const child = forkScript('evaluator-child.ts', args, ['--expose-gc', '--single-threaded-gc'])
    const sample = await nextMessage<EvaluatorSample>(child)
    samples.push(sample)
    log(
      `${label} run ${run}/${count}: evaluate ${round(sample.evaluateMs, 0)} ms (×${round(sample.ratio, 1)} scan of ${round(sample.scanMs, 0)} ms, ×${round(sample.cpuRatio, 1)} in CPU time; ` +
        `×${round(sample.ratioToRowScan, 1)} row scan of ${round(sample.rowScanMs, 0)} ms), + intern ${round(sample.internMs, 0)} ms = ` +
        `${round(sample.normaliseAndEvaluateMs, 0)} ms (×${round(sample.ratioWithIntern, 1)}), ${sample.enrollments} rows, peak RSS ${round(sample.peakRssMiB, 0)} MiB`,
    )
  }
  const median = medians(samples)
  const limit = simple ? 500 : 1000
  return {
    runs: samples,
    median,
    targets: { [`evaluate ≤ ${limit} ms`]: median.evaluateMs <= limit, 'evaluate ≤ 3× bare scan': median.ratio <= 3 },
  }
}

/** The multi-module case: 3 modules per campaign, 10% of (person, module) pairs re-enrolled once. */
export const MULTI_MODULE = { modules: 3, reenrolled: 0.1 } as const
