import type { TrainingId } from '../../shared/constants.ts'
import { TRAININGS } from '../utils/format.ts'

/** The "Training" filter of the people lists (popup and console): one training, or all. */
export function TrainingFilter({ value, onChange }: { value: TrainingId | ''; onChange: (training: TrainingId | '') => void }) {
  return (
    <label class="field">
      <span>Training</span>
      <select value={value} onChange={(event) => onChange(event.currentTarget.value as TrainingId | '')}>
        <option value="">All</option>
        {TRAININGS.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </select>
    </label>
  )
}
