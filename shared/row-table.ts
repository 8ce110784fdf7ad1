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

/** The rows of each (campaign, person), as chains through the table (`chainRows`). */
export type Chains = {
  /** Per `campaign * people + person`: the node of its last kept row, or -1. */
  head: Int32Array
  /** Per node: the node of the same campaign and person's kept row before it, or -1. */
  previous: Int32Array
  /** Per node: the row it stands for (a later, completed repeat of its enrollment id replaces it). */
  rowAt: Int32Array
  /** Per person: 1 when they have any row. */
  hasRows: Uint8Array
  /** Distinct enrollments (kept rows). */
  kept: number
}

/**
 * Links each row to the person's earlier row of the same campaign, in one pass in table order (no
 * regrouping, no hashing), and drops repeats of an enrollment id within a person's campaign: the
 * completed version is kept, in the place of the first. A node is the index of the first row of
 * its enrollment. Memory: 4 bytes per campaign and person, 8 per row.
 */
export function chainRows(table: RowTable): Chains {
  const { person, campaign, rows, people } = table
  const length = rows.length
  const head = new Int32Array(table.campaigns * people).fill(-1)
  const previous = new Int32Array(length)
  const rowAt = new Int32Array(length)
  const hasRows = new Uint8Array(people)
  let kept = 0
  for (let index = 0; index < length; index++) {
    const who = person[index] as number
    const key = (campaign[index] as number) * people + who
    const last = head[key] as number
    hasRows[who] = 1
    if (last >= 0 && repeats(rows, previous, rowAt, last, index)) continue
    previous[index] = last
    rowAt[index] = index
    head[key] = index
    kept++
  }
  return { head, previous, rowAt, hasRows, kept }
}

/** Whether row `index` repeats the enrollment id of a kept row of the chain ending at `last`; if so, a completed version wins. */
function repeats(rows: readonly EnrollmentRow[], previous: Int32Array, rowAt: Int32Array, last: number, index: number): boolean {
  const row = rows[index] as EnrollmentRow
  const id = row.enrollmentId
  for (let node = last; node >= 0; node = previous[node] as number) {
    const kept = rows[rowAt[node] as number] as EnrollmentRow
    if (kept.enrollmentId !== id) continue
    if (kept.completedAt === null && row.completedAt !== null) rowAt[node] = index
    return true
  }
  return false
}
