import { useEffect, useRef, useState } from 'preact/hooks'
import type { TrainingId } from '../../../shared/domain.ts'
import { progressText, statusLabel, TRAININGS } from '../../utils/format.ts'
import type { Row, Sort, SortKey } from '../../utils/console/rows.ts'
import { visibleSlice } from '../../utils/console/window.ts'

export const ROW_HEIGHT = 40
const STATUS_TONE = { compliant: 'ok', non_compliant: 'due', not_enrolled: 'due', not_configured: 'idle' } as const

function Header({ label, column, sort, onSort }: { label: string; column: SortKey; sort: Sort; onSort: (sort: Sort) => void }) {
  const active = sort.key === column
  const next = () => onSort({ key: column, descending: active ? !sort.descending : false })
  return (
    <div role="columnheader" class="cell" aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick={next}>
        {label} <span aria-hidden="true">{active ? (sort.descending ? '▼' : '▲') : ''}</span>
      </button>
    </div>
  )
}

function PersonLine({
  row,
  index,
  trainings,
  onCertificate,
}: {
  row: Row
  index: number
  trainings: readonly { id: TrainingId; name: string }[]
  onCertificate: (email: string, training: TrainingId) => void
}) {
  return (
    <div role="row" class="grid-row" aria-rowindex={index + 2} data-testid="console-person" data-email={row.email}>
      <div role="cell" class="cell name" title={row.name}>
        {row.name}
      </div>
      <div role="cell" class="cell email" title={row.email}>
        {row.email}
      </div>
      {trainings.map(({ id, name }) => {
        const cell = row.cells[id]
        return (
          <div role="cell" class="cell status" key={id} data-training={id}>
            <span class={`pill ${STATUS_TONE[cell.status]}`} data-status={cell.status}>
              {statusLabel(cell)}
            </span>
            <span class="muted progress">{progressText(cell)}</span>
            {cell.status !== 'compliant' && cell.dueAt && <small title={`Due ${cell.dueAt}`}>due {cell.dueAt.slice(0, 10)}</small>}
            {cell.status === 'compliant' && (
              <button
                type="button"
                class="link"
                onClick={() => onCertificate(row.email, id)}
                aria-label={`Certificate: ${name} for ${row.email}`}
              >
                PDF
              </button>
            )}
          </div>
        )
      })}
    </div>
  )
}

/**
 * The people as an ARIA grid that draws only the rows in view (fixed row height), so 100,000
 * rows scroll like 30. Sorting is by column header.
 */
export function PeopleGrid({
  rows,
  trainings,
  sort,
  onSort,
  onCertificate,
}: {
  rows: readonly Row[]
  trainings: readonly TrainingId[]
  sort: Sort
  onSort: (sort: Sort) => void
  onCertificate: (email: string, training: TrainingId) => void
}) {
  const scroller = useRef<HTMLDivElement>(null)
  const [view, setView] = useState({ scrollTop: 0, height: 600 })
  useEffect(() => {
    const element = scroller.current
    if (!element) return
    const measure = () => setView({ scrollTop: element.scrollTop, height: element.clientHeight })
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  useEffect(() => {
    // A new filter or sort starts from the top.
    if (scroller.current) scroller.current.scrollTop = 0
    setView((current) => ({ ...current, scrollTop: 0 }))
  }, [rows])
  const shown = TRAININGS.filter(({ id }) => trainings.includes(id))
  const slice = visibleSlice({ count: rows.length, rowHeight: ROW_HEIGHT, scrollTop: view.scrollTop, viewport: view.height })
  const columns = `minmax(10rem, 1.2fr) minmax(12rem, 1.5fr) ${shown.map(() => 'minmax(11rem, 1fr)').join(' ')}`
  return (
    <div role="table" class="people-grid" aria-label="People" aria-rowcount={rows.length + 1} style={{ '--columns': columns }}>
      <div role="rowgroup">
        <div role="row" class="grid-row head" aria-rowindex={1}>
          <Header label="Name" column="name" sort={sort} onSort={onSort} />
          <Header label="E-mail" column="email" sort={sort} onSort={onSort} />
          {shown.map(({ id, name }) => (
            <Header key={id} label={name} column={id} sort={sort} onSort={onSort} />
          ))}
        </div>
      </div>
      <div
        role="rowgroup"
        class="grid-body"
        ref={scroller}
        data-testid="people-scroller"
        onScroll={(event) => setView({ scrollTop: event.currentTarget.scrollTop, height: event.currentTarget.clientHeight })}
      >
        <div style={{ height: `${slice.total}px`, position: 'relative' }}>
          <div style={{ transform: `translateY(${slice.offset}px)` }}>
            {rows.slice(slice.first, slice.last).map((row, index) => (
              <PersonLine key={row.email} row={row} index={slice.first + index} trainings={shown} onCertificate={onCertificate} />
            ))}
          </div>
        </div>
      </div>
    </div>
  )
}
