import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Health, Me } from '../../shared/api.ts'
import { AuditEvent } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json } from './define.ts'
import type { Services } from '../services/index.ts'

const health = defineRoute(ACCESS.public, {
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary: 'Liveness and version',
  responses: { 200: json(Health, 'The daemon is up.') },
})

const me = defineRoute(ACCESS.anyToken, {
  method: 'get',
  path: '/me',
  tags: ['system'],
  summary: "The token's role and e-mail",
  responses: { 200: json(Me, 'Who this token is.') },
})

const audit = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/audit',
  tags: ['system'],
  summary: 'Audit events, newest first, paged back with `before` (the log is append-only)',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      before: z
        .string()
        .regex(/^\d{1,15}$/, 'an audit event id')
        .optional()
        .describe('answer the events older than this one (exclusive)'),
    }),
  },
  responses: { 200: json(z.array(AuditEvent), 'Audit events.') },
})

export function systemRoutes({ audit: log, version }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(health, (c) => c.json({ ok: true as const, version }, 200))
    .openapi(me, (c) => {
      const principal = c.get('principal')!
      return c.json({ role: principal.role, email: principal.email }, 200)
    })
    .openapi(audit, (c) => {
      const { limit, before } = c.req.valid('query')
      return c.json(log.page(limit, before), 200)
    })
}
