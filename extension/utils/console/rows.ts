import { TRAINING_IDS, type Status, type TrainingId } from '../../../shared/constants.ts'
import type { Person } from '../../../shared/domain.ts'

/**
 * A person as the console's table keeps them: the campaign lists dropped (100,000 people with
 * every campaign would be hundreds of megabytes), lower-cased keys precomputed for search and sort.
 */
export type Cell = { status: Status; completed: number; required: number; compliantAt: string | null; dueAt: string | null }
export type Row = { email: string; name: string; nameKey: string; cells: Record<TrainingId, Cell> }

const NOT_CONFIGURED: Cell = { status: 'not_configured', completed: 0, required: 0, compliantAt: null, dueAt: null }

export function toRow(person: Person): Row {
  const cells = {} as Record<TrainingId, Cell>
  for (const id of TRAINING_IDS) {
    const training = person.trainings[id]
    cells[id] = training
      ? {
          status: training.status,
          completed: training.completed,
          required: training.required,
          compliantAt: training.compliantAt,
          dueAt: training.dueAt ?? null,
        }
      : NOT_CONFIGURED
  }
  return { email: person.email, name: person.name, nameKey: person.name.toLowerCase(), cells }
}

export type StatusFilter = Status | 'due' | ''
export type Filters = { training: TrainingId | ''; status: StatusFilter; text: string }
export type SortKey = 'name' | 'email' | TrainingId
export type Sort = { key: SortKey; descending: boolean }

const matches = (status: Status, wanted: StatusFilter) =>
  wanted === '' || status === wanted || (wanted === 'due' && (status === 'non_compliant' || status === 'not_enrolled'))

/** The rows a filter keeps: text in the e-mail or the name; a status in the chosen training (or in any). */
export function filterRows(rows: readonly Row[], filters: Filters): Row[] {
  const needle = filters.text.trim().toLowerCase()
  const trainings: readonly TrainingId[] = filters.training ? [filters.training] : TRAINING_IDS
  return rows.filter((row) => {
    if (needle && !row.email.includes(needle) && !row.nameKey.includes(needle)) return false
    if (filters.status === '') return !filters.training || row.cells[filters.training].status !== 'not_configured'
    return trainings.some((id) => matches(row.cells[id].status, filters.status))
  })
}

/** Due first, then in progress, complete, not required; ties by e-mail. */
const STATUS_ORDER: Record<Status, number> = { not_enrolled: 0, non_compliant: 1, compliant: 2, not_configured: 3 }
/** A stable sort by one column; plain string comparison (fast on 100,000 rows, and the keys are lower-cased). */
export function sortRows(rows: Row[], sort: Sort): Row[] {
  const sign = sort.descending ? -1 : 1
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  const byKey =
    sort.key === 'name'
      ? (a: Row, b: Row) => compare(a.nameKey, b.nameKey) || compare(a.email, b.email)
      : sort.key === 'email'
        ? (a: Row, b: Row) => compare(a.email, b.email)
        : (a: Row, b: Row) => {
            const training = sort.key as TrainingId
            const x = a.cells[training]
            const y = b.cells[training]
            return STATUS_ORDER[x.status] - STATUS_ORDER[y.status] || x.completed - y.completed || compare(a.email, b.email)
          }
  return rows.sort((a, b) => sign * byKey(a, b))
}
