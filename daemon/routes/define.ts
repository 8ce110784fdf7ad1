import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import type { z } from 'zod'
import { ErrorBody } from '../../shared/api.ts'
import { requireAccess, type Access } from '../auth/roles.ts'

type Responses = RouteConfig['responses']

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } })

/** The error answers every authenticated route may give, so the OpenAPI document lists them. */
function standardErrors(access: Access, hasInput: boolean): Responses {
  const errors: Responses = {}
  if (hasInput) errors[400] = errorResponse('The request failed validation (`invalid_request`).')
  if (access !== 'public') {
    errors[401] = errorResponse('No token, or an unknown one.')
    errors[403] = errorResponse("The token's role may not do this.")
  }
  return errors
}

export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/**
 * One API route: its OpenAPI description, who may call it (`x-access`, enforced by the route's
 * middleware before any input is read) and the zod schemas that validate its input.
 */
export function defineRoute<
  const R extends Omit<RouteConfig, 'middleware' | 'responses'> & { responses: Responses },
>(access: Access, route: R) {
  const hasInput = Boolean(route.request?.body || route.request?.query || route.request?.params)
  return createRoute({
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
