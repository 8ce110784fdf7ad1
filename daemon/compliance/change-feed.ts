import type { ChangeScope } from '../store/store.ts'
import type { Db } from '../store/schema.ts'

/** What a read-side index needs of the store: the data, its revision and (optionally) each change's scope. */
export type ChangeSource = {
  readonly data: Db
  readonly revision: number
  onChange?(listener: (scope: ChangeScope) => void): () => void
}

/** What changed since the last look: everything, or only these people. */
export type Changes = { all: true } | { all: false; people: ReadonlySet<string> }

/**
 * Collects the people named by each store change between two reads, for indexes that refresh only
 * what changed. Whenever it cannot be sure — the first read, a change that named 'all', the people
 * object replaced (a rollback, a migration), or a revision that moved without a scope reaching it
 * (a store without `onChange`) — it answers "everything", so a reader is never stale.
 */
export class ChangeFeed {
  private people = new Set<string>()
  private all = true
  private scopes = 0
  private lastRevision = Number.NaN
  private lastScopes = 0
  private lastPeople: Db['people'] | null = null

  constructor(private readonly source: ChangeSource) {
    source.onChange?.((scope) => {
      this.scopes++
      if (scope.people === 'all') this.all = true
      else if (!this.all) for (const email of scope.people ?? []) this.people.add(email)
    })
  }

  /** The changes since the previous call, or null when the store has not moved. */
  take(): Changes | null {
    const revision = this.source.revision
    const people = this.source.data.people
    if (revision === this.lastRevision && people === this.lastPeople) return null
    const unseen = this.scopes - this.lastScopes !== revision - this.lastRevision
    const changes: Changes = this.all || unseen || people !== this.lastPeople ? { all: true } : { all: false, people: this.people }
    this.lastRevision = revision
    this.lastScopes = this.scopes
    this.lastPeople = people
    this.all = false
    this.people = new Set()
    return changes
  }
}
