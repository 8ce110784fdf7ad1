import type { ConsoleApi } from '../../utils/console-api.ts'
import { useRequest } from '../../utils/use-request.ts'
import { Notice } from '../Notice.tsx'
import { RecurrenceEditor } from './RecurrenceEditor.tsx'

/** Annual retraining, per training that has a provider. */
export function RecurrenceSection({ api, readOnly, onChanged }: { api: ConsoleApi; readOnly: boolean; onChanged: () => void }) {
  const trainings = useRequest(() => api.trainings(), [api])
  const configured = (trainings.value ?? []).filter((config) => config.connectionId !== null)
  return (
    <div class="stack">
      <h2>Retraining</h2>
      <p class="muted">
        A rule resets people who must take a training again; each gets a due date. The preview lists who a rule resets and when, before
        anything changes.
      </p>
      {trainings.error && <Notice tone="error">{trainings.error}</Notice>}
      {trainings.value && configured.length === 0 && (
        <p class="muted">No training has a provider yet. Choose one in the popup's Trainings tab.</p>
      )}
      <div class="grid-cards">
        {configured.map((config) => (
          <RecurrenceEditor
            key={config.id}
            api={api}
            config={config}
            readOnly={readOnly}
            onSaved={() => {
              void trainings.reload()
              onChanged()
            }}
          />
        ))}
      </div>
    </div>
  )
}
