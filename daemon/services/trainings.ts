import type { PutTrainingBody } from '../../shared/api.ts'
import { TRAINING_IDS, type Recurrence, type TrainingConfig, type TrainingId } from '../../shared/domain.ts'
import { invalidRequest } from '../errors.ts'
import { applyDueResets, previewResets } from '../recurrence/resets.ts'
import type { Db } from '../store/schema.ts'
import { auditor } from './audit.ts'
import type { Deps } from './deps.ts'

/** Checks a new selection against the db; throws a 400 naming what is wrong, before anything changes. */
function checkSelection(db: Db, body: PutTrainingBody): void {
  if (body.connectionId === null) {
    if (body.campaignIds.length > 0) throw invalidRequest('campaignIds must be empty when connectionId is null.')
    return
  }
  if (!db.connections.some((connection) => connection.id === body.connectionId)) {
    throw invalidRequest(`connectionId: no connection ${body.connectionId}.`)
  }
  for (const id of body.campaignIds) {
    const campaign = db.campaigns.find((item) => item.id === id)
    if (!campaign || campaign.connectionId !== body.connectionId) {
      throw invalidRequest(`campaignIds: ${id} is not a campaign of connection ${body.connectionId}.`)
    }
    if (!campaign.importable) throw invalidRequest(`campaignIds: ${campaign.name} cannot be imported (${campaign.status}).`)
  }
}

/** Which connection and campaigns serve each training, and its recurrence rule. */
export function createTrainingService({ store, now }: Pick<Deps, 'store' | 'now'>) {
  /**
   * Saves a selection (and recurrence rule, grace days: kept when left out). A saved rule applies
   * at once to those already due (the preview showed them with at = now), hence `people: 'all'`.
   */
  async function save(trainingId: TrainingId, body: PutTrainingBody, actor: string): Promise<TrainingConfig> {
    return store.update(
      (db) => {
        checkSelection(db, body)
        const previous = db.trainings[trainingId]
        const config: TrainingConfig = { id: trainingId, connectionId: body.connectionId, campaignIds: [...new Set(body.campaignIds)] }
        const recurrence = body.recurrence ?? previous.recurrence
        const graceDays = body.graceDays ?? previous.graceDays
        if (recurrence) config.recurrence = recurrence
        if (graceDays !== undefined) config.graceDays = graceDays
        db.trainings[trainingId] = config
        auditor(db, actor, now().toISOString())('training.selected', { ...config })
        applyDueResets(db, now(), actor, trainingId)
        return config
      },
      { people: 'all' },
    )
  }

  return {
    list: (): TrainingConfig[] => TRAINING_IDS.map((id) => store.data.trainings[id]),
    save,
    /** Who a rule would reset within 365 days, and when; changes nothing. */
    preview: (trainingId: TrainingId, recurrence: Recurrence) => ({ resets: previewResets(store.data, trainingId, recurrence, now()) }),
  }
}

export type TrainingService = ReturnType<typeof createTrainingService>
