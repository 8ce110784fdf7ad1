import type { Enrollment } from './domain.ts'

/**
 * Enrollments as the evaluator reads them: each row's person and campaign as small integers,
 * interned once (by the sync's normalise step), so that grouping needs no string hashing.
 */

/** One enrollment as the evaluator reads it; who and which campaign come as indexes (RowTable). */
export type EnrollmentRow = Pick<Enrollment, 'enrollmentId' | 'module' | 'moduleName' | 'completedAt'>

/**
 * Enrollments with the person and the campaign of each row as small integers (interned once per
 * e-mail and per campaign by whoever builds the table), so that grouping needs no string hashing.
 */
export type RowTable = {
  /** How many people; every `person[i]` is below it. */
  people: number
  /** How many campaigns; every `campaign[i]` is below it. */
  campaigns: number
  person: Int32Array
  campaign: Int32Array
  rows: readonly EnrollmentRow[]
}

/**
 * E-mails interned to person indexes. Providers list each campaign's rows in the same order of
 * people, so the person after the last one found is tried first: a string comparison instead of
 * hashing a fresh string into a large table.
 */
export class People {
  readonly emails: string[] = []
  private readonly index = new Map<string, number>()
  private last = -1

  /** The index of a person; a new one is appended. */
  indexOf(email: string): number {
    const last = this.last
    // A person's rows often follow each other (several modules), and campaigns list people in the same order.
    if (last >= 0 && this.emails[last] === email) return last
    if (last + 1 < this.emails.length && this.emails[last + 1] === email) return (this.last = last + 1)
    let index = this.index.get(email)
    if (index === undefined) {
      index = this.emails.push(email) - 1
      this.index.set(email, index)
    }
    return (this.last = index)
  }

  /** The index of a person already interned, if any. */
  find(email: string): number | undefined {
    return this.index.get(email)
  }

  get size(): number {
    return this.emails.length
  }
}

/**
 * Indexes rows that name their person by e-mail and their campaign by a string (`campaignOf`):
 * the rows are kept as they are, the indexes go into typed arrays. Rows come campaign by
 * campaign, so a campaign costs one lookup per run of rows.
 */
export function tableOf<Row extends EnrollmentRow & { email: string }>(
  rows: readonly Row[],
  campaignOf: (row: Row) => string,
  people = new People(),
): { table: RowTable; people: People; campaignIds: string[] } {
  const person = new Int32Array(rows.length)
  const campaign = new Int32Array(rows.length)
  const campaignIds: string[] = []
  const campaignIndex = new Map<string, number>()
  let lastCampaign: string | null = null
  let lastIndex = -1
  for (let at = 0; at < rows.length; at++) {
    const row = rows[at] as Row
    const id = campaignOf(row)
    if (id !== lastCampaign) {
      let index = campaignIndex.get(id)
      if (index === undefined) {
        index = campaignIds.push(id) - 1
        campaignIndex.set(id, index)
      }
      lastCampaign = id
      lastIndex = index
    }
    campaign[at] = lastIndex
    person[at] = people.indexOf(row.email)
  }
  return { table: { people: people.size, campaigns: campaignIds.length, person, campaign, rows }, people, campaignIds }
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
