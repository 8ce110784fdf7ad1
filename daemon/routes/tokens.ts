import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { CreatedToken, CreateTokenBody, TokenInfo } from '../../shared/api.ts'
import { WRITE_ROLES, type Role } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { isExpired, issueToken, tokenInfo } from '../auth/tokens.ts'
import { AppError, notFound } from '../errors.ts'
import { audit } from '../store/audit.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Deps } from './deps.ts'

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

const canWrite = (role: Role) => (WRITE_ROLES as readonly Role[]).includes(role)

export function tokenRoutes({ store, now, activity }: Deps) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(create, async (c) => {
      const body = c.req.valid('json')
      const email = body.email ?? null
      const label = body.label ?? email ?? body.role
      const input = { role: body.role, email, label, expiresInDays: body.expiresInDays ?? null, via: 'issued' as const }
      const { token, stored } = await issueToken(store, input, c.get('principal')!.actor, now())
      return c.json({ token, id: stored.id, role: stored.role, email: stored.email, expiresAt: stored.expiresAt }, 201)
    })
    .openapi(list, (c) => {
      const at = now()
      const live = store.data.tokens.filter((token) => !isExpired(token, at))
      return c.json(live.map((token) => tokenInfo(token, activity.lastUsed(token.id))), 200)
    })
    .openapi(revoke, async (c) => {
      const { id } = c.req.valid('param')
      const principal = c.get('principal')!
      const own = principal.tokenId === id
      if (!own && !canWrite(principal.role)) throw new AppError('forbidden', `A ${principal.role} token may only revoke itself.`)
      await store.update((db) => {
        const index = db.tokens.findIndex((token) => token.id === id && !isExpired(token, now()))
        if (index < 0) throw notFound('Token')
        const [gone] = db.tokens.splice(index, 1)
        audit(db, principal.actor, own ? 'token.signed_out' : 'token.revoked', { tokenId: id, role: gone!.role, email: gone!.email, label: gone!.label }, now().toISOString())
      }, { tokens: true })
      activity.forget(id)
      return c.body(null, 204)
    })
}
