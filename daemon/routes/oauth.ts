import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { AuthorizeAnswer, AuthorizeBody, CallbackBody } from '../../shared/api.ts'
import { Connection } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Services } from '../services/index.ts'

const ProviderParam = z.object({ provider: z.string().min(1).max(50) })

const authorize = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/connections/{provider}/authorize',
  tags: ['connections'],
  summary: 'Start an OAuth connection (Huntress): where to send the browser',
  request: { params: ProviderParam, body: jsonBody(AuthorizeBody) },
  responses: { 200: json(AuthorizeAnswer, 'Open authorizeUrl; the state is single-use and lasts 10 minutes.') },
})

const callback = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/connections/{provider}/callback',
  tags: ['connections'],
  summary: 'Finish an OAuth connection with the code the redirect brought back',
  request: { params: ProviderParam, body: jsonBody(CallbackBody) },
  responses: {
    201: json(Connection, 'The new connection.'),
    409: json(
      z.object({}),
      'The login sees several accounts: `account_choice_required` with `details.choices` and a new single-use `details.state` (the first one is spent); post again with that state, the same code and accountId.',
    ),
    422: json(z.object({}), 'The provider refused the code (`provider_auth_failed`).'),
  },
})

export function oauthRoutes({ oauth }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(authorize, async (c) => {
      const { provider } = c.req.valid('param')
      return c.json(await oauth.authorize(provider, c.req.valid('json').redirectUri), 200)
    })
    .openapi(callback, async (c) => {
      const { provider } = c.req.valid('param')
      return c.json(await oauth.callback(provider, c.req.valid('json'), c.get('principal')!.actor), 201)
    })
}
