import { z } from 'zod'
import { Evidence, IsoTime, TrainingStatus, type CampaignProgress } from './domain.ts'
import { chainRows, type Chains, type EnrollmentRow, type RowTable } from './row-table.ts'

/** A stored compliance record: the API's TrainingStatus plus the evidence behind it. */
export const ComplianceRecord = TrainingStatus.extend({
  evidence: z.array(Evidence),
  evaluatedAt: IsoTime,
})
export type ComplianceRecord = z.infer<typeof ComplianceRecord>

export type SelectedCampaign = { id: string; name: string }

/** The status of a training that nobody configured, for a person with no sticky record. */
export function notConfigured(now: string): ComplianceRecord {
  return {
    status: 'not_configured',
    completed: 0,
    required: 0,
    compliantAt: null,
    sticky: false,
    campaigns: [],
    evidence: [],
    evaluatedAt: now,
  }
}

/**
 * The sticky rule, the only place it is written: a compliant record stands unchanged until an
 * admin (or a recurrence rule) resets it; nothing a sync or a re-check finds replaces it.
 */
export function stands(record: { sticky: boolean } | null | undefined): boolean {
  return record?.sticky === true
}

/** One training to evaluate for everyone in the table. */
export type TrainingInput = {
  /** The training's selected campaigns (S), each with its index in the table. Empty: nothing counts. */
  selected: readonly (SelectedCampaign & { index: number })[]
  /** A person's record so far; a sticky one stands (`stands`). */
  previous?: (person: number) => ComplianceRecord | null | undefined
  /** After a recurrence reset (epoch ms): completions before it count as not completed. */
  countsFrom?: (person: number) => number | null | undefined
}

/** What the evaluation found for one person and one training. */
export const Outcome = { none: 0, nonCompliant: 1, compliant: 2, stands: 3 } as const
export type Outcome = (typeof Outcome)[keyof typeof Outcome]

/**
 * The compliance rule (product.md) for every person and training of a table, kept compact: one
 * byte per person and training; records are built only when asked for (`record`).
 *
 * Only selected campaigns count; enrolled in none → no record (`not_enrolled`); a campaign is
 * complete when each module the person is enrolled in has a completed enrollment (re-enrolments
 * add rows; any completed one counts); all enrolled campaigns complete → compliant, which is
 * sticky. A row repeated within a person's campaign (same enrollment id, e.g. live data shifting
 * under the pages) counts once, its completed version winning: the one dedupe of the pipeline.
 *
 * The rows are never regrouped by person (`chainRows`): each (campaign, person) keeps a chain of
 * its rows, and the passes read the table in its own order, which is how providers list it
 * (campaign by campaign, people in the same order in each).
 */
export class Evaluation {
  private readonly chains: Chains
  private readonly outcomes: Uint8Array
  /** Per training: the distinct campaign indexes it selects that are in the table. */
  private readonly counted: Int32Array[]
  private readonly modules = new Modules()
  /** Distinct enrollments in the table. */
  readonly enrollments: number

  constructor(
    private readonly table: RowTable,
    private readonly trainings: readonly TrainingInput[],
  ) {
    this.chains = chainRows(table)
    this.enrollments = this.chains.kept
    this.counted = trainings.map(({ selected }) => {
      const indexes = new Set<number>()
      for (const { index } of selected) if (index >= 0 && index < table.campaigns) indexes.add(index)
      return Int32Array.from(indexes)
    })
    this.outcomes = new Uint8Array(table.people * trainings.length)
    this.evaluateAll()
  }

  outcome(person: number, training: number): Outcome {
    return this.outcomes[person * this.trainings.length + training] as Outcome
  }

  /** Whether the person has any enrollment in the table (selected or not). */
  hasRows(person: number): boolean {
    return person < this.table.people && this.chains.hasRows[person] === 1
  }

