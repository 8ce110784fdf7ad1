import { forkScript, log, medians, nextMessage, round } from './stats.ts'
import type { EvaluatorSample } from './evaluator-child.ts'

export type EvaluatorResult = { runs: EvaluatorSample[]; median: EvaluatorSample; targets: Record<string, boolean> }

/**
 * The evaluator (groupEnrollments + evaluateTraining for every person and training) on
 * 100,000 people × 3 trainings × 5 campaigns = 1.5 M enrollments, each run in a fresh process.
 */
export async function benchEvaluator(runs: number, people = 100_000, campaigns = 5, modules = 1, reenrolled = 0): Promise<EvaluatorResult> {
  const samples: EvaluatorSample[] = []
  const label = modules === 1 && reenrolled === 0 ? 'evaluator' : `evaluator (${modules} modules, ${reenrolled * 100}% re-enrolled)`
  for (let run = 1; run <= runs; run++) {
    const args = [String(people), String(campaigns), String(run), String(modules), String(reenrolled)]
    const child = forkScript('evaluator-child.ts', args, ['--expose-gc'])
    const sample = await nextMessage<EvaluatorSample>(child)
    samples.push(sample)
    log(`${label} run ${run}/${runs}: ${round(sample.totalMs, 0)} ms (scan ${round(sample.scanMs, 0)} ms, ×${round(sample.ratio, 1)}), ${sample.enrollments} rows, peak RSS ${round(sample.peakRssMiB, 0)} MiB`)
  }
  const median = medians(samples)
  return { runs: samples, median, targets: { 'total ≤ 500 ms': median.totalMs <= 500, 'total ≤ 3× bare scan': median.ratio <= 3 } }
}

/** The multi-module case: 3 modules per campaign, 10% of (person, module) pairs re-enrolled once. */
export const MULTI_MODULE = { modules: 3, reenrolled: 0.1 } as const
