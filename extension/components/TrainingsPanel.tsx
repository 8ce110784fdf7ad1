import { ask } from '../utils/messages.ts'
import { useRequest } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'
import { TrainingEditor } from './TrainingEditor.tsx'

/** Per training: the provider that serves it and the campaigns that count. */
export function TrainingsPanel({ readOnly }: { readOnly: boolean }) {
  const data = useRequest(async () => {
    const [trainings, connections] = await Promise.all([ask('trainings'), ask('connections')])
    return { trainings, connections }
  })
  if (data.error) return <Notice tone="error">{data.error}</Notice>
  if (!data.value) return <p class="muted">Loading trainings…</p>
  const { trainings, connections } = data.value
  return (
    <div class="stack">
      {connections.length === 0 && <p class="muted">Connect a provider first; its campaigns appear here.</p>}
      {trainings.map((config) => (
        <TrainingEditor key={config.id} config={config} connections={connections} readOnly={readOnly} onSaved={() => void data.reload()} />
      ))}
    </div>
  )
}
