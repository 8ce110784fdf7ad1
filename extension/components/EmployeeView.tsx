import { browser } from '#imports'
import { useState } from 'preact/hooks'
import type { MyTrainings } from '../../shared/domain.ts'
import { isStale, type CheckResult } from '../utils/check.ts'
import { PROVIDER_NAMES, TRAININGS, isDue, mainProvider, timeAgo } from '../utils/format.ts'
import { Notice } from './Notice.tsx'
import { RecheckButton } from './RecheckButton.tsx'
import { TrainingList } from './TrainingList.tsx'

function Summary({ trainings }: { trainings: MyTrainings }) {
  if (trainings.due === 0) return <p data-testid="due-summary">All your trainings are complete.</p>
  const what = trainings.due === 1 ? '1 training is due' : `${trainings.due} trainings are due`
  const due = TRAININGS.map(({ id }) => id).filter((id) => isDue(trainings.trainings[id]!.status))
  const provider = mainProvider(trainings.provider, due)
  return (
    <p data-testid="due-summary">
      <strong>{what}.</strong> Complete {trainings.due === 1 ? 'it' : 'them'} on {provider ? PROVIDER_NAMES[provider] : "your provider's site"}, then
      check again here.
    </p>
  )
}

/** The popup for an employee: what is due, where to do it, and "check again". */
export function EmployeeView({ check, onChange }: { check: CheckResult | null; onChange: (trainings: MyTrainings) => void }) {
  const [rechecked, setRechecked] = useState(false)
  const openOnboarding = () => void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') })
  if (check === null) return <p class="muted">Checking with the daemon…</p>
  if (check.kind === 'unreachable' || check.kind === 'unauthorized') return <Notice tone="error">{check.message}</Notice>
  if (check.kind !== 'employee') return null
  const { trainings } = check
  const now = Date.now()
  return (
    <div class="stack">
      <Summary trainings={trainings} />
      {isStale(trainings, now) && (
        <Notice tone="warn">
          These results were last synced {timeAgo(trainings.syncedAt, now)}, so they may be out of date.
        </Notice>
      )}
      <TrainingList trainings={trainings} />
      <div class="row">
        <button type="button" onClick={openOnboarding}>
          {trainings.due > 0 ? 'See what to do' : 'Open my trainings'}
        </button>
      </div>
      {(trainings.due > 0 || rechecked) && (
        <RecheckButton
          onChecked={(next) => {
            setRechecked(true)
            onChange(next)
          }}
        />
      )}
    </div>
  )
}
