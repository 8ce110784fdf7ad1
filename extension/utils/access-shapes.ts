import { z } from 'zod'
import { Role } from '../../shared/domain.ts'

/**
 * The extension's reading of the sign-in, token and grant answers of api.md. Lenient on extra
 * fields, so a newer daemon still works.
 */
export const AuthMethods = z.object({ oidc: z.object({ issuer: z.string() }).nullable() })
export type AuthMethods = z.infer<typeof AuthMethods>

export const OidcStart = z.object({ authorizeUrl: z.string(), state: z.string() })

export const IssuedToken = z.object({
  token: z.string(),
  id: z.string(),
  role: Role,
  email: z.string().nullable(),
  expiresAt: z.string().nullable().optional(),
})
export type IssuedToken = z.infer<typeof IssuedToken>

export const TokenInfo = z.object({
  id: z.string(),
  role: Role,
  email: z.string().nullable(),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  via: z.string(),
})
export type TokenInfo = z.infer<typeof TokenInfo>

export const Grant = z.object({ email: z.string(), role: Role, grantedAt: z.string(), grantedBy: z.string() })
export type Grant = z.infer<typeof Grant>
