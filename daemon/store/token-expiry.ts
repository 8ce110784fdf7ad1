import type { Db, StoredToken } from './schema.ts'

/**
 * When the tokens expire, soonest first (a binary min-heap), so a sign-in drops the expired ones
 * in O(k log n) instead of looking at every token. It is kept beside one tokens Map: built from it
 * on first use, then told by the store which ids each change named (`noteTokenChanges`), so a
 * token added, edited or removed by any change is seen. A heap entry is checked when it comes out
 * (the token must still be there with that expiry), so a revoked token's or an edited expiry's old
 * entry does no harm; such dead entries are dropped in one pass once they outnumber the live ones.
 */
export class ExpiryIndex {
  /** The heap, as two parallel arrays: expiry (epoch ms) and token id. */
  private readonly times: number[] = []
  private readonly ids: string[] = []
  /** Each indexed token's expiry as it is in the heap: a note that changes nothing adds nothing. */
  private readonly indexed = new Map<string, number>()

  constructor(private readonly tokens: Db['tokens']) {
    for (const token of tokens.values()) {
      const ms = expiryMs(token)
      if (ms === null) continue
      this.indexed.set(token.id, ms)
      this.times.push(ms)
      this.ids.push(token.id)
    }
    this.heapify()
  }

  /** Entries in the heap, live or dead (tests). */
  get entries(): number {
    return this.times.length
  }

  /** The token `id` was added, edited or removed: index its expiry as it is now. */
  note(id: string): void {
    const token = this.tokens.get(id)
    const ms = token === undefined ? null : expiryMs(token)
    if (ms === null) {
      this.indexed.delete(id)
      return
    }
    if (this.indexed.get(id) === ms) return
    this.indexed.set(id, ms)
    this.push(ms, id)
    if (this.times.length > 2 * this.indexed.size + 1_024) this.rebuild()
  }

  /**
   * The ids of the tokens expired at `nowMs` (expiry ≤ now, as `isExpired`), soonest first; they
   * leave the index, the caller removes them from the Map.
   */
  takeExpired(nowMs: number): string[] {
    const expired: string[] = []
    while (this.times.length > 0 && this.times[0]! <= nowMs) {
      const ms = this.times[0]!
      const id = this.ids[0]!
      this.pop()
      if (this.indexed.get(id) !== ms) continue
      const token = this.tokens.get(id)
      // Edited within the change now running (not noted yet): the store notes it after the change.
      if (token === undefined || expiryMs(token) !== ms) continue
      this.indexed.delete(id)
      expired.push(id)
    }
    return expired
  }

  private rebuild(): void {
    this.times.length = 0
    this.ids.length = 0
    for (const [id, ms] of this.indexed) {
      this.times.push(ms)
      this.ids.push(id)
    }
    this.heapify()
  }

  private heapify(): void {
    for (let i = (this.times.length >> 1) - 1; i >= 0; i--) this.down(i)
  }

  private push(ms: number, id: string): void {
    const { times, ids } = this
    let i = times.length
    times.push(ms)
    ids.push(id)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (times[parent]! <= ms) break
      times[i] = times[parent]!
      ids[i] = ids[parent]!
      i = parent
    }
    times[i] = ms
    ids[i] = id
  }

  private pop(): void {
    const { times, ids } = this
    const lastTime = times.pop()!
    const lastId = ids.pop()!
    if (times.length === 0) return
    times[0] = lastTime
    ids[0] = lastId
    this.down(0)
  }

  private down(start: number): void {
    const { times, ids } = this
    const n = times.length
    const ms = times[start]!
    const id = ids[start]!
    let i = start
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      if (child + 1 < n && times[child + 1]! < times[child]!) child++
      if (times[child]! >= ms) break
      times[i] = times[child]!
      ids[i] = ids[child]!
      i = child
    }
    times[i] = ms
    ids[i] = id
  }
}

/** The expiry of a token in epoch ms, null when it never expires. */
function expiryMs(token: StoredToken): number | null {
  if (token.expiresAt === null) return null
  const ms = Date.parse(token.expiresAt)
  // Not a time (it never is, the files are checked): `isExpired` never refuses it either.
  return Number.isNaN(ms) ? null : ms
}

/** One index per tokens Map: a Map read back from the files (a rollback) gets a fresh one. */
const indexes = new WeakMap<Db['tokens'], ExpiryIndex>()

/** The expiry index of `tokens`, built on first use. */
export function expiryIndex(tokens: Db['tokens']): ExpiryIndex {
  let index = indexes.get(tokens)
  if (index === undefined) {
    index = new ExpiryIndex(tokens)
    indexes.set(tokens, index)
  }
  return index
}

/** After a change: the ids it named are indexed afresh; `'all'` drops the index (rebuilt on next use). */
export function noteTokenChanges(tokens: Db['tokens'], named: readonly string[] | 'all' | undefined): void {
  if (named === undefined) return
  if (named === 'all') {
    indexes.delete(tokens)
    return
  }
  const index = indexes.get(tokens)
  if (index !== undefined) for (const id of named) index.note(id)
}
