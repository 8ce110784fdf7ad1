import * as g from './guard.ts'
import { Role } from './answers.ts'

/**
 * The extension's reading of the sign-in, token and grant answers of api.md. Lenient on extra
 * fields, so a newer daemon still works.
 */
export const AuthMethods = g.object({ oidc: g.nullable(g.object({ issuer: g.string })) })
export type AuthMethods = g.Infer<typeof AuthMethods>

export const OidcStart = g.object({ authorizeUrl: g.string, state: g.string })

export const IssuedToken = g.object({
  token: g.string,
  id: g.string,
  role: Role,
  email: g.nullable(g.string),
  expiresAt: g.optional(g.nullable(g.string)),
})
export type IssuedToken = g.Infer<typeof IssuedToken>

export const TokenInfo = g.object({
  id: g.string,
  role: Role,
  email: g.nullable(g.string),
  label: g.string,
  createdAt: g.string,
  expiresAt: g.nullable(g.string),
  lastUsedAt: g.nullable(g.string),
  via: g.string,
})
export type TokenInfo = g.Infer<typeof TokenInfo>

export const Grant = g.object({ email: g.string, role: Role, grantedAt: g.string, grantedBy: g.string })
export type Grant = g.Infer<typeof Grant>
