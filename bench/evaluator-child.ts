/**
 * One evaluator measurement in a fresh process: generates people × trainings × campaigns
 * enrollments the way a sync hands them over (flat strings from JSON, campaign by campaign),
 * then runs alternating rounds of a bare scan, the normalise step's interning and the evaluator
 * over the same rows, so each ratio comes from the same moments of the same process (drift
 * cancels out). The bare scan reads, in table order, what the evaluator is given and its rule
 * reads: each row's person and campaign index, enrollment id, module and completion.
 */
import { TRAINING_IDS } from '../shared/domain.ts'
import type { Enrollment } from '../shared/domain.ts'
import { Evaluation, Outcome, type TrainingInput } from '../shared/evaluator.ts'
import { tableOf, type RowTable } from '../shared/row-table.ts'
import { median, ms } from './stats.ts'

const CONNECTION = '5f0c8a52-9d3e-4c1b-a7e2-3b6d1f0e9c41'
const DATES = Array.from({ length: 28 }, (_, day) => new Date(Date.UTC(2026, 1, day + 1, 12)).toISOString())
const PAIRS = 5

export type EvaluatorSample = {
  people: number
  enrollments: number
  /** A bare scan of the evaluator's input: the table's person and campaign columns and the row fields the rule reads (median of the pairs). */
  scanMs: number
  /** The bare scan of earlier figures: the rows' string fields (e-mail and campaign id instead of the two index columns). */
  rowScanMs: number
  /** The normalise step's part: each row's e-mail and campaign interned to indexes (one Map lookup per row). */
  internMs: number
  /** The evaluator: the rows chained per campaign and person (repeats dropped), every person × training. */
  evaluateMs: number
  /** evaluateMs / scanMs, median of the per-pair ratios. */
  ratio: number
  /**
   * The same ratio in CPU time (the child runs with --single-threaded-gc, so no collector thread
   * is counted): steadier than wall time on a shared machine.
   */
  cpuRatio: number
  /** evaluateMs / rowScanMs, median of the per-pair ratios (comparable with earlier figures). */
  ratioToRowScan: number
  /** What a sync runs of the two: internMs + evaluateMs, median of the per-pair sums. */
  normaliseAndEvaluateMs: number
  /** The same in CPU time. */
  normaliseAndEvaluateCpuMs: number
  /** (internMs + evaluateMs) / scanMs, median of the per-pair ratios. */
  ratioWithIntern: number
  dataRssMiB: number
  peakRssMiB: number
  compliant: number
}

/** Campaign ids per training: 100–104 for the first training, 105–109 for the next, … */
function campaignIdsOf(campaigns: number): string[][] {
  return TRAINING_IDS.map((_, training) =>
    Array.from({ length: campaigns }, (_, index) => `${CONNECTION}:${100 + training * campaigns + index}`),
  )
}

/**
 * Rows of `modules` modules per campaign; a share `reenrolled` of (person, module) pairs has a
 * second, later enrollment (KnowBe4 re-enrolment), so the evaluator leaves its one-row fast path.
 */
function generate(people: number, campaigns: number, seed: number, modules = 1, reenrolled = 0): Enrollment[] {
  let state = seed >>> 0
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
  const rows: Enrollment[] = []
  let id = 1_000_000
  for (const [training, selected] of campaignIdsOf(campaigns).entries()) {
    for (const campaign of selected) {
      const parts: string[] = []
      for (let person = 1; person <= people; person++) {
        const email = `user${String(person).padStart(6, '0')}@bench.example`
        for (let module = 0; module < modules; module++) {
          const count = random() < reenrolled ? 2 : 1
          for (let row = 0; row < count; row++) {
            const done = random() < 0.8 ? JSON.stringify(DATES[Math.floor(random() * DATES.length)]) : 'null'
            const key =
              modules === 1 ? `Module ${training}.${campaign.slice(-3)}` : `store_purchase:${training}${campaign.slice(-3)}${module}`
            parts.push(`{"enrollmentId":"${id++}","campaignId":"${campaign}","email":"${email}","module":"${key}","completedAt":${done}}`)
          }
        }
      }
      for (const row of JSON.parse(`[${parts.join(',')}]`) as Enrollment[]) rows.push(row)
    }
  }
  return rows
}

/** Reads what the evaluator is given, once, in table order: the index columns and the fields its rule reads. */
function scanTable(table: RowTable): number {
  const { person, campaign, rows } = table
  let sum = 0
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Enrollment
    sum += (person[index] as number) + (campaign[index] as number) + row.enrollmentId.length + row.module.length
    if (row.completedAt !== null) sum++
  }
  return sum
}

