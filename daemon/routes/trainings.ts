import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { PutTrainingBody, RecurrencePreview, RecurrencePreviewBody } from '../../shared/api.ts'
import { TRAINING_IDS, TrainingConfig, TrainingId } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { invalidRequest } from '../errors.ts'
import type { Db } from '../store/schema.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Deps } from './deps.ts'
import { audit } from '../store/audit.ts'
import { applyDueResets, previewResets } from '../recurrence/resets.ts'

const list = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/trainings',
  tags: ['trainings'],
  summary: 'Which connection and campaigns serve each training',
  responses: { 200: json(z.array(TrainingConfig), 'One config per training.') },
})

const put = defineRoute(ACCESS.write, {
  method: 'put',
  path: '/trainings/{trainingId}',
  tags: ['trainings'],
  summary: "Choose a training's connection and the campaigns that count",
  request: { params: z.object({ trainingId: TrainingId }), body: jsonBody(PutTrainingBody) },
  responses: { 200: json(TrainingConfig, 'The saved config. Statuses follow at the next sync.') },
})

const preview = defineRoute(ACCESS.staff, {
  method: 'post',
  path: '/trainings/{trainingId}/recurrence/preview',
  tags: ['trainings'],
  summary: 'Who a recurrence rule would reset within 365 days, and when (changes nothing)',
  request: { params: z.object({ trainingId: TrainingId }), body: jsonBody(RecurrencePreviewBody) },
  responses: { 200: json(RecurrencePreview, 'The resets, soonest first; `at` is now for those already due.') },
})

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

export function trainingRoutes({ store, now }: Deps) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(list, (c) => c.json(TRAINING_IDS.map((id) => store.data.trainings[id]), 200))
    .openapi(put, async (c) => {
      const { trainingId } = c.req.valid('param')
      const body = c.req.valid('json')
      const actor = c.get('principal')!.actor
      const saved = await store.update((db) => {
        checkSelection(db, body)
        const previous = db.trainings[trainingId]
        const config: TrainingConfig = { id: trainingId, connectionId: body.connectionId, campaignIds: [...new Set(body.campaignIds)] }
        const recurrence = body.recurrence ?? previous.recurrence
        const graceDays = body.graceDays ?? previous.graceDays
        if (recurrence) config.recurrence = recurrence
        if (graceDays !== undefined) config.graceDays = graceDays
        db.trainings[trainingId] = config
        audit(db, actor, 'training.selected', { ...config })
        // A saved rule applies at once to those already due (the preview showed them with at = now).
        applyDueResets(db, now(), actor, trainingId)
        return config
      }, { people: 'all' })
      return c.json(saved, 200)
    })
    .openapi(preview, (c) => {
      const { trainingId } = c.req.valid('param')
      const { recurrence } = c.req.valid('json')
      return c.json({ resets: previewResets(store.data, trainingId, recurrence, now()) }, 200)
    })
}
