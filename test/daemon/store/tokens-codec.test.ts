import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db, StoredToken } from '../../../daemon/store/schema.ts'
import { readStoreFiles, Store, StoreError } from '../../../daemon/store/store.ts'
import {
  applyTokenJournalLine,
  decodeTokensFile,
  isoTime,
  tokenJournalLine,
  TokensFile,
  TOKENS_FORMAT,
} from '../../../daemon/store/tokens-codec.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trainproof-tokens-codec-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function token(id: string, extra: Partial<StoredToken> = {}): StoredToken {
  return {
    id,
    hash: createHash('sha256').update(id).digest('hex'),
    role: 'employee',
    email: `${id}@x.com`,
    label: `Label ${id}`,
    createdAt: '2026-01-01T08:30:00.123Z',
    expiresAt: '2026-01-31T08:30:00.123Z',
    lastUsedAt: null,
    via: 'oidc',
    ...extra,
  }
}

const byId = (tokens: StoredToken[]): Db['tokens'] => new Map(tokens.map((item) => [item.id, item]))

/** Every kind of value a token holds: each role and via, nulls, and times toISOString would not write. */
const variety = (): StoredToken[] => [
  token('a'),
  token('admin', { role: 'admin', email: null, label: 'bootstrap', expiresAt: null, via: 'bootstrap' }),
  token('wm', { role: 'workspace_manager', via: 'issued', lastUsedAt: '2026-01-02T00:00:00.000Z' }),
  token('dev', { role: 'devops_engineer', createdAt: '2026-01-01T00:00:00Z', lastUsedAt: '2026-01-02T01:00:00+01:00' }),
  token('ar', { role: 'access_reviewer', label: 'Zoë "quoted" \u2028 label', createdAt: '1969-12-31T23:59:59.999Z' }),
  token('far', { expiresAt: '9999-12-31T23:59:59.999Z' }),
]

async function written(tokens: StoredToken[]): Promise<string> {
  const file = join(dir, 'tokens.json')
  await new TokensFile(file).write(byId(tokens))
  return file
}

describe('the compact tokens file', () => {
  it('reads back exactly what was written, in order and with the same key order, times as epoch ms where exact', async () => {
    const tokens = variety()
    const file = await written(tokens)

    const read = await new TokensFile(file).read()

    expect([...read.values()].map((item) => JSON.stringify(item))).toEqual(tokens.map((item) => JSON.stringify(item)))
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { format: string; version: number; count: number; rows: unknown[][] }
    expect([raw.format, raw.version, raw.count]).toEqual([TOKENS_FORMAT, 1, tokens.length])
    expect(raw.rows[0]).toEqual([
      'a',
      tokens[0]!.hash,
      4,
      'a@x.com',
      'Label a',
      Date.parse('2026-01-01T08:30:00.123Z'),
      Date.parse('2026-01-31T08:30:00.123Z'),
      null,
      1,
    ])
    // Not toISOString's own form: kept as the string, so it reads back unchanged.
    expect(raw.rows[3]![5]).toBe('2026-01-01T00:00:00Z')
    expect(raw.rows[3]![7]).toBe('2026-01-02T01:00:00+01:00')
  })

  it('writes more than one chunk and an empty file', async () => {
    const many = Array.from({ length: 2_345 }, (_, n) => token(`t${n}`, { lastUsedAt: new Date(Date.UTC(2026, 0, 2) + n).toISOString() }))
    expect([...(await new TokensFile(await written(many)).read()).values()]).toEqual(many)
    expect(await new TokensFile(await written([])).read()).toEqual(new Map())
  })

  it('formats epoch ms exactly as toISOString does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString())
      }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(10_000, 0, 1) + 1_000 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString())
      }),
    )
  })

  it.each([
    [
      'a row that is not a list',
      (rows: unknown[][]) => {
        rows[1] = { id: 'x' } as never
      },
      'token 2: not a token row of 9',
    ],
    [
      'a short row',
      (rows: unknown[][]) => {
        rows[1]!.pop()
      },
      'token 2: not a token row of 9',
    ],
    [
      'an unknown role',
      (rows: unknown[][]) => {
        rows[2]![2] = 9
      },
      'token 3: role is not a role index',
    ],
    [
      'a hash that is not hex',
      (rows: unknown[][]) => {
        rows[0]![1] = 'A'.repeat(64)
      },
      'token 1: hash is not a SHA-256 in hex',
    ],
    [
      'a time that is not one',
      (rows: unknown[][]) => {
        rows[1]![6] = 'yesterday'
      },
      'token 2: expiresAt is not a time',
    ],
    [
      'a fractional time',
      (rows: unknown[][]) => {
        rows[1]![5] = 1.5
      },
      'token 2: createdAt is not a time',
    ],
    [
      'an unknown via',
      (rows: unknown[][]) => {
        rows[0]![8] = -1
      },
      'token 1: via is not a via index',
    ],
    [
      'an e-mail that is a number',
      (rows: unknown[][]) => {
        rows[0]![3] = 5
      },
      'token 1: email is neither a string nor null',
    ],
    [
      'an id twice',
      (rows: unknown[][]) => {
        rows[2]![0] = rows[0]![0]
      },
      'token 3: the id a appears twice',
    ],
  ])('refuses %s, naming the row and what is wrong', async (_what, damage, message) => {
    const file = await written(variety())
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { rows: unknown[][] }
    damage(raw.rows)
    writeFileSync(file, JSON.stringify(raw))

    await expect(new TokensFile(file).read()).rejects.toThrow(`${file} ${message}`)
  })

  it('refuses a truncated file, a count that does not match and a format version it does not know', async () => {
    const file = await written(variety())
    const text = readFileSync(file, 'utf8')

    expect(() => decodeTokensFile(text.slice(0, -20), file)).toThrow(/not JSON \(corrupt or truncated\)/)
    expect(() => decodeTokensFile(text.replace('"count":6', '"count":7'), file)).toThrow(/6 tokens, but the header says 7/)
    expect(() => decodeTokensFile(text.replace('"version":1', '"version":2'), file)).toThrow(
      /format version 2, which this trainproof does not know/,
    )
    expect(() => decodeTokensFile('{"version":3,"tokens":[]}', file)).toThrow(/not a tokens file/)
  })

  it('reads the first form (schema version 2, token objects), checked by zod', () => {
    const tokens = variety()
    const first = JSON.stringify({ version: 2, tokens })

    expect([...decodeTokensFile(first, 'old.json').values()]).toEqual(tokens)
    const bad = JSON.stringify({ version: 2, tokens: [tokens[0], { ...tokens[1], hash: 'nope' }] })
    expect(() => decodeTokensFile(bad, 'old.json')).toThrow(/old\.json: at tokens\.1\.hash/)
  })
})

