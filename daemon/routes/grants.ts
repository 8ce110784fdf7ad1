import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Grant, PutGrantBody } from '../../shared/api.ts'
import { Email } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Services } from '../services/index.ts'

const EmailParam = z.object({ email: Email })

const list = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/grants',
  tags: ['access'],
  summary: 'Staff roles granted to e-mails (everyone else who signs in is an employee)',
  responses: { 200: json(z.array(Grant), 'Grants ordered by e-mail.') },
})

const put = defineRoute(ACCESS.write, {
  method: 'put',
  path: '/grants/{email}',
  tags: ['access'],
  summary: "Grant a staff role to an e-mail; that person's live sign-in tokens take the role at once",
  request: { params: EmailParam, body: jsonBody(PutGrantBody) },
  responses: { 200: json(Grant, 'The grant.') },
})

const remove = defineRoute(ACCESS.write, {
  method: 'delete',
  path: '/grants/{email}',
  tags: ['access'],
  summary: "Remove a grant; that person's live sign-in tokens become employee tokens at once",
  request: { params: EmailParam },
  responses: { 204: { description: 'Removed.' }, 404: json(z.object({}), 'No grant for this e-mail.') },
})

export function grantRoutes({ grants }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(list, (c) => c.json(grants.list(), 200))
    .openapi(put, async (c) => {
      const { email } = c.req.valid('param')
      const { role } = c.req.valid('json')
      return c.json(await grants.set(email, role, c.get('principal')!.actor), 200)
    })
    .openapi(remove, async (c) => {
      await grants.remove(c.req.valid('param').email, c.get('principal')!.actor)
      return c.body(null, 204)
    })
}
