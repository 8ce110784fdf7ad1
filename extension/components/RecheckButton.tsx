import { useState } from 'preact/hooks'
import type { MyTrainings } from '../../shared/domain.ts'
import { ask } from '../utils/messages.ts'
import { useAction } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

function outcome(trainings: MyTrainings): string {
  if (trainings.due === 0) return 'Checked: everything is complete. Thank you!'
  const what = trainings.due === 1 ? 'One training is' : `${trainings.due} trainings are`
  return `Checked: ${what} still due. Completion can take a few minutes to reach your provider's reports; try again shortly.`
}

/** "I finished — check again": asks the daemon to re-check this one person now. */
export function RecheckButton({ onChecked }: { onChecked: (trainings: MyTrainings) => void }) {
  const action = useAction()
  const [allDone, setAllDone] = useState(false)
  const recheck = () =>
    action.run(async () => {
      const trainings = await ask('recheck')
      onChecked(trainings)
      setAllDone(trainings.due === 0)
      return outcome(trainings)
    })
  // Green only for "all done"; still due is information, not success.
  const tone = allDone ? 'ok' : 'info'
  return (
    <div class="stack">
      <button class="primary" type="button" onClick={recheck} disabled={action.busy} aria-busy={action.busy}>
        {action.busy ? 'Checking…' : 'I finished — check again'}
      </button>
      {action.done && (
        <Notice tone={tone} testId="recheck-result">
          {action.done}
        </Notice>
      )}
      {action.error && (
        <Notice tone="error" testId="recheck-result">
          {action.error}
        </Notice>
      )}
    </div>
  )
}
