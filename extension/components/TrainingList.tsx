import type { MyTrainings } from '../../shared/domain.ts'
import { TRAININGS, progressText } from '../utils/format.ts'
import { providerName } from '../utils/providers.ts'
import { StatusPill } from './StatusPill.tsx'

/** An employee's trainings: status, progress and, for each selected campaign, whether it is done. */
export function TrainingList({
  trainings,
  showPortal = false,
  mainPortal = null,
}: {
  trainings: MyTrainings
  showPortal?: boolean
  /** The portal the page already links to prominently; not repeated per training. */
  mainPortal?: string | null
}) {
  const shown = TRAININGS.filter(({ id }) => trainings.trainings[id]?.status !== 'not_configured')
  if (shown.length === 0) return <p class="muted">No trainings are required of you yet.</p>
  return (
    <ul class="plain" data-testid="training-list">
      {shown.map(({ id, name }) => {
        const training = trainings.trainings[id]!
        const provider = trainings.provider[id]
        const portal = trainings.portalUrl[id]
        const progress = progressText(training)
        return (
          <li class="card" key={id} data-training={id}>
            <div class="spread">
              <h3 style="margin:0">{name}</h3>
              <span class="row">
                {progress && (
                  <span class="muted">
                    <span aria-hidden="true">{progress}</span>
                    <span class="sr-only">{`${training.completed} of ${training.required} done`}</span>
                  </span>
                )}
                <StatusPill status={training.status} />
              </span>
            </div>
            {training.campaigns.length > 0 && (
              <ul class="muted" style="margin:0.4rem 0 0;padding-left:1.1rem">
                {training.campaigns.map((campaign) => (
                  <li key={campaign.id}>
                    {campaign.name} — {campaign.completed ? 'done' : 'to do'}
                  </li>
                ))}
              </ul>
            )}
            {training.status === 'not_enrolled' && (
              <p class="muted" style="margin:0.4rem 0 0">
                Not enrolled yet: nothing to do until you are.
              </p>
            )}
            {showPortal && portal && portal !== mainPortal && training.status === 'non_compliant' && provider && (
              <p style="margin:0.5rem 0 0">
                <a class="button primary" href={portal} target="_blank" rel="noreferrer">
                  Open {providerName(provider)} training
                </a>
              </p>
            )}
          </li>
        )
      })}
    </ul>
  )
}
