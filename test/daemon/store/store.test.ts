import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TrainingId } from '../../../shared/constants.ts'
import { Vault } from '../../../daemon/secrets/vault.ts'
import { readStoreFiles, Store } from '../../../daemon/store/store.ts'
import { audit } from '../../../daemon/store/audit.ts'
import { readPeopleFile, writePeopleFile, type PeopleData } from '../../../daemon/store/files.ts'
import { replayJournal } from '../../../daemon/store/load.ts'
import {
  DbSchemaV1,
  SCHEMA_VERSION,
  type Db,
  type StoredPerson,
  type StoredRecord,
  type StoredToken,
} from '../../../daemon/store/schema.ts'

const FIXTURE = join(import.meta.dirname, '../../fixtures/db-v1/trainproof.json')
const FIXTURE_V2 = join(import.meta.dirname, '../../fixtures/db-v2')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trainproof-store-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const people = (db: Db) => [...db.people.keys()]

function person(email: string, completedAt: string | null = '2026-02-10T14:30:00.000Z'): StoredPerson {
  return {
    email,
    name: email.split('@')[0]!,
    seenBy: ['conn-1'],
    externalIds: { 'conn-1': '42' },
    records: {
      security_awareness: {
        status: completedAt ? 'compliant' : 'non_compliant',
        completed: completedAt ? 1 : 0,
        required: 1,
        compliantAt: completedAt,
        sticky: completedAt !== null,
        campaigns: [{ id: 'conn-1:100', name: 'Campaign A', completed: completedAt !== null, completedAt }],
        evidence: completedAt
          ? [{ campaignId: 'conn-1:100', campaignName: 'Campaign A', module: 'm1', moduleName: 'Phishing', enrollmentId: '7', completedAt }]
          : [],
        evaluatedAt: '2026-03-01T00:00:00.000Z',
        connectionId: 'conn-1',
        certificates: [],
        source: { provider: 'knowbe4', connectionId: 'conn-1', connectionLabel: 'Acme' },
        evidenceSha256: null,
      },
    },
  }
}

/** Adds tokens to the db's Map, in order. */
function put(db: Db, ...tokens: StoredToken[]): void {
  for (const item of tokens) db.tokens.set(item.id, item)
}

const idsOf = (tokens: Db['tokens']) => [...tokens.keys()]

function notConfigured(): StoredRecord {
  return {
    status: 'not_configured',
    completed: 0,
    required: 0,
    compliantAt: null,
    sticky: false,
    campaigns: [],
    evidence: [],
    evaluatedAt: '2026-03-01T00:00:00.000Z',
    connectionId: null,
    certificates: [],
    source: null,
    evidenceSha256: null,
  }
}

function token(id: string): StoredToken {
  return {
    id,
    hash: createHash('sha256').update(id).digest('hex'),
    role: 'employee',
    email: `${id}@x.com`,
    label: id,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    lastUsedAt: null,
    via: 'oidc',
  }
}

