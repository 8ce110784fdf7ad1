import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import type { z } from 'zod'
import { ErrorBody } from '../../shared/errors.ts'
import { requireAccess, type Access } from '../auth/roles.ts'

type Responses = RouteConfig['responses']

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } })

/** The error answers a route may give, so the OpenAPI document lists them. */
function standardErrors(access: Access, hasInput: boolean): Responses {
  const errors: Responses = {}
  if (hasInput) errors[400] = errorResponse('The request failed validation (`invalid_request`).')
  if (access === 'public') {
    errors[403] = errorResponse('The Host or Origin is not allowed (`forbidden_host`, `forbidden_origin`).')
  } else {
    errors[401] = errorResponse('No token, or an unknown, expired or revoked one.')
    errors[403] = errorResponse("The token's role may not do this, or the Host or Origin is not allowed.")
  }
  return errors
}

/** The bearer scheme every non-public route declares (registered once in app.ts). */
export const BEARER_SCHEME = 'bearerToken'

/**
 * A stable operationId for generated clients, from the method and path when the route names none:
 * `GET /personnel/{email}` → `getPersonnelByEmail`.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment)
      return param ? `By-${param[1]}` : segment
    })
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
  return method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')
}

export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/**
 * One API route: its OpenAPI description, who may call it (`x-access`, enforced by the route's
 * middleware before any input is read) and the zod schemas that validate its input.
 */
export function defineRoute<const R extends Omit<RouteConfig, 'middleware' | 'responses'> & { responses: Responses }>(
  access: Access,
  route: R,
) {
  const hasInput = Boolean(route.request?.body || route.request?.query || route.request?.params)
  return createRoute({
    operationId: operationIdOf(route.method, route.path),
    security: access === 'public' ? [] : [{ [BEARER_SCHEME]: [] }],
    ...route,
    'x-access': access === 'public' || access === 'any' ? access : [...access],
    middleware: [requireAccess(access)] as const,
    responses: { ...standardErrors(access, hasInput), ...route.responses },
  })
}

export const jsonBody = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { 'application/json': { schema } },
})
