import { useMemo, useState } from 'preact/hooks'
import { TRAINING_IDS, type TrainingId } from '../../../shared/constants.ts'
import { STATUS_LABELS, trainingName } from '../../utils/format.ts'
import { saveBlob, type ConsoleApi } from '../../utils/console-api.ts'
import { filterRows, sortRows, type Filters, type Sort, type StatusFilter } from '../../utils/console/rows.ts'
import type { PeopleState } from '../../utils/console/use-people.ts'
import { useAction } from '../../utils/use-request.ts'
import { Notice } from '../Notice.tsx'
import { PeopleGrid } from './PeopleGrid.tsx'
import { TrainingFilter } from '../TrainingFilter.tsx'

const STATUS_CHOICES: { value: StatusFilter; label: string }[] = [
  { value: '', label: 'Any' },
  { value: 'due', label: 'Due (not complete)' },
  { value: 'compliant', label: STATUS_LABELS.compliant },
  { value: 'non_compliant', label: STATUS_LABELS.non_compliant },
  { value: 'not_enrolled', label: STATUS_LABELS.not_enrolled },
]

const count = (value: number) => value.toLocaleString('en-GB')

/** The people table with its filters, the loading progress and certificate downloads. */
export function PeopleSection({ api, people }: { api: ConsoleApi; people: PeopleState }) {
  const [filters, setFilters] = useState<Filters>({ training: '', status: '', text: '' })
  const [sort, setSort] = useState<Sort>({ key: 'email', descending: false })
  const download = useAction()
  const configured = useMemo(
    () => TRAINING_IDS.filter((id) => people.rows.some((row) => row.cells[id].status !== 'not_configured')),
    [people.rows],
  )
  const shown = useMemo(() => sortRows(filterRows(people.rows, filters), sort), [people.rows, filters, sort])
  const set = (change: Partial<Filters>) => setFilters((current) => ({ ...current, ...change }))
  const certificate = (email: string, training: TrainingId) =>
    download.run(async () => {
      const file = await api.certificate(email, training)
      saveBlob(file.blob, file.filename ?? `${email}-${training}.pdf`)
      return `Downloaded the ${trainingName(training)} certificate of ${email}.`
    })
  return (
    <div class="stack console-people">
      <search class="row filters">
        <label class="field grow">
          <span>Search</span>
          <input
            type="search"
            placeholder="Name or e-mail"
            value={filters.text}
            onInput={(event) => set({ text: event.currentTarget.value })}
          />
        </label>
        <TrainingFilter value={filters.training} onChange={(training) => set({ training })} />
        <label class="field">
          <span>Status</span>
          <select value={filters.status} onChange={(event) => set({ status: event.currentTarget.value as StatusFilter })}>
            {STATUS_CHOICES.map((item) => (
              <option key={item.value} value={item.value}>
                {item.label}
              </option>
            ))}
          </select>
        </label>
      </search>
      <p class="muted" data-testid="people-count" aria-live="polite">
        {count(shown.length)} of {count(people.rows.length)} {people.rows.length === 1 ? 'person' : 'people'}
        {people.done ? '' : ' (loading more…)'}
      </p>
      {people.error && <Notice tone="error">{people.error}</Notice>}
      {download.error && (
        <Notice tone="error" testId="download-result">
          {download.error}
        </Notice>
      )}
      {download.done && (
        <Notice tone="ok" testId="download-result">
          {download.done}
        </Notice>
      )}
      {people.done && people.rows.length === 0 && !people.error && <p class="muted">Nobody yet: connect a provider and sync.</p>}
      <PeopleGrid
        rows={shown}
        trainings={configured.length > 0 ? configured : TRAINING_IDS}
        sort={sort}
        onSort={setSort}
        onCertificate={certificate}
      />
    </div>
  )
}
