import type { Db } from '../store/schema.ts'
import { ChangeFeed, type ChangeSource } from './change-feed.ts'

/** What a `GET /me/trainings` answer depends on besides the person: the trainings' settings and the connections. */
export const myTrainingsKey = (db: Db): string => JSON.stringify([db.trainings, db.connections])

/** What a `Person` view depends on besides the person: the trainings' settings. */
export const personKey = (db: Db): string => JSON.stringify(db.trainings)

/**
 * Values computed per person (the answers of `GET /me/trainings`, the JSON of a `Person`), kept
 * until that person's data changes: a change that names the person (`ChangeScope.people`) drops
 * their entry; one that names 'all', changes what `sharedKey` reads, or whose extent is unknown
 * drops every entry. Bounded: past `max` entries the oldest go first.
 */
export class PerPersonCache<T> {
  private readonly feed: ChangeFeed
  private readonly entries = new Map<string, T>()
  private key = ''
  /** Values computed (misses), for tests and the bench. */
  computed = 0

  constructor(
    private readonly source: ChangeSource,
    private readonly compute: (db: Db, email: string) => T,
    private readonly sharedKey: (db: Db) => string,
    private readonly max = 20_000,
  ) {
    this.feed = new ChangeFeed(source)
  }

  /** The person's value; `keep: false` computes a missing one without keeping it (a full export must not flush the cache). */
  get(email: string, keep = true): T {
    this.refresh()
    let value = this.entries.get(email)
    if (value === undefined) {
      value = this.compute(this.source.data, email)
      this.computed++
      if (!keep) return value
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(email, value)
    }
    return value
  }

  private refresh(): void {
    const changes = this.feed.take()
    if (changes === null) return
    const key = this.sharedKey(this.source.data)
    if (changes.all || key !== this.key) this.entries.clear()
    else for (const email of changes.people) this.entries.delete(email)
    this.key = key
  }
}
