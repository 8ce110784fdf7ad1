import { useState } from 'preact/hooks'
import type { MyTrainings, ProviderId, TrainingId } from '../../shared/domain.ts'
import { employeeCheck } from '../utils/check.ts'
import { timeAgo } from '../utils/format.ts'
import { providerName } from '../utils/providers.ts'
import { contactOf, duePlan, providerNames, trainingNames } from '../utils/summary.ts'
import { useOverview } from '../utils/use-overview.ts'
import { Notice } from './Notice.tsx'
import { BrandBar, ProviderMark } from './ProviderMark.tsx'
import { RecheckButton } from './RecheckButton.tsx'
import { SignInCard } from './SignInCard.tsx'
import { TrainingList } from './TrainingList.tsx'

/** One portal link per provider the person has something to finish at (trainings may be on two). */
function portals(trainings: MyTrainings): { provider: ProviderId; url: string }[] {
  const plan = duePlan(trainings)
  return plan.providers.flatMap((provider) => {
    const url = plan.toDo
      .filter((id) => trainings.provider[id] === provider)
      .map((id) => trainings.portalUrl[id])
      .find(Boolean)
    return url ? [{ provider, url }] : []
  })
}

function providersOf(trainings: MyTrainings, ids: readonly TrainingId[]): ProviderId[] {
  return [...new Set(ids.map((id) => trainings.provider[id]).filter((provider): provider is ProviderId => provider !== null))]
}

function Steps({ trainings, supportContact }: { trainings: MyTrainings; supportContact: string | null }) {
  const plan = duePlan(trainings)
  // With nothing to finish, brand the page for the provider(s) the person waits to be enrolled at.
  const named = plan.providers.length > 0 ? plan.providers : providersOf(trainings, plan.notEnrolled)
  const single = named.length === 1 ? named[0]! : null
  const links = portals(trainings)
  return (
    <section class="hero" aria-labelledby="onboarding-title">
      <BrandBar provider={single} />
      <div class="body">
        <h1 id="onboarding-title" data-testid="onboarding-title">
          {plan.toDo.length > 0 ? 'Your security training with ' : 'Your trainings with '}
          {named.length > 1 ? (
            <span>
              <ProviderMark provider={named[0]!} /> and <ProviderMark provider={named[1]!} />
            </span>
          ) : (
            <ProviderMark provider={single} />
          )}
        </h1>
        {plan.toDo.length > 0 && (
          <ol data-testid="steps">
            <li>
              Open {providerNames(plan.providers)} and sign in with your work e-mail ({trainings.email}).
            </li>
            <li>Finish every module of {trainingNames(plan.toDo)} listed below. Each one usually takes a few minutes.</li>
            <li>
              Come back here and press <strong>I finished — check again</strong>. Your badge updates right away.
            </li>
          </ol>
        )}
        {plan.notEnrolled.length > 0 && (
          <Notice testId="not-enrolled">
            You are not enrolled in {trainingNames(plan.notEnrolled)} yet, so there is nothing for you to finish there. Ask{' '}
            {contactOf(supportContact)} to enrol you at the training provider; it will show up here once they have.
          </Notice>
        )}
        {trainings.due === 0 && (
          <Notice tone="ok" testId="all-done">
            Everything is complete. Nothing to do right now.
          </Notice>
        )}
        {links.length > 0 && (
          <p class="row">
            {links.map(({ provider, url }) => (
              <a class="button primary" href={url} target="_blank" rel="noreferrer" data-testid="portal-link" key={provider}>
                Go to {providerName(provider)}
              </a>
            ))}
          </p>
        )}
      </div>
    </section>
  )
}

/** The page that sends an employee to their provider's training and lets them say they're done. */
export function OnboardingApp() {
  const { overview, setOverview, error, reload } = useOverview({ refresh: true })
  // Keeps the button (and its result) on screen after a re-check clears everything.
  const [rechecked, setRechecked] = useState(false)
  const check = overview?.check ?? null
  const lastKnown = check?.kind === 'unreachable' ? (check.lastKnown ?? null) : null
  const trainings = check?.kind === 'employee' ? check.trainings : (lastKnown?.trainings ?? null)
  const signedOut = overview !== null && overview.identity === null
  const supportContact = overview?.settings.supportContact ?? null
  const mainPortal = trainings && portals(trainings).length === 1 ? portals(trainings)[0]!.url : null
  return (
    <main class="page stack">
      <header class="top">
        <div class="logo">
          train<span>proof</span>
        </div>
        {trainings && !signedOut && (
          <small>
            {trainings.name !== trainings.email ? `${trainings.name} · ` : ''}
            {trainings.email}
          </small>
        )}
      </header>
      {error && <Notice tone="error">{error}</Notice>}
      {overview === null && !error && <p class="muted">Loading your trainings…</p>}
      {signedOut && (
        <>
          <h1>Welcome to trainproof</h1>
          <p>trainproof shows which security-awareness trainings your organisation asks of you, and where to take them.</p>
          <SignInCard overview={overview} onSignedIn={() => void reload()} />
        </>
      )}
      {!signedOut && check?.kind === 'unreachable' && (
        <Notice tone={lastKnown ? 'warn' : 'error'} testId="stale">
          {check.message}
          {lastKnown ? ` Showing what trainproof said ${timeAgo(lastKnown.at, Date.now())}; it may be out of date.` : ''}
        </Notice>
      )}
      {!signedOut && check?.kind === 'staff' && <Notice>You are signed in as staff; the admin screens are in the toolbar popup.</Notice>}
      {!signedOut && trainings && (
        <>
          <Steps trainings={trainings} supportContact={supportContact} />
          <h2>{duePlan(trainings).toDo.length > 0 ? 'What to complete' : 'Your trainings'}</h2>
          <TrainingList trainings={trainings} showPortal mainPortal={mainPortal} />
          {!lastKnown && (duePlan(trainings).toDo.length > 0 || rechecked) && (
            <section class="card stack" aria-labelledby="done-title">
              <h2 id="done-title">Done?</h2>
              <p class="muted">
                trainproof asks your provider for the latest results right away. If it still shows as due, the provider may need a few more
                minutes to record it.
              </p>
              <RecheckButton
                onChecked={(next) => {
                  setRechecked(true)
                  if (overview) setOverview({ ...overview, check: employeeCheck(next) })
                }}
              />
            </section>
          )}
        </>
      )}
    </main>
  )
}
