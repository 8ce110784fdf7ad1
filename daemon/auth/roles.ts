import type { MiddlewareHandler } from 'hono'
import { STAFF_ROLES, WRITE_ROLES, type Role } from '../../shared/domain.ts'
import { AppError } from '../errors.ts'
import type { Store } from '../store/store.ts'
import type { TokenActivity } from './activity.ts'
import { authenticate, type Principal } from './tokens.ts'

export type AuthEnv = { Variables: { principal: Principal | null } }

/** Who may call a route: a list of roles, 'any' token, or 'public' (no token). */
export type Access = 'public' | 'any' | readonly Role[]

export const ACCESS = {
  public: 'public',
  anyToken: 'any',
  staff: STAFF_ROLES,
  write: WRITE_ROLES,
  /** Staff, or an employee for their own data (the handler checks whose). */
  selfOrStaff: [...STAFF_ROLES, 'employee'],
  /** Employees only, for their own data (`POST /me/recheck`). */
  employee: ['employee'],
} as const satisfies Record<string, Access>

/** Reads the bearer token, if any, into `principal`; an unknown, revoked or expired token is a 401 at once. */
export function readPrincipal(
  store: Store,
  adminTokenHash: string | null,
  clock: { now: () => Date; activity: TokenActivity },
): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    if (header === undefined) {
      c.set('principal', null)
      return next()
    }
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header)
    const now = clock.now()
    const principal = match ? authenticate(store, adminTokenHash, match[1] as string, now) : null
    if (!principal) throw new AppError('unauthorized', 'The bearer token is missing, unknown, revoked or expired.')
    clock.activity.touch(principal.tokenId, now)
    c.set('principal', principal)
    await next()
  }
}

export function requireAccess(access: Access): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    if (access === 'public') return next()
    const principal = c.get('principal')
    if (!principal) throw new AppError('unauthorized', 'This request needs a bearer token.')
    if (access !== 'any' && !access.includes(principal.role)) {
      throw new AppError('forbidden', `This ${principal.role} token may not do this.`)
    }
    await next()
  }
}

export const isStaff = (principal: Principal) => (STAFF_ROLES as readonly Role[]).includes(principal.role)
