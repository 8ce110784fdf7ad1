import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Grant, PutGrantBody } from '../../shared/api.ts'
import { Email, type Role } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { notFound } from '../errors.ts'
import { audit } from '../store/audit.ts'
import type { Db } from '../store/schema.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Deps } from './deps.ts'

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

/**
 * A sign-in token carries the role its e-mail's grant gives, now rather than at sign-in: a
 * changed grant applies to the live sign-in tokens of that e-mail at once (tokens an admin issued
 * by hand keep theirs). Returns how many changed.
 */
function applyToSignIns(db: Db, email: string, role: Role): number {
  let changed = 0
  for (const token of db.tokens) {
    if (token.via === 'oidc' && token.email === email && token.role !== role) {
      token.role = role
      changed++
    }
  }
  return changed
}

export function grantRoutes({ store, now }: Deps) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(list, (c) => c.json([...store.data.grants].sort((a, b) => a.email.localeCompare(b.email)), 200))
    .openapi(put, async (c) => {
      const { email } = c.req.valid('param')
      const { role } = c.req.valid('json')
      const actor = c.get('principal')!.actor
      const at = now().toISOString()
      const grant = await store.update((db) => {
        const previous = db.grants.find((item) => item.email === email)
        const next = { email, role, grantedAt: at, grantedBy: actor }
        if (previous) Object.assign(previous, next)
        else db.grants.push(next)
        const tokensChanged = applyToSignIns(db, email, role)
        audit(db, actor, 'grant.set', { email, role, previousRole: previous?.role ?? null, tokensChanged }, at)
        return next
      }, { tokens: true })
      return c.json(grant, 200)
    })
    .openapi(remove, async (c) => {
      const { email } = c.req.valid('param')
      const actor = c.get('principal')!.actor
      const at = now().toISOString()
      await store.update((db) => {
        const index = db.grants.findIndex((item) => item.email === email)
        if (index < 0) throw notFound('Grant')
        const [gone] = db.grants.splice(index, 1)
        const tokensChanged = applyToSignIns(db, email, 'employee')
        audit(db, actor, 'grant.removed', { email, role: gone!.role, tokensChanged }, at)
      }, { tokens: true })
      return c.body(null, 204)
    })
}
