import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ProviderDescription } from '../../shared/api.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json } from './define.ts'
import type { Services } from '../services/index.ts'

// Any token: admins render connect forms from it, employees the brand of their provider.
const list = defineRoute(ACCESS.anyToken, {
  method: 'get',
  path: '/providers',
  tags: ['connections'],
  summary: 'The providers this daemon speaks, as they describe themselves (name, brand, how to connect, learner portal)',
  responses: { 200: json(z.array(ProviderDescription), 'Provider descriptions, in registry order.') },
})

export function providerRoutes({ providers }: Services) {
  return new OpenAPIHono<AuthEnv>().openapi(list, (c) => c.json(providers.descriptions(), 200))
}
