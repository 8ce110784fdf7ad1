import type { Db } from '../store/schema.ts'
import { ChangeFeed, type ChangeSource } from './change-feed.ts'

/** What a `GET /me/trainings` answer depends on besides the person: the trainings' settings and the connections. */
export const myTrainingsKey = (db: Db): string => JSON.stringify([db.trainings, db.connections])

/** What a `Person` view depends on besides the person: the trainings' settings. */
export const personKey = (db: Db): string => JSON.stringify(db.trainings)

/** How much a cache may keep: a number of entries, or bytes as `weigh` counts them. */
export type CacheBound<T> = { entries: number } | { bytes: number; weigh: (email: string, value: T) => number }

/** What an entry costs besides its text, roughly (V8, 64-bit): the Map's slot, the entry object, the string's header. */
const ENTRY_OVERHEAD = 80

/**
 * The bytes a cached JSON text takes: V8 keeps a string with only Latin-1 characters at one byte
 * a character, any other at two. The e-mail key is the store's own string, not counted.
 */
export function textBytes(_email: string, text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the Latin-1 range is the point
  return ENTRY_OVERHEAD + (/[^\u0000-\u00ff]/.test(text) ? 2 : 1) * text.length
}

/**
 * Values computed per person (the answers of `GET /me/trainings`, the JSON of a `Person`), kept
 * until that person's data changes: a change that names the person (`ChangeScope.people`) drops
 * their entry; one that names 'all', changes what `sharedKey` reads, or whose extent is unknown
 * drops every entry. Bounded by entries or by bytes: past the bound the oldest go first.
 */
export class PerPersonCache<T> {
  private readonly feed: ChangeFeed
  private readonly entries = new Map<string, { value: T; weight: number }>()
  private key = ''
  private weight = 0
  /** Values computed (misses), for tests and the bench. */
  computed = 0

  constructor(
    private readonly source: ChangeSource,
    private readonly compute: (db: Db, email: string) => T,
    private readonly sharedKey: (db: Db) => string,
    private readonly bound: CacheBound<T> = { entries: 20_000 },
  ) {
    this.feed = new ChangeFeed(source)
  }

  /** What the kept entries weigh: bytes for a cache bounded by bytes, else their number. */
  get size(): number {
    return this.weight
  }

  /** The person's value; `keep: false` computes a missing one without keeping it (a full export must not flush the cache). */
  get(email: string, keep = true): T {
    this.refresh()
    const entry = this.entries.get(email)
    if (entry !== undefined) return entry.value
    const value = this.compute(this.source.data, email)
    this.computed++
    if (keep) this.keep(email, value)
    return value
  }

  private keep(email: string, value: T): void {
    const weight = 'weigh' in this.bound ? this.bound.weigh(email, value) : 1
    const limit = 'weigh' in this.bound ? this.bound.bytes : this.bound.entries
    if (weight > limit) return
    while (this.weight + weight > limit) {
      const [oldest, { weight: dropped }] = this.entries.entries().next().value!
      this.entries.delete(oldest)
      this.weight -= dropped
    }
    this.entries.set(email, { value, weight })
    this.weight += weight
  }

  private refresh(): void {
    const changes = this.feed.take()
    if (changes === null) return
    const key = this.sharedKey(this.source.data)
    if (changes.all || key !== this.key) {
      this.entries.clear()
      this.weight = 0
    } else {
      for (const email of changes.people) {
        const entry = this.entries.get(email)
        if (entry === undefined) continue
        this.entries.delete(email)
        this.weight -= entry.weight
      }
    }
    this.key = key
  }
}