describe('tokens-journal lines', () => {
  it('set the tokens a change named, remove the ones gone, and keep first-insertion order', () => {
    const tokens = byId([token('a'), token('b')])
    const after = byId([token('a', { lastUsedAt: '2026-01-05T00:00:00.000Z' }), token('c')])

    const line = tokenJournalLine(after, ['a', 'b', 'c'])
    applyTokenJournalLine(tokens, line, 'journal line 1')

    const { rows } = JSON.parse(line) as { rows: unknown[] }
    expect(rows.map((row) => (typeof row === 'string' ? `gone ${row}` : (row as unknown[])[0]))).toEqual(['a', 'gone b', 'c'])
    expect([...tokens.values()]).toEqual([...after.values()])
  })

  it('reads lines of the first form, and refuses a bad row naming the line and the row', () => {
    const tokens = byId([token('a'), token('b')])
    applyTokenJournalLine(
      tokens,
      JSON.stringify({
        tokens: [
          ['a', null],
          ['c', token('c')],
        ],
      }),
      'journal line 1',
    )
    expect([...tokens.keys()]).toEqual(['b', 'c'])

    expect(() => applyTokenJournalLine(tokens, '{"rows":["b",[1,2]]}', 'journal line 2')).toThrow(
      'journal line 2 token 2: not a token row of 9',
    )
    expect(() => applyTokenJournalLine(tokens, '{"tokens":[["x",{"id":"x"}]]}', 'journal line 3')).toThrow(
      /journal line 3: at tokens\.0\.1/,
    )
    expect(() => applyTokenJournalLine(tokens, '{"rows":', 'journal line 4')).toThrow('journal line 4: not JSON (corrupt or truncated)')
  })
})

describe('a store whose tokens file is of the first form', () => {
  it('opens with its tokens, and writes the compact form at the next full tokens write', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    const tokens = variety()
    await store.update(
      (db) => {
        for (const item of tokens) db.tokens.set(item.id, item)
      },
      { tokens: 'all' },
    )
    // What main wrote: the same tokens as version 2's object form.
    writeFileSync(join(dir, 'db.tokens.1.json'), JSON.stringify({ version: 2, tokens }))

    const reopened = await Store.open(file)
    expect([...reopened.data.tokens.values()]).toEqual(tokens)
    await reopened.update((db) => void db.tokens.delete('a'), { tokens: 'all' })

    expect(JSON.parse(readFileSync(join(dir, 'db.tokens.2.json'), 'utf8'))).toMatchObject({ format: TOKENS_FORMAT, count: 5 })
    expect([...(await readStoreFiles(file)).tokens.values()]).toEqual(tokens.slice(1))
  })

  it('refuses a damaged tokens file as a store error naming the file and the row', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => void db.tokens.set('a', token('a')), { tokens: 'all' })
    const tokensFile = join(dir, 'db.tokens.1.json')
    writeFileSync(tokensFile, readFileSync(tokensFile, 'utf8').replace(',4,', ',44,'))

    const opening = Store.open(file)
    await expect(opening).rejects.toThrow(StoreError)
    await expect(opening).rejects.toThrow(`${tokensFile} token 1: role is not a role index`)
  })
})
