import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Campaign, Connection, SyncRun } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Services } from '../services/index.ts'

const IdParam = z.object({ id: z.string().min(1).max(200) })

const list = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/connections',
  tags: ['connections'],
  summary: 'Provider connections and their status',
  responses: { 200: json(z.array(Connection), 'Connections (never a secret).') },
})

const createRoute = (body: z.ZodType) =>
  defineRoute(ACCESS.write, {
    method: 'post',
    path: '/connections',
    tags: ['connections'],
    summary: 'Connect a provider with typed-in credentials (checked with one live call)',
    request: { body: jsonBody(body) },
    responses: {
      201: json(Connection, 'The new connection; its campaign list is fetched at once.'),
      422: json(z.object({}), 'The provider rejected the credentials (`provider_auth_failed`).'),
    },
  })

const renewRoute = (body: z.ZodType) =>
  defineRoute(ACCESS.write, {
    method: 'put',
    path: '/connections/{id}/credentials',
    tags: ['connections'],
    summary: "Renew a connection's typed-in credentials (a new token): same id, selections and records",
    request: { params: IdParam, body: jsonBody(body) },
    responses: {
      200: json(Connection, 'The renewed connection (status connected); its campaign list is fetched again.'),
      400: json(z.object({}), 'Credentials of another provider, or a provider that renews through its sign-in flow.'),
      404: json(z.object({}), 'Unknown connection.'),
      422: json(z.object({}), 'The provider rejected the credentials (`provider_auth_failed`); the connection is unchanged.'),
    },
  })

const remove = defineRoute(ACCESS.write, {
  method: 'delete',
  path: '/connections/{id}',
  tags: ['connections'],
  summary: 'Disconnect; its campaigns leave every selection, sticky records stay',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted.' }, 404: json(z.object({}), 'Unknown connection.') },
})

const campaigns = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/connections/{id}/campaigns',
  tags: ['connections'],
  summary: "A connection's campaigns as of its last sync",
  request: { params: IdParam },
  responses: { 200: json(z.array(Campaign), 'Campaigns.'), 404: json(z.object({}), 'Unknown connection.') },
})

const syncOne = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/connections/{id}/sync',
  tags: ['sync'],
  summary: 'Sync one connection now; answers when it ends',
  request: { params: IdParam },
  responses: {
    200: json(SyncRun, 'The run (ok: false when it failed; nothing changed then).'),
    404: json(z.object({}), 'Unknown connection.'),
  },
})

const syncAll = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/sync',
  tags: ['sync'],
  summary: 'Sync every connection now',
  responses: { 200: json(z.array(SyncRun), 'One run per connection.') },
})

export function connectionRoutes({ connections, providers, sync }: Services) {
  const create = createRoute(providers.directBody())
  const renew = renewRoute(providers.directBody())
  const app = new OpenAPIHono<AuthEnv>()
    .openapi(list, (c) => c.json(connections.list(), 200))
    .openapi(remove, async (c) => {
      await connections.remove(c.req.valid('param').id, c.get('principal')!.actor)
      return c.body(null, 204)
    })
    .openapi(campaigns, (c) => c.json(connections.campaigns(c.req.valid('param').id), 200))
    .openapi(syncOne, async (c) => c.json(await sync.syncConnection(c.req.valid('param').id, c.get('principal')!.actor), 200))
    .openapi(syncAll, async (c) => c.json(await sync.syncAll(c.get('principal')!.actor), 200))
  return app
    .openapi(renew, async (c) => {
      const body = c.req.valid('json') as { provider: string }
      return c.json(await connections.renew(c.req.valid('param').id, body, c.get('principal')!.actor), 200)
    })
    .openapi(create, async (c) => {
      const body = c.req.valid('json') as { provider: string }
      return c.json(await connections.create(body, c.get('principal')!.actor), 201)
    })
}