describe('Store', () => {
  it('creates a valid empty db on first open and reads it back', async () => {
    const file = join(dir, 'db.json')
    await Store.open(file)
    const again = await Store.open(file)
    expect(again.data.version).toBe(SCHEMA_VERSION)
    expect(Object.keys(again.data.trainings)).toEqual(['security_awareness', 'hipaa', 'ai_awareness'])
  })

  it('runs updates one at a time, in order, and persists each', async () => {
    const store = await Store.open(join(dir, 'db.json'))
    const order: number[] = []
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        store.update((db) => {
          order.push(n)
          audit(db, 't', `a${n}`, {})
        }),
      ),
    )
    expect(order).toEqual([1, 2, 3, 4, 5])
    const reread = await Store.open(join(dir, 'db.json'))
    expect(reread.data.audit.map((event) => event.action)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5'])
  })

  it('a change that throws before mutating leaves no trace, and later changes still run', async () => {
    const store = await Store.open(join(dir, 'db.json'))
    await expect(
      store.update(() => {
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    await store.update((db) => {
      db.schedule.lastNightlyAt = '2026-01-01T00:00:00.000Z'
    })
    expect(JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).schedule.lastNightlyAt).toBe('2026-01-01T00:00:00.000Z')
  })

  // Regression (issue 10, defect 3): the change stayed in memory when the write failed.
  it('keeps memory and disk at the old state when the write fails, and says so with 503 storage_failed', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => {
      db.schedule.lastNightlyAt = '2026-01-01T00:00:00.000Z'
    })
    const before = await readStoreFiles(file)
    const revision = store.revision
    mkdirSync(`${file}.tmp`) // the temporary file cannot be created: the write fails
    await expect(
      store.update(
        (db) => {
          db.schedule.lastNightlyAt = '2026-06-01T00:00:00.000Z'
          db.people.set('a@x.com', person('a@x.com'))
          audit(db, 't', 'lost', {})
        },
        { people: ['a@x.com'] },
      ),
    ).rejects.toMatchObject({ code: 'storage_failed', status: 503 })
    expect(store.data.schedule.lastNightlyAt).toBe('2026-01-01T00:00:00.000Z')
    expect(store.data.audit).toEqual([])
    expect(store.data.people).toEqual(new Map())
    expect(store.revision).toBeGreaterThan(revision)
    expect(await readStoreFiles(file)).toEqual(before)

    rmSync(`${file}.tmp`, { recursive: true })
    await store.update((db) => audit(db, 't', 'kept', {}))
    const saved = await readStoreFiles(file)
    expect(saved.schedule.lastNightlyAt).toBe('2026-01-01T00:00:00.000Z')
    expect(saved.audit.map((event) => event.action)).toEqual(['kept'])
    expect(saved.people).toEqual(new Map())
  })

  it('leaves no temporary files behind, and only the files of the committed generation', async () => {
    const store = await Store.open(join(dir, 'db.json'))
    await store.update((db) => void db.people.set('a@x.com', person('a@x.com')), { people: 'all' })
    await store.update((db) => void db.people.set('b@x.com', person('b@x.com')), { people: 'all' })
    await store.update((db) => void db.people.set('c@x.com', person('c@x.com')), { people: ['c@x.com'] })
    await store.update((db) => audit(db, 't', 'a', {}), { tokens: 'all' })
    expect(readdirSync(dir).sort()).toEqual(['db.audit.jsonl', 'db.journal.2.jsonl', 'db.json', 'db.people.2.jsonl', 'db.tokens.1.json'])
  })

  it('writes a person-level change as one journal line, replays it on load and folds it into the next full write', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update(
      (db) => {
        db.people.set('a@x.com', person('a@x.com'))
        db.people.set('b@x.com', person('b@x.com'))
      },
      { people: 'all' },
    )
    await store.update(
      (db) => {
        db.people.get('a@x.com')!.records = {}
        db.retraining.set('a@x.com', { security_awareness: { resetAt: '2026-04-01T00:00:00.000Z', dueAt: '2026-05-01T00:00:00.000Z' } })
      },
      { people: ['a@x.com'] },
    )
    await store.update((db) => void db.people.delete('b@x.com'), { people: ['b@x.com'] })
    const journal = readFileSync(join(dir, 'db.journal.1.jsonl'), 'utf8').trim().split('\n')
    expect(journal).toHaveLength(2)

    const reopened = await Store.open(file)
    expect(reopened.data.people).toEqual(store.data.people)
    expect(reopened.data.retraining).toEqual(store.data.retraining)
    expect(people(reopened.data)).toEqual(['a@x.com'])

    await reopened.update((db) => void db.people.set('c@x.com', person('c@x.com', null)), { people: 'all' })
    expect(readdirSync(dir).filter((name) => name.includes('journal'))).toEqual([])
    expect((await readStoreFiles(file)).people).toEqual(reopened.data.people)
  })

  it('ignores journal and audit bytes beyond the committed length (a crash during an append) and cuts them off', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => void db.people.set('a@x.com', person('a@x.com')), { people: 'all' })
    await store.update(
      (db) => {
        db.people.get('a@x.com')!.name = 'Kept'
        audit(db, 't', 'kept', {})
      },
      { people: ['a@x.com'] },
    )
    // An append that never reached its commit: a whole line and a torn one.
    appendFileSync(join(dir, 'db.journal.1.jsonl'), '{"people":[["a@x.com",null,null]]}\n{"peo')
    appendFileSync(
      join(dir, 'db.audit.jsonl'),
      '{"id":"000000000002","at":"2026-01-01T00:00:00.000Z","actor":"t","action":"lost","detail":{}}\n{"id"',
    )

    const reopened = await Store.open(file)
    expect(reopened.data.people.get('a@x.com')?.name).toBe('Kept')
    expect(reopened.data.audit.map((event) => event.action)).toEqual(['kept'])
    await reopened.update((db) => audit(db, 't', 'next', {}))
    expect((await readStoreFiles(file)).audit.map((event) => event.action)).toEqual(['kept', 'next'])
  })

  it('a new people or tokens file that no configuration names yet (a crash before the commit) is ignored and removed', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => void db.people.set('a@x.com', person('a@x.com')), { people: 'all' })
    const committed = await readStoreFiles(file)
    copyFileSync(join(dir, 'db.people.1.jsonl'), join(dir, 'db.people.2.jsonl'))
    writeFileSync(join(dir, 'db.tokens.1.json'), '{"half')
    writeFileSync(join(dir, 'db.json.tmp'), '{')
    const reopened = await Store.open(file)
    expect(reopened.data).toEqual(committed)
    expect(readdirSync(dir).sort()).toEqual(['db.json', 'db.people.1.jsonl'])
  })

  it('writes token changes as tokens-journal lines naming those tokens, replays them in order on load and folds them into a new tokens file', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => put(db, token('t1'), token('t2'), token('t3')), { tokens: ['t1', 't2', 't3'] })
    await store.update((db) => void (db.tokens.get('t2')!.lastUsedAt = '2026-03-01T00:00:00.000Z'), { tokens: ['t2'] })
    await store.update((db) => void db.tokens.delete('t1'), { tokens: ['t1'] })
    await store.update((db) => put(db, token('t4')), { tokens: ['t4'] })
    expect(readdirSync(dir).filter((name) => name.includes('tokens'))).toEqual(['db.tokens-journal.0.jsonl'])
    const lines = readFileSync(join(dir, 'db.tokens-journal.0.jsonl'), 'utf8').trim().split('\n')
    const named = (row: unknown) => (typeof row === 'string' ? row : (row as string[])[0])
    expect(lines.map((line) => (JSON.parse(line) as { rows: unknown[] }).rows.map(named))).toEqual([
      ['t1', 't2', 't3'],
      ['t2'],
      ['t1'],
      ['t4'],
    ])

    const reopened = await Store.open(file)
    expect(reopened.data.tokens).toEqual(store.data.tokens)
    expect(idsOf(reopened.data.tokens)).toEqual(['t2', 't3', 't4'])

    await reopened.update((db) => void db.tokens.delete('t4'), { tokens: 'all' })
    expect(readdirSync(dir).filter((name) => name.includes('tokens'))).toEqual(['db.tokens.1.json'])
    expect(idsOf((await readStoreFiles(file)).tokens)).toEqual(['t2', 't3'])
  })

  it('folds a tokens journal grown past its limit and past the tokens file into a new tokens file at the next token change', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    const ids = Array.from({ length: 2_000 }, (_, n) => `t${n}`)
    await store.update((db) => put(db, ...ids.map((id) => token(id))), { tokens: 'all' })
    // lastUsedAt flushes of every token until the journal is past its limit (4 MiB) and the tokens file.
    const journal = join(dir, 'db.tokens-journal.1.jsonl')
    for (let round = 0; !existsSync(journal) || statSync(journal).size <= 4 * 2 ** 20; round++) {
      const at = new Date(Date.UTC(2026, 3, 1) + round * 60_000).toISOString()
      await store.update((db) => db.tokens.forEach((item) => void (item.lastUsedAt = at)), { tokens: ids })
    }
    expect(
      readdirSync(dir)
        .filter((name) => name.includes('tokens'))
        .sort(),
    ).toEqual(['db.tokens-journal.1.jsonl', 'db.tokens.1.json'])
    await store.update((db) => void (db.tokens.get('t0')!.label = 'folded'), { tokens: ['t0'] })
    expect(readdirSync(dir).filter((name) => name.includes('tokens'))).toEqual(['db.tokens.2.json'])
    expect((await readStoreFiles(file)).tokens).toEqual(store.data.tokens)
  })

  it('writes a tokens file of more than one chunk as one compact JSON document that reads back equal', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => put(db, ...Array.from({ length: 2_500 }, (_, n) => token(`t${n}`))), { tokens: 'all' })
    const written = JSON.parse(readFileSync(join(dir, 'db.tokens.1.json'), 'utf8')) as { rows: unknown[][] }
    expect(written).toMatchObject({ format: 'trainproof-tokens', version: 1, count: 2_500 })
    expect(written.rows.map((row) => row[0])).toEqual(idsOf(store.data.tokens))
    expect((await readStoreFiles(file)).tokens).toEqual(store.data.tokens)
    await store.update((db) => db.tokens.clear(), { tokens: 'all' })
    expect(JSON.parse(readFileSync(join(dir, 'db.tokens.2.json'), 'utf8'))).toEqual({
      format: 'trainproof-tokens',
      version: 1,
      count: 0,
      rows: [],
    })
    expect((await readStoreFiles(file)).tokens).toEqual(new Map())
  })

  it('ignores tokens-journal bytes beyond the committed length (a crash during an append) and cuts them off', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => put(db, token('kept')), { tokens: ['kept'] })
    const journal = join(dir, 'db.tokens-journal.0.jsonl')
    const committed = readFileSync(journal, 'utf8')
    appendFileSync(journal, `{"tokens":[["kept",null]]}\n{"tok`)
    const reopened = await Store.open(file)
    expect(idsOf(reopened.data.tokens)).toEqual(['kept'])
    expect(readFileSync(journal, 'utf8')).toBe(committed)
  })

  it('reads a configuration written before the tokens journal existed (no tokenJournalBytes)', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => put(db, token('old')), { tokens: 'all' })
    const config = JSON.parse(readFileSync(file, 'utf8')) as { committed: Record<string, unknown> }
    delete config.committed.tokenJournalBytes
    writeFileSync(file, JSON.stringify(config))
    const reopened = await Store.open(file)
    expect(idsOf(reopened.data.tokens)).toEqual(['old'])
    await reopened.update((db) => put(db, token('new')), { tokens: ['new'] })
    expect(idsOf((await readStoreFiles(file)).tokens)).toEqual(['old', 'new'])
  })

  it('refuses a damaged people file, naming it and what is wrong, and leaves it untouched', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => void db.people.set('a@x.com', person('a@x.com')), { people: 'all' })
    const peopleFile = join(dir, 'db.people.1.jsonl')
    const text = readFileSync(peopleFile, 'utf8')
    const truncated = text.slice(0, text.length - 10)
    writeFileSync(peopleFile, truncated)
    await expect(Store.open(file)).rejects.toThrow(/db\.people\.1\.jsonl.*(not JSON|truncated)/)
    expect(readFileSync(peopleFile, 'utf8')).toBe(truncated)
  })

  it('refuses a db of an unknown schema version with a clear message and leaves it untouched', async () => {
    const file = join(dir, 'db.json')
    const text = JSON.stringify({ version: 4, anything: true })
    writeFileSync(file, text)
    await expect(Store.open(file)).rejects.toThrow(/schema version 4, which this trainproof does not know.*left it untouched/)
    expect(readFileSync(file, 'utf8')).toBe(text)
    expect(readdirSync(dir)).toEqual(['db.json'])
  })

  it('gives audit events of a version-1 db ids on load, after any id in use, and never reuses one', async () => {
    const file = join(dir, 'db.json')
    const v1 = JSON.parse(readFileSync(FIXTURE, 'utf8'))
    delete v1.auditSeq
    v1.audit = [
      { at: '2026-01-01T00:00:00.000Z', actor: 'a', action: 'one', detail: {} },
      { at: '2026-01-02T00:00:00.000Z', actor: 'a', action: 'two', detail: {} },
    ]
    writeFileSync(file, JSON.stringify(v1))
    const reopened = await Store.open(file)
    expect(reopened.data.audit.map((event) => event.id)).toEqual(['000000000001', '000000000002'])
    await reopened.update((db) => audit(db, 't', 'three', {}))
    const again = await Store.open(file)
    expect(again.data.audit.map((event) => event.id)).toEqual(['000000000001', '000000000002', '000000000003'])
    expect(again.data.auditSeq).toBe(3)
  })

  it('the scope guard throws when a change edits a person or a token it did not name, and saves nothing of it', async () => {
    const store = await Store.open(join(dir, 'db.json'))
    await store.update(
      (db) => {
        db.people.set('a@x.com', person('a@x.com'))
        db.people.set('b@x.com', person('b@x.com'))
      },
      { people: 'all' },
    )
    await expect(
      store.update(
        (db) => {
          db.people.get('a@x.com')!.name = 'named'
          db.people.get('b@x.com')!.name = 'forgotten'
        },
        { people: ['a@x.com'] },
      ),
    ).rejects.toThrow(/edited the person b@x\.com but its scope does not name them/)
    await expect(
      store.update((db) =>
        put(db, {
          id: 't',
          hash: 'a'.repeat(64),
          role: 'admin',
          email: null,
          label: '',
          createdAt: '2026-01-01T00:00:00.000Z',
          expiresAt: null,
          lastUsedAt: null,
          via: 'issued',
        }),
      ),
    ).rejects.toThrow(/edited or removed the token t but its scope does not name it/)
    expect(store.data.people.get('b@x.com')?.name).toBe('b')
    expect(store.data.tokens).toEqual(new Map())
  })

  it('keeps the committed files of the last three backups, each loadable as it was', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    for (const n of [1, 2, 3, 4]) {
      await store.backup()
      await store.update(
        (db) => {
          db.people.set(`p${n}@x.com`, person(`p${n}@x.com`))
          audit(db, 't', `sync ${n}`, {})
        },
        { people: 'all' },
      )
    }
    expect(existsSync(`${file}.bak4`)).toBe(false)
    const counts = await Promise.all([1, 2, 3].map(async (n) => people(await readStoreFiles(join(`${file}.bak${n}`, 'db.json'))).length))
    expect(counts).toEqual([3, 2, 1])
  })
})

