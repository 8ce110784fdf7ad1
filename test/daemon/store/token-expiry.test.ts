import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Db, StoredToken } from '../../../daemon/store/schema.ts'
import { ExpiryIndex, expiryIndex, noteTokenChanges } from '../../../daemon/store/token-expiry.ts'

const T0 = Date.parse('2026-06-01T00:00:00.000Z')

function token(id: string, expiresAt: number | null): StoredToken {
  return {
    id,
    hash: '0'.repeat(64),
    role: 'employee',
    email: `${id}@x.com`,
    label: id,
    createdAt: new Date(T0).toISOString(),
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    lastUsedAt: null,
    via: 'oidc',
  }
}

/** What a sweep over every token finds expired at `now` (the rule `isExpired` applies). */
const scan = (tokens: Db['tokens'], now: number) =>
  [...tokens.values()].filter((item) => item.expiresAt !== null && Date.parse(item.expiresAt) <= now).map((item) => item.id)

/** Drops what the index names, as the token service does. */
function drop(tokens: Db['tokens'], index: ExpiryIndex, now: number): string[] {
  const expired = index.takeExpired(now)
  for (const id of expired) tokens.delete(id)
  return expired
}

describe('ExpiryIndex', () => {
  it('names the tokens expired at now, exactly at expiresAt, soonest first, once', () => {
    const tokens: Db['tokens'] = new Map([
      ['late', token('late', T0 + 3_000)],
      ['never', token('never', null)],
      ['soon', token('soon', T0 + 1_000)],
      ['edge', token('edge', T0 + 2_000)],
    ])
    const index = new ExpiryIndex(tokens)

    expect(drop(tokens, index, T0 + 999)).toEqual([])
    expect(drop(tokens, index, T0 + 2_000)).toEqual(['soon', 'edge'])
    expect(drop(tokens, index, T0 + 2_000)).toEqual([])
    expect([...tokens.keys()]).toEqual(['late', 'never'])
  })

  it('ignores the entries of revoked tokens and of expiries changed since, once noted', () => {
    const tokens: Db['tokens'] = new Map([
      ['revoked', token('revoked', T0 + 1_000)],
      ['extended', token('extended', T0 + 1_000)],
      ['shortened', token('shortened', T0 + 9_000)],
    ])
    const index = new ExpiryIndex(tokens)

    tokens.delete('revoked')
    tokens.set('extended', token('extended', T0 + 5_000))
    tokens.set('shortened', token('shortened', T0 + 500))
    for (const id of ['revoked', 'extended', 'shortened']) index.note(id)

    expect(drop(tokens, index, T0 + 1_000)).toEqual(['shortened'])
    expect(drop(tokens, index, T0 + 5_000)).toEqual(['extended'])
  })

  it('does not grow with notes that change no expiry (a lastUsedAt flush), and sheds dead entries', () => {
    const tokens: Db['tokens'] = new Map(Array.from({ length: 100 }, (_, n) => [`t${n}`, token(`t${n}`, T0 + n)]))
    const index = new ExpiryIndex(tokens)
    for (let round = 0; round < 50; round++) for (const id of tokens.keys()) index.note(id)
    expect(index.entries).toBe(100)

    // Revoke and re-add under new ids many times: dead entries are dropped once they outnumber the live ones.
    for (let n = 0; n < 5_000; n++) {
      tokens.delete(`t${n}`)
      index.note(`t${n}`)
      tokens.set(`t${n + 100}`, token(`t${n + 100}`, T0 + 10_000 + n))
      index.note(`t${n + 100}`)
    }
    expect(index.entries).toBeLessThanOrEqual(2 * tokens.size + 1_024)
    const expected = scan(tokens, T0 + 20_000)
    expect(drop(tokens, index, T0 + 20_000).sort()).toEqual(expected.sort())
  })

  it('is kept per tokens Map: the store notes the ids a change named, and "all" rebuilds it', () => {
    const tokens: Db['tokens'] = new Map([['a', token('a', T0 + 1_000)]])
    const index = expiryIndex(tokens)
    expect(expiryIndex(tokens)).toBe(index)

    tokens.set('b', token('b', T0 + 500))
    noteTokenChanges(tokens, ['b'])
    expect(drop(tokens, index, T0 + 600)).toEqual(['b'])

    tokens.set('c', token('c', T0 + 100))
    noteTokenChanges(tokens, 'all')
    expect(expiryIndex(tokens)).not.toBe(index)
    expect(expiryIndex(tokens).takeExpired(T0 + 1_000)).toEqual(['c', 'a'])
    expect(expiryIndex(new Map(tokens))).not.toBe(expiryIndex(tokens))
  })

  it('names what a scan of every token names, after any mix of adds, edits, revokes and sweeps', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        id: fc.integer({ min: 0, max: 30 }),
        at: fc.option(fc.integer({ min: 0, max: 100 })),
      }),
      fc.record({ kind: fc.constant('revoke' as const), id: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('sweep' as const), now: fc.integer({ min: 0, max: 100 }) }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.boolean(), (ops, early) => {
        const tokens: Db['tokens'] = new Map()
        // The index built before the first change or only at the first sweep: both must agree with the scan.
        let index: ExpiryIndex | null = early ? new ExpiryIndex(tokens) : null
        for (const step of ops) {
          if (step.kind === 'sweep') {
            index ??= new ExpiryIndex(tokens)
            const expected = scan(tokens, T0 + step.now)
            const got = drop(tokens, index, T0 + step.now)
            expect(got.sort()).toEqual(expected.sort())
            continue
          }
          const id = `t${step.id}`
          if (step.kind === 'put') tokens.set(id, token(id, step.at === null ? null : T0 + step.at))
          else tokens.delete(id)
          index?.note(id)
        }
      }),
    )
  })
})