/** The rows' string fields as the sync hands them over (the bare scan of earlier figures). */
function scanRows(rows: readonly Enrollment[]): number {
  let sum = 0
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Enrollment
    sum += row.enrollmentId.length + row.campaignId.length + row.email.length + row.module.length
    if (row.completedAt !== null) sum++
  }
  return sum
}

/** What the sync's normalise step does: person and campaign of every row as indexes. */
function intern(rows: readonly Enrollment[]): { table: RowTable; campaignIds: string[] } {
  return tableOf(rows, (row) => row.campaignId)
}

function evaluate(table: RowTable, campaignIds: readonly string[], campaigns: number): number {
  const index = new Map(campaignIds.map((id, at) => [id, at]))
  const trainings: TrainingInput[] = campaignIdsOf(campaigns).map((ids) => ({
    selected: ids.map((id) => ({ id, name: `Campaign ${id.slice(-3)}`, index: index.get(id) ?? -1 })),
  }))
  const evaluation = new Evaluation(table, trainings)
  let compliant = 0
  for (let person = 0; person < table.people; person++) {
    for (let training = 0; training < trainings.length; training++)
      if (evaluation.outcome(person, training) === Outcome.compliant) compliant++
  }
  return compliant
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

type Timed = { wall: number; cpu: number }

/** Wall and CPU milliseconds of one call (CPU: the process's user + system time). */
function timed<T>(work: () => T): Timed & { value: T } {
  const cpuStarted = process.cpuUsage()
  const started = process.hrtime.bigint()
  const value = work()
  const wall = ms(started)
  const { user, system } = process.cpuUsage(cpuStarted)
  return { value, wall, cpu: (user + system) / 1000 }
}

export function measure(people: number, campaigns: number, seed = 1, modules = 1, reenrolled = 0): EvaluatorSample {
  const warm = generate(2_000, campaigns, seed + 1, modules, reenrolled)
  for (let round = 0; round < 5; round++) {
    scanRows(warm)
    const { table, campaignIds } = intern(warm)
    scanTable(table)
    evaluate(table, campaignIds, campaigns)
  }
  const rows = generate(people, campaigns, seed, modules, reenrolled)
  const input = intern(rows).table
  gc()
  const dataRssMiB = process.memoryUsage().rss / 2 ** 20
  const pairs: { scan: Timed; rowScan: Timed; intern: Timed; evaluate: Timed }[] = []
  let compliant = 0
  for (let pair = 0; pair < PAIRS; pair++) {
    gc()
    const scan = timed(() => scanTable(input))
    gc()
    const rowScan = timed(() => scanRows(rows))
    gc()
    const interned = timed(() => intern(rows))
    const { table, campaignIds } = interned.value
    const evaluated = timed(() => evaluate(table, campaignIds, campaigns))
    compliant = evaluated.value
    if (scan.value < 0 || rowScan.value < 0) throw new Error('unreachable')
    pairs.push({ scan, rowScan, intern: interned, evaluate: evaluated })
  }
  return {
    people,
    enrollments: rows.length,
    scanMs: median(pairs.map((pair) => pair.scan.wall)),
    rowScanMs: median(pairs.map((pair) => pair.rowScan.wall)),
    internMs: median(pairs.map((pair) => pair.intern.wall)),
    evaluateMs: median(pairs.map((pair) => pair.evaluate.wall)),
    ratio: median(pairs.map((pair) => pair.evaluate.wall / pair.scan.wall)),
    cpuRatio: median(pairs.map((pair) => pair.evaluate.cpu / Math.max(pair.scan.cpu, 1))),
    ratioToRowScan: median(pairs.map((pair) => pair.evaluate.wall / pair.rowScan.wall)),
    normaliseAndEvaluateMs: median(pairs.map((pair) => pair.intern.wall + pair.evaluate.wall)),
    normaliseAndEvaluateCpuMs: median(pairs.map((pair) => pair.intern.cpu + pair.evaluate.cpu)),
    ratioWithIntern: median(pairs.map((pair) => (pair.intern.wall + pair.evaluate.wall) / pair.scan.wall)),
    dataRssMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    compliant,
  }
}

if (process.send) {
  const [people = '100000', campaigns = '5', seed = '1', modules = '1', reenrolled = '0'] = process.argv.slice(2)
  process.send(measure(Number(people), Number(campaigns), Number(seed), Number(modules), Number(reenrolled)), () => process.exit(0))
}