describe('migration from schema version 1', () => {
  it('loads the db written by main before store v2 and serves the same data, keeping the old file as .v1', async () => {
    const file = join(dir, 'trainproof.json')
    copyFileSync(FIXTURE, file)
    const v1 = DbSchemaV1.parse(JSON.parse(readFileSync(FIXTURE, 'utf8')))
    const store = await Store.open(file)
    const { version: _v1, ...rest } = v1
    const expected = {
      ...rest,
      tokens: new Map(rest.tokens.map((item) => [item.id, item])),
      people: new Map(Object.entries(rest.people)),
      retraining: new Map(Object.entries(rest.retraining)),
    }
    const { version, ...served } = store.data
    expect(version).toBe(SCHEMA_VERSION)
    expect(served).toEqual(expected)
    expect(readFileSync(`${file}.v1`, 'utf8')).toBe(readFileSync(FIXTURE, 'utf8'))
    const { version: _again, ...reread } = await readStoreFiles(file)
    expect(reread).toEqual(expected)
    expect(readdirSync(dir).sort()).toEqual([
      'trainproof.audit.jsonl',
      'trainproof.json',
      'trainproof.json.v1',
      'trainproof.people.1.jsonl',
      'trainproof.tokens.1.json',
    ])
  })
})

describe('migration from schema version 2', () => {
  const v2Files = readdirSync(FIXTURE_V2).filter((name) => name.startsWith('trainproof.'))
  /** The Db main read from the fixture (expected.json), without its version. */
  const readByMain = () => {
    const { version: _v2, tokens, people, retraining, ...rest } = JSON.parse(readFileSync(join(FIXTURE_V2, 'expected.json'), 'utf8'))
    // Main held the tokens as a list; they are a Map by id now, in the same order.
    const byId = new Map((tokens as StoredToken[]).map((item) => [item.id, item]))
    return { ...rest, tokens: byId, people: new Map(people), retraining: new Map(retraining) }
  }
  const copyFixture = () => {
    for (const name of v2Files) copyFileSync(join(FIXTURE_V2, name), join(dir, name))
    return join(dir, 'trainproof.json')
  }

  it('opens the db written by main before version 3, serves what main read, keeps the v2 files in .v2 and writes version 3', async () => {
    const file = copyFixture()
    const store = await Store.open(file)
    const { version, ...served } = store.data
    expect(version).toBe(SCHEMA_VERSION)
    expect(served).toEqual(readByMain())
    expect(readdirSync(`${file}.v2`).sort()).toEqual([...v2Files].sort())
    for (const name of v2Files) expect(readFileSync(join(`${file}.v2`, name))).toEqual(readFileSync(join(FIXTURE_V2, name)))
    expect(readdirSync(dir).sort()).toEqual([
      'trainproof.audit.jsonl',
      'trainproof.json',
      'trainproof.json.v2',
      'trainproof.people.3.jsonl',
      'trainproof.tokens.3.json',
    ])
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(SCHEMA_VERSION)
    expect(readFileSync(join(dir, 'trainproof.people.3.jsonl'), 'utf8')).toMatch(/^\{"format":"trainproof-people","version":3,/)
    const { version: _again, ...reread } = await readStoreFiles(file)
    expect(reread).toEqual(readByMain())
    // Opened again, it is version 3 and no migration: nothing is rewritten.
    const before = readFileSync(join(dir, 'trainproof.people.3.jsonl'))
    const { version: _third, ...reopened } = (await Store.open(file)).data
    expect(reopened).toEqual(readByMain())
    expect(readFileSync(join(dir, 'trainproof.people.3.jsonl'))).toEqual(before)
  })

  it('leaves the version-2 db as it was when the migration stops before its commit, and migrates it at the next open', async () => {
    const file = copyFixture()
    // A stop before the commit: the kept copy and a new people file exist, the configuration is still version 2.
    mkdirSync(`${file}.v2`)
    writeFileSync(join(dir, 'trainproof.people.3.jsonl'), '{"format":"trainproof-people","version":3,"peo')
    expect((await readStoreFiles(file)).people).toEqual(readByMain().people)
    const { version: _v, ...served } = (await Store.open(file)).data
    expect(served).toEqual(readByMain())
    expect(readdirSync(`${file}.v2`).sort()).toEqual([...v2Files].sort())
  })

  it('refuses a damaged version-2 people file with its line and reason, and leaves the db untouched', async () => {
    const file = copyFixture()
    const people = join(dir, 'trainproof.people.2.jsonl')
    const text = readFileSync(people, 'utf8').replace('"p":[["', '"p":[[7,"')
    writeFileSync(people, text)
    await expect(Store.open(file)).rejects.toThrow(/trainproof\.people\.2\.jsonl line 2: person is not a row of 5/)
    expect(readFileSync(people, 'utf8')).toBe(text)
    expect(existsSync(`${file}.v2`)).toBe(false)
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(2)
  })
})

describe('the compact people codec', () => {
  const roundTrip = async (data: PeopleData) => {
    const file = join(dir, 'people.jsonl')
    await writePeopleFile(file, data)
    return { file, back: await readPeopleFile(file) }
  }

  it('round-trips people, records, retraining and every optional form exactly', async () => {
    const a = person('a@x.com')
    const b = person('b@x.com', null)
    b.records.security_awareness!.dueAt = '2026-07-01T00:00:00.000Z'
    b.records.hipaa = {
      ...person('b@x.com').records.security_awareness!,
      dueAt: null,
      connectionId: null,
      source: null,
      certificates: ['c'.repeat(64)],
      evidenceSha256: 'd'.repeat(64),
    }
    a.records.security_awareness!.evidence[0]!.moduleName = 'm1'
    a.records.security_awareness!.compliantAt = '2026-02-10T15:30:00+01:00' // not canonical: kept as written
    const data: PeopleData = {
      people: new Map([
        ['a@x.com', a],
        ['b@x.com', b],
        ['c@x.com', { email: 'c@x.com', name: '', seenBy: [], externalIds: {}, records: {} }],
      ]),
      retraining: new Map([['a@x.com', { hipaa: { resetAt: '2026-04-01T00:00:00.000Z', dueAt: '2026-05-01T00:00:00.000Z' } }]]),
    }
    const { back } = await roundTrip(data)
    expect(back).toEqual(data)
  })

  it('round-trips any people and retraining exactly, sharing (frozen) what the file lists in its tables (property)', async () => {
    const time = fc.oneof(
      fc
        .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString()),
      fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }).map((s) => new Date(s * 1000).toISOString()),
      fc.constantFrom('2026-02-10T15:30:00+01:00', '2026-02-10T14:30:00Z', '2026-02-10T14:30:00.5Z'),
    )
    const word = fc.constantFrom('conn-1', 'conn-2', 'Campaign A', 'm1', 'Ünïcode "quoted"', '')
    const hex = fc.constantFrom('a'.repeat(64), 'b'.repeat(64))
    const record = fc
      .record({
        status: fc.constantFrom('compliant', 'non_compliant', 'not_enrolled', 'not_configured'),
        completed: fc.nat(5),
        required: fc.nat(5),
        compliantAt: fc.option(time),
        sticky: fc.boolean(),
        campaigns: fc.array(fc.record({ id: word, name: word, completed: fc.boolean(), completedAt: fc.option(time) }), { maxLength: 2 }),
        dueAt: fc.option(fc.option(time)),
        evidence: fc.array(
          fc.record({ campaignId: word, campaignName: word, module: word, moduleName: word, enrollmentId: word, completedAt: time }),
          { maxLength: 2 },
        ),
        evaluatedAt: time,
        connectionId: fc.option(word),
        certificates: fc.array(hex, { maxLength: 2 }),
        source: fc.option(fc.record({ provider: fc.constantFrom('knowbe4', 'huntress'), connectionId: word, connectionLabel: word })),
        evidenceSha256: fc.option(hex),
        frozen: fc.boolean(),
      })
      .map(({ dueAt, frozen, ...fields }): StoredRecord => {
        const { campaigns, evidence, evaluatedAt, connectionId, certificates, source, evidenceSha256, ...head } = fields
        // dueAt: absent (outer null), null or a time; key order as the decoder gives it.
        const value: StoredRecord = {
          ...head,
          campaigns,
          ...(dueAt === null ? {} : { dueAt }),
          evidence,
          evaluatedAt,
          connectionId,
          certificates,
          source,
          evidenceSha256,
        }
        return frozen ? Object.freeze(value) : value
      })
    const people = fc.array(record, { minLength: 1, maxLength: 4 }).chain((pool) =>
      fc
        .uniqueArray(
          fc.record({
            email: fc.emailAddress(),
            name: word,
            seenBy: fc.array(word, { maxLength: 2 }),
            externalIds: fc.dictionary(word, word, { maxKeys: 2 }),
            records: fc.record(
              { security_awareness: fc.nat(pool.length - 1), hipaa: fc.nat(pool.length - 1), ai_awareness: fc.nat(pool.length - 1) },
              { requiredKeys: [] },
            ),
            retraining: fc.option(fc.record({ hipaa: fc.record({ resetAt: time, dueAt: time }) }, { requiredKeys: [] })),
          }),
          { selector: (row) => row.email, maxLength: 5 },
        )
        .map((rows) => ({ pool, rows })),
    )
    await fc.assert(
      fc.asyncProperty(people, async ({ pool, rows }) => {
        const data: PeopleData = { people: new Map(), retraining: new Map() }
        for (const { retraining, records, ...row } of rows) {
          const picked: StoredPerson['records'] = {}
          for (const [training, index] of Object.entries(records)) picked[training as TrainingId] = pool[index]!
          data.people.set(row.email, { ...row, records: picked })
          if (retraining) data.retraining.set(row.email, retraining)
        }
        const { back } = await roundTrip(data)
        expect(back).toEqual(data)
        expect([...back.people.keys()]).toEqual([...data.people.keys()])
        for (const person of back.people.values()) {
          expect(Object.isFrozen(person.seenBy)).toBe(true)
          for (const decoded of Object.values(person.records)) {
            const plain = decoded.campaigns.length + decoded.evidence.length + decoded.certificates.length === 0
            if (plain) expect(Object.isFrozen(decoded)).toBe(true)
            expect(Object.isFrozen(decoded.campaigns)).toBe(true)
          }
        }
      }),
      { numRuns: 60 },
    )
  })

  it('round-trips more people than one chunk and writes one line per chunk, no line holding everything', async () => {
    const data: PeopleData = { people: new Map(), retraining: new Map() }
    for (let n = 0; n < 2_500; n++) data.people.set(`p${n}@x.com`, person(`p${n}@x.com`, n % 2 ? null : '2026-02-10T14:30:00.000Z'))
    const { file, back } = await roundTrip(data)
    expect(back).toEqual(data)
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1 + 3 + 1)
  })

  it('shares what is equal between people, frozen, so that a change must replace it rather than edit it', async () => {
    const data: PeopleData = { people: new Map(), retraining: new Map() }
    for (const email of ['a@x.com', 'b@x.com']) data.people.set(email, person(email, null))
    const { back } = await roundTrip(data)
    const [a, b] = [back.people.get('a@x.com')!, back.people.get('b@x.com')!]
    expect(a.records.security_awareness!.campaigns).toBe(b.records.security_awareness!.campaigns)
    expect(a.seenBy).toBe(b.seenBy)
    expect(() => a.seenBy.push('conn-2')).toThrow(TypeError)
    expect(() => {
      a.records.security_awareness!.campaigns[0]!.completed = true
    }).toThrow(TypeError)
    expect(b.seenBy).toEqual(['conn-1'])
    expect(back).toEqual(data)
  })

  /** The people file of `data` with its first chunk line (line 2) changed by `damage`. */
  const damaged = async (damage: (line: Chunk) => void) => {
    const { file } = await roundTrip({
      people: new Map([['a@x.com', { ...person('a@x.com'), records: { ...person('a@x.com').records, hipaa: notConfigured() } }]]),
      retraining: new Map([['a@x.com', { hipaa: { resetAt: '2026-04-01T00:00:00.000Z', dueAt: '2026-05-01T00:00:00.000Z' } }]]),
    })
    const lines = readFileSync(file, 'utf8').split('\n')
    const chunk = JSON.parse(lines[1]!) as Chunk
    damage(chunk)
    lines[1] = JSON.stringify(chunk)
    writeFileSync(file, lines.join('\n'))
    return file
  }
  type Chunk = { s: string[]; b: unknown[][]; o: unknown[][]; c: unknown[][]; R: unknown[][]; p: unknown[][] }
  const inline = (chunk: Chunk) => chunk.p[0]![3] as unknown[]

  it.each([
    ['an unknown status', (c: Chunk) => void (inline(c)[0] = 9), /line 2: a@x\.com security_awareness: unknown status/],
    ['an unknown status in a shared record', (c: Chunk) => void (c.R[0]![0] = 9), /line 2: shared record 0: unknown status/],
    ['a string index out of the table', (c: Chunk) => void (c.b[0]![0] = 99), /line 2: seenBy names no string of the table/],
    ['a reference to no shared record', (c: Chunk) => void (c.p[0]![4] = 1), /line 2: record names no entry of its table/],
    ['a reference to no seenBy list', (c: Chunk) => void (c.p[0]![2] = -2), /line 2: seenBy names no entry of its table/],
    ['a reference to no campaign list', (c: Chunk) => void (inline(c)[5] = 0.5), /line 2: campaigns names no entry of its table/],
    ['a reference to no source', (c: Chunk) => void (inline(c)[11] = 1), /line 2: source names no entry of its table/],
    ['a row of the wrong length', (c: Chunk) => void c.p[0]!.splice(1, 1), /line 2: person is not a row/],
    [
      'a record row of the wrong length',
      (c: Chunk) => void inline(c).pop(),
      /line 2: a@x\.com security_awareness: record is not a row of 13/,
    ],
    ['a time that is not a time', (c: Chunk) => void (inline(c)[8] = 'yesterday'), /line 2: evaluatedAt is not a time/],
    ['a time that is not a whole number', (c: Chunk) => void (inline(c)[8] = 1.5), /line 2: evaluatedAt is not a time/],
    ['a time out of range', (c: Chunk) => void (inline(c)[3] = 9e12), /line 2: compliantAt is not a time/],
    ['a bad certificate hash', (c: Chunk) => void (inline(c)[10] = ['nope']), /line 2: certificate is not a SHA-256/],
    ['a table that is not a list', (c: Chunk) => void ((c as { R: unknown }).R = 0), /line 2: the record table is not a list/],
  ])('rejects %s, naming the file, the line and what is wrong', async (_case, damage, message) => {
    const file = await damaged(damage)
    await expect(readPeopleFile(file)).rejects.toThrow(message)
    await expect(readPeopleFile(file)).rejects.toThrow(/people\.jsonl line 2/)
  })

  it.each([
    ['a missing end line', (text: string) => `${text.split('\n').slice(0, -2).join('\n')}\n`, /truncated \(no end line\)/],
    ['a file cut inside a line', (text: string) => text.slice(0, text.indexOf('\n', 80) - 5), /unfinished line|not JSON/],
    ['a version-2 header', (text: string) => text.replace('"version":3', '"version":2'), /line 1: not a version-3 people file/],
    [
      'counts that do not match',
      (text: string) =>
        text.replace('"end":true,"people":1', '"end":true,"people":2').replace('"people":1,"retraining"', '"people":2,"retraining"'),
      /the counts do not match the header/,
    ],
  ])('rejects %s, naming the file', async (_case, damage, message) => {
    const { file } = await roundTrip({ people: new Map([['a@x.com', person('a@x.com')]]), retraining: new Map() })
    const text = readFileSync(file, 'utf8')
    const changed = damage(text)
    expect(changed).not.toBe(text)
    writeFileSync(file, changed)
    await expect(readPeopleFile(file)).rejects.toThrow(message)
    await expect(readPeopleFile(file)).rejects.toThrow(/people\.jsonl/)
  })
})

