import { useEffect, useState } from 'preact/hooks'
import type { MyTrainings, TrainingId } from '../../shared/domain.ts'
import { employeeCheck, type CheckResult } from '../utils/check.ts'
import { PROVIDER_NAMES, TRAININGS, isDue, mainProvider } from '../utils/format.ts'
import { ask } from '../utils/messages.ts'
import { Notice } from './Notice.tsx'
import { ProviderMark } from './ProviderMark.tsx'
import { RecheckButton } from './RecheckButton.tsx'
import { TrainingList } from './TrainingList.tsx'

function dueIds(trainings: MyTrainings): TrainingId[] {
  return TRAININGS.map(({ id }) => id).filter((id) => isDue(trainings.trainings[id]!.status))
}

/** The portal of the provider most due trainings use: the page's main call to action. */
function mainPortal(trainings: MyTrainings): string | null {
  const due = dueIds(trainings)
  const provider = mainProvider(trainings.provider, due)
  const urls = due.filter((id) => trainings.provider[id] === provider).map((id) => trainings.portalUrl[id])
  return urls.find((url): url is string => Boolean(url)) ?? null
}

function Steps({ trainings }: { trainings: MyTrainings }) {
  const provider = mainProvider(trainings.provider, dueIds(trainings))
  const portal = mainPortal(trainings)
  const name = provider ? PROVIDER_NAMES[provider] : 'your training provider'
  return (
    <section class="hero" aria-labelledby="onboarding-title">
      <div class={`brand-bar ${provider ?? ''}`} />
      <div class="body">
        <h1 id="onboarding-title" data-testid="onboarding-title">
          {trainings.due > 0 ? 'Your security training with ' : 'Your trainings with '}
          <ProviderMark provider={provider} />
        </h1>
        {trainings.due > 0 ? (
          <ol data-testid="steps">
            <li>Open {name} and sign in with your work e-mail ({trainings.email}).</li>
            <li>Finish every module listed below. Each one usually takes a few minutes.</li>
            <li>Come back here and press <strong>I finished — check again</strong>. Your badge updates right away.</li>
          </ol>
        ) : (
          <Notice tone="ok" testId="all-done">Everything is complete. Nothing to do right now.</Notice>
        )}
        {trainings.due > 0 && portal && provider && (
          <p>
            <a class="button primary" href={portal} target="_blank" rel="noreferrer" data-testid="portal-link">
              Go to {name}
            </a>
          </p>
        )}
      </div>
    </section>
  )
}

/** The page that sends an employee to their provider's training and lets them say they're done. */
export function OnboardingApp() {
  const [check, setCheck] = useState<CheckResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  // Keeps the button (and its result) on screen after a re-check clears everything.
  const [rechecked, setRechecked] = useState(false)
  useEffect(() => {
    ask('overview').then((overview) => setCheck((current) => current ?? overview.check), (caught: Error) => setError(caught.message))
    ask('refresh').then(setCheck, (caught: Error) => setError(caught.message))
  }, [])
  const trainings = check?.kind === 'employee' ? check.trainings : null
  return (
    <main class="page stack">
      <header class="top">
        <div class="logo">train<span>proof</span></div>
        {trainings && <small>{trainings.name !== trainings.email ? `${trainings.name} · ` : ''}{trainings.email}</small>}
      </header>
      {error && <Notice tone="error">{error}</Notice>}
      {check === null && !error && <p class="muted">Loading your trainings…</p>}
      {check?.kind === 'unpaired' && <Notice>This browser isn't paired yet. Open the extension's options and paste your token.</Notice>}
      {(check?.kind === 'unreachable' || check?.kind === 'unauthorized') && <Notice tone="error">{check.message}</Notice>}
      {check?.kind === 'staff' && <Notice>You are paired with a staff token; the admin screens are in the toolbar popup.</Notice>}
      {trainings && (
        <>
          <Steps trainings={trainings} />
          <h2>{trainings.due > 0 ? 'What to complete' : 'Your trainings'}</h2>
          <TrainingList trainings={trainings} showPortal mainPortal={mainPortal(trainings)} />
          {(trainings.due > 0 || rechecked) && (
            <section class="card stack" aria-labelledby="done-title">
              <h2 id="done-title">Done?</h2>
              <p class="muted">
                trainproof asks your provider for the latest results right away. If it still shows as due, the provider may need a few more
                minutes to record it.
              </p>
              <RecheckButton
                onChecked={(next) => {
                  setRechecked(true)
                  setCheck(employeeCheck(next))
                }}
              />
            </section>
          )}
        </>
      )}
    </main>
  )
}
