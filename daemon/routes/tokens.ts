import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { CreatedToken, CreateTokenBody, TokenInfo } from '../../shared/api.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Services } from '../services/index.ts'

const IdParam = z.object({ id: z.string().min(1).max(200) })

const create = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/tokens',
  tags: ['tokens'],
  summary: 'Issue a token (shown only in this answer)',
  request: { body: jsonBody(CreateTokenBody) },
  responses: { 201: json(CreatedToken, 'The new token; `expiresAt` null when it never expires.') },
})

const list = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/tokens',
  tags: ['tokens'],
  summary: 'Every live token (never the token itself); TRAINPROOF_ADMIN_TOKEN is configuration, not listed',
  responses: { 200: json(z.array(TokenInfo), 'Live tokens, oldest first.') },
})

const revoke = defineRoute(ACCESS.anyToken, {
  method: 'delete',
  path: '/tokens/{id}',
  tags: ['tokens'],
  summary: 'Revoke a token: write roles any, everyone their own (signing out); refused from the next request on',
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked.' }, 404: json(z.object({}), 'No live token has this id.') },
})

export function tokenRoutes({ tokens }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(create, async (c) => c.json(await tokens.issue(c.req.valid('json'), c.get('principal')!.actor), 201))
    .openapi(list, (c) => c.json(tokens.list(), 200))
    .openapi(revoke, async (c) => {
      await tokens.revoke(c.get('principal')!, c.req.valid('param').id)
      return c.body(null, 204)
    })
}