describe('the journal', () => {
  it('replays lines in order: later lines win, null removes, a torn last line is refused', () => {
    const data: PeopleData = { people: new Map([['a@x.com', person('a@x.com')]]), retraining: new Map() }
    const lines = [
      { people: [['a@x.com', { ...person('a@x.com'), name: 'First' }, null]] },
      { people: [['b@x.com', person('b@x.com'), { hipaa: { resetAt: '2026-04-01T00:00:00.000Z', dueAt: '2026-05-01T00:00:00.000Z' } }]] },
      {
        people: [
          ['a@x.com', { ...person('a@x.com'), name: 'Second' }, null],
          ['b@x.com', null, null],
        ],
      },
    ]
    const bytes = Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''))
    replayJournal('j', bytes, bytes.length, data)
    expect(data.people.get('a@x.com')?.name).toBe('Second')
    expect([...data.people.keys()]).toEqual(['a@x.com'])
    expect(data.retraining).toEqual(new Map())
    expect(() => replayJournal('j', bytes, bytes.length - 3, { people: new Map(), retraining: new Map() })).toThrow(/j.*unfinished line/)
  })
})

describe('Vault', () => {
  it('round-trips a secret and binds it to its context', () => {
    const vault = Vault.ephemeral()
    const sealed = vault.seal({ apiToken: 'very-secret' }, 'conn-1')
    expect(sealed).not.toContain('very-secret')
    expect(vault.open(sealed, 'conn-1')).toEqual({ apiToken: 'very-secret' })
    expect(() => vault.open(sealed, 'conn-2')).toThrow(/could not be opened/)
  })

  it('refuses tampered ciphertext', () => {
    const vault = Vault.ephemeral()
    const sealed = vault.seal('x', 'c')
    const parts = sealed.split('.')
    parts[3] = Buffer.from('tampered').toString('base64url')
    expect(() => vault.open(parts.join('.'), 'c')).toThrow(/could not be opened/)
  })

  it('creates its key file 0600 once and reuses it', async () => {
    const first = await Vault.open(dir)
    const sealed = first.seal('x', 'c')
    const second = await Vault.open(dir)
    expect(second.open(sealed, 'c')).toBe('x')
    const { statSync } = await import('node:fs')
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
  })
})
