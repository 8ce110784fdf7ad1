import type { TrainingId } from '../../../shared/domain.ts'
import type { HistoryPoint } from '../console-schemas.ts'
import type { Row } from './rows.ts'

/**
 * Compliance over time from the people themselves, for daemons without the history endpoint:
 * per day on which someone became compliant, how many are compliant by the end of it, out of
 * everyone the training applies to now. It cannot see resets, so it only ever rises; the daemon's
 * history (when it has one) is the truer curve.
 */
export function deriveHistory(rows: readonly Row[], training: TrainingId): HistoryPoint[] {
  let total = 0
  const perDay = new Map<string, number>()
  for (const row of rows) {
    const cell = row.cells[training]
    if (cell.status === 'not_configured') continue
    total++
    if (cell.status !== 'compliant' || cell.compliantAt === null) continue
    const day = cell.compliantAt.slice(0, 10)
    perDay.set(day, (perDay.get(day) ?? 0) + 1)
  }
  let compliant = 0
  return [...perDay.keys()].sort().map((date) => {
    compliant += perDay.get(date) ?? 0
    return { date, compliant, total }
  })
}

/** Per cent compliant, one decimal; 0 when nobody is counted. */
export function share(point: HistoryPoint): number {
  return point.total === 0 ? 0 : Math.round((1000 * point.compliant) / point.total) / 10
}

/**
 * Several trainings' points on one time axis (uPlot's aligned data: x in Unix seconds, one array
 * of per cents per training). A training keeps its last value on days it has no point; before
 * its first point it has none (null: no line).
 */
export function alignHistories(histories: readonly { points: readonly HistoryPoint[] }[]): { x: number[]; series: (number | null)[][] } {
  const days = [...new Set(histories.flatMap((history) => history.points.map((point) => point.date)))].sort()
  const series = histories.map((history) => {
    const byDay = new Map(history.points.map((point) => [point.date, share(point)]))
    let last: number | null = null
    return days.map((day) => (last = byDay.get(day) ?? last))
  })
  return { x: days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000), series }
}
