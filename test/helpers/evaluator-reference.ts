import type { CampaignProgress, Evidence } from '../../shared/domain.ts'
import { type ComplianceRecord, Outcome, type SelectedCampaign, stands, type TrainingInput } from '../../shared/evaluator.ts'
import type { EnrollmentRow, RowTable } from '../../shared/row-table.ts'

/**
 * The evaluator as it was before it read the table in place (`chainRows`): every row regrouped
 * by person with a counting sort, then each person's rows scanned per training. Kept as the
 * reference the property tests compare the evaluator with (test/shared/evaluator-reference.test.ts).
 */

/**
 * The compliance rule (product.md) for every person and training of a table, kept compact: one
 * byte per person and training; records are built only when asked for (`record`).
 *
 * Only selected campaigns count; enrolled in none → no record (`not_enrolled`); a campaign is
 * complete when each module the person is enrolled in has a completed enrollment (re-enrolments
 * add rows; any completed one counts); all enrolled campaigns complete → compliant, which is
 * sticky. A row repeated within a person's campaign (same enrollment id, e.g. live data shifting
 * under the pages) counts once, its completed version winning: the one dedupe of the pipeline.
 */
export class ReferenceEvaluation {
  /** Rows of person p: `order[start[p]] … order[start[p + 1] - 1]`, duplicates left out. */
  private readonly start: Int32Array
  private readonly order: Int32Array
  private readonly outcomes: Uint8Array
  private readonly slots: Int32Array[]
  private readonly keys: string[] = []
  /** Scratch for `record`: a campaign's first and last position among one person's rows. */
  private readonly firstAt: Int32Array
  private readonly lastAt: Int32Array
  private readonly done: number[] = []
  /** Distinct enrollments in the table. */
  readonly enrollments: number

  constructor(
    private readonly table: RowTable,
    private readonly trainings: readonly TrainingInput[],
  ) {
    const { start, order, kept } = groupByPerson(table)
    this.start = start
    this.order = order
    this.enrollments = kept
    this.slots = trainings.map(({ selected }) => {
      const slot = new Int32Array(table.campaigns).fill(-1)
      selected.forEach(({ index }, position) => {
        if (index >= 0 && index < table.campaigns && slot[index] === -1) slot[index] = position
      })
      return slot
    })
    this.outcomes = new Uint8Array(table.people * trainings.length)
    this.firstAt = new Int32Array(table.campaigns).fill(-1)
    this.lastAt = new Int32Array(table.campaigns)
    this.evaluateAll()
  }

  outcome(person: number, training: number): Outcome {
    return this.outcomes[person * this.trainings.length + training] as Outcome
  }

