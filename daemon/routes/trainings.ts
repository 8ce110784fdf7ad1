import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { PutTrainingBody, RecurrencePreview, RecurrencePreviewBody } from '../../shared/api.ts'
import { TrainingConfig, TrainingId } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Services } from '../services/index.ts'

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

export function trainingRoutes({ trainings }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(list, (c) => c.json(trainings.list(), 200))
    .openapi(put, async (c) => {
      const { trainingId } = c.req.valid('param')
      return c.json(await trainings.save(trainingId, c.req.valid('json'), c.get('principal')!.actor), 200)
    })
    .openapi(preview, (c) => {
      const { trainingId } = c.req.valid('param')
      return c.json(trainings.preview(trainingId, c.req.valid('json').recurrence), 200)
    })
}
