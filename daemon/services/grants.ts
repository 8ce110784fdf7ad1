import type { Grant } from '../../shared/api.ts'
import type { Role } from '../../shared/domain.ts'
import { notFound } from '../errors.ts'
import type { Db } from '../store/schema.ts'
import { auditor } from './audit.ts'
import type { Deps } from './deps.ts'

/**
 * A sign-in token carries the role its e-mail's grant gives, now rather than at sign-in: a
 * changed grant applies to the live sign-in tokens of that e-mail at once (tokens an admin issued
 * by hand keep theirs). Returns the ids of those that changed.
 */
function applyToSignIns(db: Db, email: string, role: Role): string[] {
  const changed: string[] = []
  // A scan of every token: grants change rarely, by hand.
  for (const token of db.tokens.values()) {
    if (token.via === 'oidc' && token.email === email && token.role !== role) {
      token.role = role
      changed.push(token.id)
    }
  }
  return changed
}

/** Staff roles granted to e-mails; everyone else who signs in is an employee. */
export function createGrantService({ store, now }: Pick<Deps, 'store' | 'now'>) {
  return {
    list: (): Grant[] => [...store.data.grants].sort((a, b) => a.email.localeCompare(b.email)),
    async set(email: string, role: Grant['role'], actor: string): Promise<Grant> {
      const at = now().toISOString()
      const { grant } = await store.update(
        (db) => {
          const previous = db.grants.find((item) => item.email === email)
          const next = { email, role, grantedAt: at, grantedBy: actor }
          if (previous) Object.assign(previous, next)
          else db.grants.push(next)
          const tokens = applyToSignIns(db, email, role)
          auditor(db, actor, at)('grant.set', { email, role, previousRole: previous?.role ?? null, tokensChanged: tokens.length })
          return { grant: next, tokens }
        },
        ({ tokens }) => ({ tokens }),
      )
      return grant
    },
    async remove(email: string, actor: string): Promise<void> {
      const at = now().toISOString()
      await store.update(
        (db) => {
          const index = db.grants.findIndex((item) => item.email === email)
          if (index < 0) throw notFound('Grant')
          const [gone] = db.grants.splice(index, 1)
          const tokens = applyToSignIns(db, email, 'employee')
          auditor(db, actor, at)('grant.removed', { email, role: gone!.role, tokensChanged: tokens.length })
          return tokens
        },
        (tokens) => ({ tokens }),
      )
    },
  }
}

export type GrantService = ReturnType<typeof createGrantService>
