import type { Db } from './schema.ts'

/**
 * What a change touches besides the configuration (connections, campaigns, trainings, grants,
 * schedule, sync runs, OAuth states), which any change may edit. The store writes only what a
 * change names, so a change must name every person (or `'all'`) whose entry, records or
 * retraining it edits, and the id of every token it adds, removes or edits (or `'all'`). Audit
 * events are found by the store itself (the log is append-only).
 */
export type ChangeScope = {
  people?: readonly string[] | 'all'
  tokens?: readonly string[] | 'all'
}

/** The guard runs under vitest, on dbs small enough that a snapshot per update costs nothing. */
const GUARD_MAX_PEOPLE = 5_000

/**
 * A test-time check of `Store.update` scopes. The store writes only what a change names, so a
 * change that edits a person or a token it did not name would be lost at the next restart. Under
 * vitest the store snapshots people and tokens before each change and, after it, throws a
 * programming error naming what changed outside the scope.
 */
export function scopeGuard(db: Db): ((db: Db, scope: ChangeScope) => void) | null {
  if (!process.env.VITEST || db.people.size > GUARD_MAX_PEOPLE) return null
  const people = new Map<string, string>()
  for (const email of new Set([...db.people.keys(), ...db.retraining.keys()])) people.set(email, entry(db, email))
  const tokens = snapshotTokens(db)
  return (after, scope) => {
    if (scope.tokens !== 'all') checkTokens(tokens, after, new Set(scope.tokens ?? []))
    if (scope.people === 'all') return
    const named = new Set(scope.people ?? [])
    const emails = new Set([...people.keys(), ...after.people.keys(), ...after.retraining.keys()])
    for (const email of emails) {
      if (named.has(email)) continue
      if ((people.get(email) ?? entry(emptyLike, email)) !== entry(after, email)) {
        throw new ScopeError(
          `Store.update: the change edited the person ${email} but its scope does not name them (people: [${[...named].join(', ')}]); the edit would not be saved.`,
        )
      }
    }
  }
}

function checkTokens(before: Map<string, string>, after: Db, named: Set<string>): void {
  const now = snapshotTokens(after)
  for (const id of new Set([...before.keys(), ...now.keys()])) {
    if (!named.has(id) && before.get(id) !== now.get(id)) {
      throw new ScopeError(
        `Store.update: the change added, edited or removed the token ${id} but its scope does not name it (tokens: [${[...named].join(', ')}]); the edit would not be saved.`,
      )
    }
  }
}

const snapshotTokens = (db: Db) => new Map(Array.from(db.tokens, ([id, token]) => [id, JSON.stringify(token)]))

const emptyLike = { people: new Map(), retraining: new Map() } as unknown as Db
const entry = (db: Db, email: string) => JSON.stringify([db.people.get(email) ?? null, db.retraining.get(email) ?? null])

export class ScopeError extends Error {
  override name = 'ScopeError'
}
