import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { AuthMethods, AuthorizeAnswer, CreatedToken, OidcCallbackBody, OidcStartBody } from '../../shared/api.ts'
import type { OidcSignIn } from '../auth/oidc/client.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { AppError } from '../errors.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Services } from '../services/index.ts'

const methods = defineRoute(ACCESS.public, {
  method: 'get',
  path: '/auth/methods',
  tags: ['sign-in'],
  summary: 'How people sign in: the OpenID Provider, or null when only pasted tokens work',
  responses: { 200: json(AuthMethods, 'Sign-in methods.') },
})

const start = defineRoute(ACCESS.public, {
  method: 'post',
  path: '/auth/oidc/start',
  tags: ['sign-in'],
  summary: 'Start a sign-in: the URL to open in the browser (code flow, PKCE S256, nonce; state single-use for 10 min)',
  request: { body: jsonBody(OidcStartBody) },
  responses: {
    200: json(AuthorizeAnswer, 'Open authorizeUrl; the identity provider comes back to redirectUri with code and state.'),
    404: json(z.object({}), 'No identity provider is configured (`oidc_not_configured`).'),
    502: json(z.object({}), 'The identity provider could not be reached (`oidc_unavailable`).'),
  },
})

const callback = defineRoute(ACCESS.public, {
  method: 'post',
  path: '/auth/oidc/callback',
  tags: ['sign-in'],
  summary: 'Finish a sign-in: the daemon redeems the code, checks the ID token and issues a token',
  request: { body: jsonBody(OidcCallbackBody) },
  responses: {
    201: json(CreatedToken, 'The token of the signed-in person, with the role granted to their e-mail (else employee).'),
    401: json(z.object({}), 'The ID token did not check out: signature, iss, aud, exp or nonce (`sign_in_failed`).'),
    403: json(z.object({}), 'Unverified e-mail, none, or a domain not allowed (`sign_in_refused`).'),
    404: json(z.object({}), 'No identity provider is configured (`oidc_not_configured`).'),
  },
})

function configured(oidc: OidcSignIn | null): OidcSignIn {
  if (oidc === null)
    throw new AppError(
      'oidc_not_configured',
      'Sign-in with an identity provider is not configured on this daemon (TRAINPROOF_OIDC_ISSUER).',
    )
  return oidc
}

export function authRoutes({ oidc, tokens }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(methods, (c) => c.json({ oidc: oidc ? { issuer: oidc.issuer } : null }, 200))
    .openapi(start, async (c) => {
      const answer = await configured(oidc).start(c.req.valid('json').redirectUri)
      return c.json(answer, 200)
    })
    .openapi(callback, async (c) => {
      const who = await configured(oidc).finish(c.req.valid('json'))
      return c.json(await tokens.signIn(who), 201)
    })
}
