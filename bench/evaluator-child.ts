/**
 * One evaluator measurement in a fresh process (so peak RSS is this run's): generates
 * people × trainings × campaigns enrollments the way a sync hands them over (flat strings from
 * JSON, campaign by campaign), times a bare scan of the rows and the evaluator over them.
 */
import { TRAINING_IDS } from '../shared/domain.ts'
import type { Enrollment } from '../shared/domain.ts'
import { evaluateTraining, groupEnrollments, type SelectedCampaign } from '../shared/evaluator.ts'
import { ms } from './stats.ts'

const CONNECTION = '5f0c8a52-9d3e-4c1b-a7e2-3b6d1f0e9c41'
const DATES = Array.from({ length: 28 }, (_, day) => new Date(Date.UTC(2026, 1, day + 1, 12)).toISOString())
const NOW = '2026-03-01T00:00:00.000Z'

export type EvaluatorSample = {
  people: number
  enrollments: number
  scanMs: number
  /** One Map insert per row keyed by its e-mail: the part of grouping no algorithm avoids. */
  emailMapMs: number
  groupMs: number
  evaluateMs: number
  totalMs: number
  ratio: number
  dataRssMiB: number
  peakRssMiB: number
  compliant: number
}

/** Campaign ids per training: 100–104 for the first training, 105–109 for the next, … */
function selectedOf(campaigns: number): SelectedCampaign[][] {
  return TRAINING_IDS.map((_, training) =>
    Array.from({ length: campaigns }, (_, index) => {
      const external = 100 + training * campaigns + index
      return { id: `${CONNECTION}:${external}`, name: `Campaign ${external}` }
    }),
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
  for (const [training, selected] of selectedOf(campaigns).entries()) {
    for (const campaign of selected) {
      const parts: string[] = []
      for (let person = 1; person <= people; person++) {
        const email = `user${String(person).padStart(6, '0')}@bench.example`
        for (let module = 0; module < modules; module++) {
          const rows = random() < reenrolled ? 2 : 1
          for (let row = 0; row < rows; row++) {
            const done = random() < 0.8 ? JSON.stringify(DATES[Math.floor(random() * DATES.length)]) : 'null'
            const key = modules === 1 ? `Module ${training}.${campaign.id.slice(-3)}` : `store_purchase:${training}${campaign.id.slice(-3)}${module}`
            parts.push(`{"enrollmentId":"${id++}","campaignId":"${campaign.id}","email":"${email}","module":"${key}","completedAt":${done}}`)
          }
        }
      }
      for (const row of JSON.parse(`[${parts.join(',')}]`) as Enrollment[]) rows.push(row)
    }
  }
  return rows
}

function scan(rows: readonly Enrollment[]): number {
  let sum = 0
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Enrollment
    sum += row.enrollmentId.length + row.campaignId.length + row.email.length + row.module.length
    if (row.completedAt !== null) sum++
  }
  return sum
}

function emailMap(rows: readonly Enrollment[]): number {
  const seen = new Map<string, number>()
  for (let index = 0; index < rows.length; index++) seen.set((rows[index] as Enrollment).email, index)
  return seen.size
}

function evaluate(rows: readonly Enrollment[], selected: readonly SelectedCampaign[][]) {
  const started = process.hrtime.bigint()
  const grouped = groupEnrollments(rows)
  const groupMs = ms(started)
  let compliant = 0
  for (const enrollments of grouped.values()) {
    for (const campaigns of selected) {
      if (evaluateTraining({ selected: campaigns, enrollments, previous: null, now: NOW }).status === 'compliant') compliant++
    }
  }
  return { groupMs, totalMs: ms(started), compliant }
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

export function measure(people: number, campaigns: number, seed = 1, modules = 1, reenrolled = 0): EvaluatorSample {
  const selected = selectedOf(campaigns)
  const warm = generate(2_000, campaigns, seed + 1, modules, reenrolled)
  for (let round = 0; round < 3; round++) {
    scan(warm)
    emailMap(warm)
    evaluate(warm, selected)
  }
  const rows = generate(people, campaigns, seed, modules, reenrolled)
  gc()
  const dataRssMiB = process.memoryUsage().rss / 2 ** 20
  const scans: number[] = []
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint()
    if (scan(rows) < 0) throw new Error('unreachable')
    scans.push(ms(started))
  }
  gc()
  const mapStarted = process.hrtime.bigint()
  if (emailMap(rows) === 0) throw new Error('unreachable')
  const emailMapMs = ms(mapStarted)
  gc()
  const { groupMs, totalMs, compliant } = evaluate(rows, selected)
  const scanMs = scans.sort((a, b) => a - b)[1] as number
  return {
    people,
    enrollments: rows.length,
    scanMs,
    emailMapMs,
    groupMs,
    evaluateMs: totalMs - groupMs,
    totalMs,
    ratio: totalMs / scanMs,
    dataRssMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    compliant,
  }
}

if (process.send) {
  const [people = '100000', campaigns = '5', seed = '1', modules = '1', reenrolled = '0'] = process.argv.slice(2)
  process.send(measure(Number(people), Number(campaigns), Number(seed), Number(modules), Number(reenrolled)), () => process.exit(0))
}
