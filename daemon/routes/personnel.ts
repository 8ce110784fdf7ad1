import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { MeTrainingsQuery, PersonnelQuery, ResetBody } from '../../shared/api.ts'
import { Email, MyTrainings, Person, TrainingId } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Services } from '../services/index.ts'

const EmailParam = z.object({ email: Email })
const JSON_TYPE = { 'content-type': 'application/json' }

const myTrainings = defineRoute(ACCESS.selfOrStaff, {
  method: 'get',
  path: '/me/trainings',
  tags: ['personnel'],
  summary: "The caller's trainings (staff may ask for anyone's with ?email=)",
  request: { query: MeTrainingsQuery },
  responses: { 200: json(MyTrainings, 'Statuses, the number due and the provider of each training.') },
})

const recheck = defineRoute(ACCESS.employee, {
  method: 'post',
  path: '/me/recheck',
  tags: ['personnel'],
  summary: '"I finished - check again": a targeted check of the caller\'s due trainings with the provider',
  responses: {
    200: json(MyTrainings, 'The trainings after the re-check (nothing due: without asking the provider).'),
    429: json(
      z.object({}),
      "Asked again within 60 s (`recheck_rate_limited`), or the provider's daily budget is down to the nightly sync's reserve (`recheck_budget_reserved`); both with Retry-After.",
    ),
  },
})

const list = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/personnel',
  tags: ['personnel'],
  summary: 'Everybody, optionally filtered by training and status',
  request: {
    query: PersonnelQuery.extend({
      limit: z.coerce.number().int().min(1).max(100_000).optional(),
      offset: z.coerce.number().int().min(0).optional(),
    }),
  },
  responses: { 200: json(z.array(Person), 'People, sorted by e-mail.') },
})

const one = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/personnel/{email}',
  tags: ['personnel'],
  summary: 'One person',
  request: { params: EmailParam },
  responses: { 200: json(Person, 'The person.'), 404: json(z.object({}), 'Unknown person.') },
})

const reset = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/personnel/{email}/reset',
  tags: ['personnel'],
  summary: "Clear a person's sticky compliance for one training",
  request: { params: EmailParam, body: jsonBody(ResetBody) },
  responses: { 200: json(Person, 'The person; the next sync evaluates them afresh.'), 404: json(z.object({}), 'Unknown person.') },
})

const certificate = defineRoute(ACCESS.selfOrStaff, {
  method: 'get',
  path: '/personnel/{email}/certificates/{trainingId}',
  tags: ['personnel'],
  summary: 'Evidence of completion as a PDF (staff, or the employee themself)',
  request: { params: EmailParam.extend({ trainingId: TrainingId }) },
  responses: {
    200: { description: 'The certificate.', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
    404: json(z.object({}), 'Unknown person, or not compliant for this training.'),
  },
})

export function personnelRoutes({ people }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(myTrainings, (c) => {
      const email = people.whose(c.get('principal')!, c.req.valid('query').email)
      return c.body(people.myTrainingsJson(email), 200, JSON_TYPE)
    })
    .openapi(recheck, async (c) => c.json(await people.recheck(c.get('principal')!), 200))
    .openapi(list, (c) => c.body(people.listBody(c.req.valid('query')), 200, JSON_TYPE))
    .openapi(one, (c) => c.json(people.one(c.req.valid('param').email), 200))
    .openapi(reset, async (c) => {
      const { email } = c.req.valid('param')
      return c.json(await people.reset(email, c.req.valid('json').training, c.get('principal')!.actor), 200)
    })
    .openapi(certificate, async (c) => {
      const { email, trainingId } = c.req.valid('param')
      const pdf = await people.certificate(c.get('principal')!, email, trainingId)
      return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${trainingId}-${email.replace(/[^a-z0-9.@_-]/g, '_')}.pdf"`,
      })
    })
}