  /** The person's record: the standing one, a new one, or null when enrolled in no selected campaign. */
  record(person: number, training: number, now: string): ComplianceRecord | null {
    const outcome = this.outcome(person, training)
    const input = this.trainings[training] as TrainingInput
    if (outcome === Outcome.stands) return input.previous?.(person) ?? null
    if (outcome === Outcome.none) return null
    const since = input.countsFrom?.(person) ?? null
    const campaigns: CampaignProgress[] = []
    const evidence: Evidence[] = []
    let completed = 0
    let compliantAt: string | null = null
    for (const campaign of input.selected) {
      const rows = campaign.index >= 0 && campaign.index < this.table.campaigns ? this.rowsOf(campaign.index, person) : []
      const progress = rows.length === 0 ? null : progressOf(campaign, rows, since, evidence)
      if (!progress) continue
      campaigns.push(progress)
      if (!progress.completed) continue
      completed++
      if (compliantAt === null || (progress.completedAt as string) > compliantAt) compliantAt = progress.completedAt
    }
    const compliant = completed === campaigns.length
    return {
      status: compliant ? 'compliant' : 'non_compliant',
      completed,
      required: campaigns.length,
      compliantAt: compliant ? compliantAt : null,
      sticky: compliant,
      campaigns,
      evidence: compliant ? evidence : [],
      evaluatedAt: now,
    }
  }

  /** A person's kept rows of one campaign, in table order. */
  private rowsOf(campaign: number, person: number): EnrollmentRow[] {
    const { head, previous, rowAt } = this.chains
    const rows: EnrollmentRow[] = []
    for (let node = head[campaign * this.table.people + person] as number; node >= 0; node = previous[node] as number)
      rows.push(this.table.rows[rowAt[node] as number] as EnrollmentRow)
    return rows.reverse()
  }

  /**
   * Every person × training in two passes: the chains campaign by campaign (each complete or not,
   * counted per person and training), then the outcomes person by person.
   */
  private evaluateAll(): void {
    const { trainings, table, counted } = this
    const count = trainings.length
    const required = new Int32Array(table.people * count)
    const completed = new Int32Array(table.people * count)
    const since = new Since(table.people, trainings)
    for (let training = 0; training < count; training++) {
      const campaigns = counted[training] as Int32Array
      for (const campaign of campaigns) this.countCampaign(campaign, training, since, required, completed)
    }
    const { hasRows } = this.chains
    for (let person = 0; person < table.people; person++) {
      for (let training = 0; training < count; training++) {
        const input = trainings[training] as TrainingInput
        const at = person * count + training
        if (input.previous && stands(input.previous(person))) this.outcomes[at] = Outcome.stands
        else if (hasRows[person] === 0 || input.selected.length === 0 || required[at] === 0) continue
        else this.outcomes[at] = completed[at] === required[at] ? Outcome.compliant : Outcome.nonCompliant
      }
    }
  }

  /** One campaign of one training for everyone: whom it requires, and who completed it. */
  private countCampaign(campaign: number, training: number, since: Since, required: Int32Array, completed: Int32Array): void {
    const { head, previous, rowAt } = this.chains
    const { rows, people } = this.table
    const count = this.trainings.length
    const base = campaign * people
    for (let person = 0; person < people; person++) {
      const node = head[base + person] as number
      if (node < 0) continue
      const at = person * count + training
      required[at] = (required[at] as number) + 1
      let done: boolean
      if (previous[node] === -1) {
        // One row (the usual case): complete when it has a completion that counts.
        const completedAt = (rows[rowAt[node] as number] as EnrollmentRow).completedAt
        done = completedAt !== null && counts(completedAt, since.of(person, training))
      } else done = this.modules.complete(rows, rowAt, previous, node, since, person, training)
      if (done) completed[at] = (completed[at] as number) + 1
    }
  }
}

/**
 * Whether a chain of several rows (multi-module campaigns, re-enrolments) is complete: each
 * module with a row has a row that counts. Most chains are all counted or none; only a mixed one
 * compares module keys, each uncounted row's with the counted rows'. Scratch arrays instead of
 * objects: this runs for every person of such campaigns.
 */