  /** Whether the person has any enrollment in the table (selected or not). */
  hasRows(person: number): boolean {
    return person < this.table.people && (this.start[person + 1] as number) > (this.start[person] as number)
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
    const { firstAt, lastAt } = this
    const from = this.start[person] as number
    const to = this.start[person + 1] as number
    // Where each of the person's campaigns starts and ends among their rows (one pass, then reset).
    for (let at = from; at < to; at++) {
      const campaign = this.table.campaign[this.order[at] as number] as number
      if (firstAt[campaign] === -1) firstAt[campaign] = at
      lastAt[campaign] = at
    }
    for (const campaign of input.selected) {
      const first = campaign.index >= 0 ? (firstAt[campaign.index] ?? -1) : -1
      const progress = first === -1 ? null : this.progress(campaign, first, lastAt[campaign.index] as number, since, evidence)
      if (!progress) continue
      campaigns.push(progress)
      if (!progress.completed) continue
      completed++
      if (compliantAt === null || (progress.completedAt as string) > compliantAt) compliantAt = progress.completedAt
    }
    for (let at = from; at < to; at++) firstAt[this.table.campaign[this.order[at] as number] as number] = -1
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

  private evaluateAll(): void {
    const { trainings, start, order, table } = this
    const count = trainings.length
    const seen = new Int32Array(table.campaigns)
    const first = new Int32Array(table.campaigns)
    const last = new Int32Array(table.campaigns)
    const touched = new Int32Array(table.campaigns)
    for (let person = 0; person < table.people; person++) {
      const from = start[person] as number
      const to = start[person + 1] as number
      for (let training = 0; training < count; training++) {
        const input = trainings[training] as TrainingInput
        if (input.previous && stands(input.previous(person))) {
          this.outcomes[person * count + training] = Outcome.stands
          continue
        }
        if (from === to || input.selected.length === 0) continue
        const slot = this.slots[training] as Int32Array
        let required = 0
        for (let at = from; at < to; at++) {
          const campaign = table.campaign[order[at] as number] as number
          if ((slot[campaign] as number) < 0) continue
          if (seen[campaign] === 0) {
            touched[required++] = campaign
            first[campaign] = at
          }
          last[campaign] = at
          seen[campaign] = (seen[campaign] as number) + 1
        }
        if (required === 0) continue
        const since = input.countsFrom?.(person) ?? null
        let completed = 0
        for (let index = 0; index < required; index++) {
          const campaign = touched[index] as number
          const done =
            seen[campaign] === 1
              ? doneAt(table.rows[order[first[campaign] as number] as number] as EnrollmentRow, since) !== null
              : this.complete(first[campaign] as number, last[campaign] as number, campaign, since)
          if (done) completed++
          seen[campaign] = 0
        }
        this.outcomes[person * count + training] = completed === required ? Outcome.compliant : Outcome.nonCompliant
      }
    }
  }

  /**
   * Whether every module of the person's rows of `campaign` (between `from` and `through`) has a
   * counted completion. Scratch arrays instead of objects: this runs for every campaign a person
   * has more than one row in (multi-module campaigns, re-enrolments).
   */
  private complete(from: number, through: number, campaign: number, since: number | null): boolean {
    const { keys, done } = this
    let count = 0
    for (let at = from; at <= through; at++) {
      const index = this.order[at] as number
      if (this.table.campaign[index] !== campaign) continue
      const row = this.table.rows[index] as EnrollmentRow
      let module = 0
      while (module < count && keys[module] !== row.module) module++
      if (module === count) {
        keys[count] = row.module
        done[count++] = doneAt(row, since) === null ? 0 : 1
      } else if (done[module] === 0 && doneAt(row, since) !== null) done[module] = 1
    }
    for (let module = 0; module < count; module++) if (done[module] === 0) return false
    return true
  }

  /** Per module, in first-seen order: the earliest completed row, or null. */
  private modules(from: number, through: number, campaign: number, since: number | null): { key: string; done: EnrollmentRow | null }[] {
    const modules: { key: string; done: EnrollmentRow | null }[] = []
    for (let at = from; at <= through; at++) {
      const index = this.order[at] as number
      if (this.table.campaign[index] !== campaign) continue
      const row = this.table.rows[index] as EnrollmentRow
      const completedAt = doneAt(row, since)
      let module = modules.find((item) => item.key === row.module)
      if (!module) {
        module = { key: row.module, done: null }
        modules.push(module)
      }
      // Enrollment times are UTC ISO strings (Z), so string order is time order.
      if (completedAt !== null && (module.done === null || completedAt < (doneAt(module.done, since) as string))) module.done = row
    }
    return modules
  }

  private progress(
    campaign: SelectedCampaign & { index: number },
    from: number,
    through: number,
    since: number | null,
    evidence: Evidence[],
  ): CampaignProgress | null {
    const modules = this.modules(from, through, campaign.index, since)
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
}

/** A row's completion as it counts: none before the person's recurrence reset. */
function doneAt(row: EnrollmentRow, since: number | null): string | null {
  const at = row.completedAt
  if (at === null || since === null) return at
  return Date.parse(at) < since ? null : at
}

/**
 * Groups rows by person with a counting sort (typed arrays, no hashing), keeping each person's
 * rows in table order and dropping repeats of an enrollment id within a person's campaign (the
 * completed version is kept).
 */
export function groupByPerson(table: RowTable): { start: Int32Array; order: Int32Array; kept: number } {
  const { person, campaign, rows } = table
  const length = rows.length
  const start = new Int32Array(table.people + 1)
  for (let index = 0; index < length; index++) {
    const at = (person[index] as number) + 1
    start[at] = (start[at] as number) + 1
  }
  for (let index = 0; index < table.people; index++) start[index + 1] = (start[index + 1] as number) + (start[index] as number)
  const next = start.slice(0, table.people)
  const order = new Int32Array(length)
  for (let index = 0; index < length; index++) {
    const who = person[index] as number
    const at = next[who] as number
    order[at] = index
    next[who] = at + 1
  }
  // Drop repeats: compare with the person's earlier rows of the same campaign only (a handful),
  // found through a chain of kept positions per campaign.
  const lastOf = new Int32Array(table.campaigns).fill(-1)
  const previous = new Int32Array(length)
  const touched = new Int32Array(table.campaigns)
  let kept = 0
  let write = 0
  for (let who = 0; who < table.people; who++) {
    const from = start[who] as number
    const to = start[who + 1] as number
    start[who] = write
    let campaigns = 0
    for (let at = from; at < to; at++) {
      const index = order[at] as number
      const of = campaign[index] as number
      const id = (rows[index] as EnrollmentRow).enrollmentId
      let repeat = -1
      for (let earlier = lastOf[of] as number; earlier >= 0; earlier = previous[earlier] as number) {
        if ((rows[order[earlier] as number] as EnrollmentRow).enrollmentId === id) {
          repeat = earlier
          break
        }
      }
      if (repeat >= 0) {
        // The completed version wins, in the place of the first.
        if ((rows[order[repeat] as number] as EnrollmentRow).completedAt === null && (rows[index] as EnrollmentRow).completedAt !== null)
          order[repeat] = index
        continue
      }
      if (lastOf[of] === -1) touched[campaigns++] = of
      previous[write] = lastOf[of] as number
      lastOf[of] = write
      order[write++] = index
    }
    for (let at = 0; at < campaigns; at++) lastOf[touched[at] as number] = -1
    kept += write - (start[who] as number)
  }
  start[table.people] = write
  return { start, order: order.subarray(0, write), kept }
}
