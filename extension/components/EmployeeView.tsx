import { browser } from '#imports'
import { useState } from 'preact/hooks'
import type { MyTrainings } from '../../shared/domain.ts'
import { isStale, type CheckResult } from '../utils/check.ts'
import { timeAgo } from '../utils/format.ts'
import { contactOf, duePlan, providerNames, trainingNames } from '../utils/summary.ts'
import { Notice } from './Notice.tsx'
import { RecheckButton } from './RecheckButton.tsx'
import { TrainingList } from './TrainingList.tsx'

/** One or two sentences: what is due, where to do it (every provider involved), and what isn't up to the person. */
export function Summary({ trainings, supportContact }: { trainings: MyTrainings; supportContact: string | null }) {
  if (trainings.due === 0) return <p data-testid="due-summary">All your trainings are complete.</p>
  const plan = duePlan(trainings)
  const count = plan.toDo.length
  return (
    <div data-testid="due-summary">
      {count > 0 && (
        <p>
          <strong>{count === 1 ? '1 training is due.' : `${count} trainings are due.`}</strong> Complete {count === 1 ? 'it' : 'them'} on{' '}
          {providerNames(plan.providers)}, then check again here.
        </p>
      )}
      {plan.notEnrolled.length > 0 && (
        <p data-testid="not-enrolled">
          <strong>You are not enrolled in {trainingNames(plan.notEnrolled)} yet</strong>, so there is nothing to finish there for now. Ask{' '}
          {contactOf(supportContact)} to enrol you; it will show up here once they have.
        </p>
      )}
    </div>
  )
}

/** The popup for an employee: what is due, where to do it, and "check again". */
export function EmployeeView({
  check,
  supportContact,
  onChange,
}: {
  check: CheckResult | null
  supportContact: string | null
  onChange: (trainings: MyTrainings) => void
}) {
  const [rechecked, setRechecked] = useState(false)
  const openOnboarding = () => void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') })
  if (check === null) return <p class="muted">Checking with the daemon…</p>
  if (check.kind === 'unauthorized') return <Notice tone="error">{check.message}</Notice>
  const lastKnown = check.kind === 'unreachable' ? (check.lastKnown ?? null) : null
  if (check.kind === 'unreachable' && lastKnown === null) return <Notice tone="error">{check.message}</Notice>
  const trainings = check.kind === 'employee' ? check.trainings : lastKnown?.trainings
  if (!trainings) return null
  const now = Date.now()
  return (
    <div class="stack">
      {lastKnown && (
        <Notice tone="warn" testId="stale">
          {check.kind === 'unreachable' ? check.message : ''} Showing what trainproof said {timeAgo(lastKnown.at, now)}; it may be out of
          date.
        </Notice>
      )}
      <Summary trainings={trainings} supportContact={supportContact} />
      {!lastKnown && isStale(trainings, now) && (
        <Notice tone="warn">These results were last synced {timeAgo(trainings.syncedAt, now)}, so they may be out of date.</Notice>
      )}
      <TrainingList trainings={trainings} />
      <div class="row">
        <button type="button" onClick={openOnboarding}>
          {duePlan(trainings).toDo.length > 0 ? 'See what to do' : 'Open my trainings'}
        </button>
      </div>
      {!lastKnown && (duePlan(trainings).toDo.length > 0 || rechecked) && (
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