class Modules {
  private readonly counted: string[] = []
  private readonly open: string[] = []

  complete(
    rows: readonly EnrollmentRow[],
    rowAt: Int32Array,
    previous: Int32Array,
    last: number,
    since: Since,
    person: number,
    training: number,
  ): boolean {
    const { counted, open } = this
    let done = 0
    let undone = 0
    for (let node = last; node >= 0; node = previous[node] as number) {
      const row = rows[rowAt[node] as number] as EnrollmentRow
      if (row.completedAt !== null && counts(row.completedAt, since.of(person, training))) counted[done++] = row.module
      else open[undone++] = row.module
    }
    if (undone === 0) return true
    if (done === 0) return false
    for (let index = 0; index < undone; index++) {
      const module = open[index]
      let found = false
      for (let other = 0; other < done && !found; other++) found = counted[other] === module
      if (!found) return false
    }
    return true
  }
}

/**
 * From when each person's completions count, per training (`countsFrom`), asked once per person
 * and training and only when a completion needs it.
 */
class Since {
  private readonly known: Uint8Array
  private readonly values: Float64Array
  private readonly count: number

  constructor(
    people: number,
    private readonly trainings: readonly TrainingInput[],
  ) {
    this.count = trainings.length
    const asked = trainings.some((input) => input.countsFrom !== undefined)
    this.known = new Uint8Array(asked ? people * this.count : 0)
    this.values = new Float64Array(asked ? people * this.count : 0)
  }

  /** Epoch ms, or null when every completion counts. */
  of(person: number, training: number): number | null {
    const countsFrom = (this.trainings[training] as TrainingInput).countsFrom
    if (countsFrom === undefined) return null
    const at = person * this.count + training
    if (this.known[at] === 0) {
      const since = countsFrom(person)
      this.known[at] = since === null || since === undefined ? 2 : 1
      this.values[at] = since ?? 0
    }
    return this.known[at] === 2 ? null : (this.values[at] as number)
  }
}

/** Whether a completion (not null) counts: none before the person's recurrence reset. */
function counts(completedAt: string, since: number | null): boolean {
  return since === null || !(Date.parse(completedAt) < since)
}

/** Per module, in first-seen order: the earliest completed row, or null. */
function modulesOf(rows: readonly EnrollmentRow[], since: number | null): { key: string; done: EnrollmentRow | null }[] {
  const modules: { key: string; done: EnrollmentRow | null }[] = []
  for (const row of rows) {
    const completedAt = doneAt(row, since)
    let module = modules.find((item) => item.key === row.module)
    if (!module) modules.push((module = { key: row.module, done: null }))
    // Enrollment times are UTC ISO strings (Z), so string order is time order.
    if (completedAt !== null && (module.done === null || completedAt < (doneAt(module.done, since) as string))) module.done = row
  }
  return modules
}

function progressOf(
  campaign: SelectedCampaign,
  rows: readonly EnrollmentRow[],
  since: number | null,
  evidence: Evidence[],
): CampaignProgress | null {
  const modules = modulesOf(rows, since)
  if (modules.length === 0) return null
  let completedAt: string | null = null
  for (const { done } of modules) {
    if (done === null) return { id: campaign.id, name: campaign.name, completed: false, completedAt: null }
  }
  for (const { key, done } of modules) {
    const row = done as EnrollmentRow
    const at = row.completedAt as string
    evidence.push({
      campaignId: campaign.id,
      campaignName: campaign.name,
      module: key,
      moduleName: row.moduleName ?? key,
      enrollmentId: row.enrollmentId,
      completedAt: at,
    })
    if (completedAt === null || at > completedAt) completedAt = at
  }
  return { id: campaign.id, name: campaign.name, completed: true, completedAt }
}

/** A row's completion as it counts: none before the person's recurrence reset. */
function doneAt(row: EnrollmentRow, since: number | null): string | null {
  const at = row.completedAt
  if (at === null || since === null) return at
  return Date.parse(at) < since ? null : at
}

export { countDue, isDue } from './constants.ts'
