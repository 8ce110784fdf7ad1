import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { myTrainingsKey, PerPersonCache, personKey, textBytes } from '../../../daemon/compliance/per-person-cache.ts'
import { PeopleIndex, type PeopleQuery } from '../../../daemon/compliance/people-index.ts'
import { toMyTrainings, toPerson, unknownPerson } from '../../../daemon/compliance/views.ts'
import type { Db, StoredPerson, StoredRecord } from '../../../daemon/store/schema.ts'
import { type ChangeScope, Store } from '../../../daemon/store/store.ts'
import { STATUSES, TRAINING_IDS, type Status, type TrainingId } from '../../../shared/constants.ts'

const CONNECTION = 'conn-1'
const OTHER = 'conn-2'

let dir: string
let store: Store
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trainproof-index-'))
  store = await Store.open(join(dir, 'db.json'))
  await store.update(
    (db) => {
      for (const id of [CONNECTION, OTHER]) {
        db.connections.push({
          id,
          provider: 'knowbe4',
          label: id,
          status: 'connected',
          lastSyncAt: null,
          lastError: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          settings: {},
          sealed: 'x',
        })
      }
      db.trainings.security_awareness.connectionId = CONNECTION
      db.trainings.security_awareness.campaignIds = [`${CONNECTION}:1`]
      db.trainings.hipaa.connectionId = CONNECTION
      db.trainings.hipaa.campaignIds = [`${CONNECTION}:2`]
      // ai_awareness stays not configured
      for (let n = 0; n < 40; n++) addPerson(db, `p${String((n * 17) % 40).padStart(2, '0')}@example.com`, n)
    },
    { people: 'all' },
  )
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function record(status: 'compliant' | 'non_compliant', connectionId = CONNECTION, sticky = false): StoredRecord {
  return {
    status,
    completed: status === 'compliant' ? 1 : 0,
    required: 1,
    compliantAt: status === 'compliant' ? '2026-01-02T00:00:00.000Z' : null,
    sticky,
    campaigns: [],
    evidence: [],
    evaluatedAt: '2026-01-02T00:00:00.000Z',
    connectionId,
    certificates: [],
    source: null,
    evidenceSha256: null,
  }
}

/** A spread of records: compliant, non-compliant, none, from another connection, sticky from another connection. */
function addPerson(db: Db, email: string, n: number): void {
  const person: StoredPerson = { email, name: email, seenBy: [CONNECTION], externalIds: {}, records: {} }
  const kinds = [
    () => record('compliant'),
    () => record('non_compliant'),
    () => undefined,
    () => record('compliant', OTHER),
    () => record('compliant', OTHER, true),
  ]
  const a = kinds[n % kinds.length]!()
  const b = kinds[(n * 3 + 1) % kinds.length]!()
  if (a) person.records.security_awareness = a
  if (b) person.records.hipaa = b
  if (n % 7 === 0) person.records.ai_awareness = record('compliant', CONNECTION, true)
  db.people.set(email, person)
}

/** What GET /personnel answered before the index: a scan of everyone in e-mail order. */
function scan(db: Db, { training, status, limit, offset = 0 }: PeopleQuery): string[] {
  const all = [...db.people.keys()].sort()
  const matching =
    status === undefined
      ? all
      : all.filter((email) => {
          const view = toPerson(db, db.people.get(email)!)
          return (training ? [training] : TRAINING_IDS).some((id) => view.trainings[id]!.status === status)
        })
  return matching.slice(offset, limit === undefined ? undefined : offset + limit)
}

function everyQuery(): PeopleQuery[] {
  const queries: PeopleQuery[] = [{}, { limit: 7 }, { limit: 7, offset: 35 }, { offset: 39 }, { offset: 100 }]
  for (const status of STATUSES) {
    for (const training of [undefined, ...TRAINING_IDS] as (TrainingId | undefined)[]) {
      queries.push(
        { training, status },
        { training, status, limit: 3 },
        { training, status, limit: 5, offset: 4 },
        { training, status, offset: 2 },
      )
    }
  }
  return queries
}

function expectLikeScan(index: PeopleIndex): void {
  for (const query of everyQuery()) expect(index.page(query), JSON.stringify(query)).toEqual(scan(store.data, query))
}

describe('PeopleIndex', () => {
  it('answers every filter and page as the scan of everyone did, in e-mail order', () => {
    const index = new PeopleIndex(store)
    expectLikeScan(index)
    // the data has every status somewhere, so the comparison is not vacuous
    for (const status of ['compliant', 'non_compliant', 'not_enrolled', 'not_configured'] as Status[])
      expect(index.count({ status })).toBeGreaterThan(0)
    // a sticky record stands even where the training is not configured
    expect(index.page({ training: 'ai_awareness', status: 'compliant' })).toContain('p00@example.com')
    expect(index.rebuilds).toBe(1)
  })

  it('pages are consecutive slices of the filtered list', () => {
    const index = new PeopleIndex(store)
    const all = index.page({ status: 'not_enrolled' })
    const pages = [0, 3, 6, 9, 12, 15].flatMap((offset) => index.page({ status: 'not_enrolled', limit: 3, offset }))
    expect(pages).toEqual(all.slice(0, 18))
    expect(all.length).toBe(index.count({ status: 'not_enrolled' }))
  })

  it('after a reset of one person, moves only that person (no rebuild)', async () => {
    const index = new PeopleIndex(store)
    const email = index.page({ training: 'security_awareness', status: 'compliant', limit: 1 })[0]!
    await store.update(
      (db) => {
        delete db.people.get(email)!.records.security_awareness
      },
      { people: [email] },
    )
    expect(index.page({ training: 'security_awareness', status: 'compliant' })).not.toContain(email)
    expect(index.page({ training: 'security_awareness', status: 'not_enrolled' })).toContain(email)
    expectLikeScan(index)
    expect(index.rebuilds).toBe(1)
  })

  it('after a sync that names everyone and adds people, rebuilds and lists the new ones in order', async () => {
    const index = new PeopleIndex(store)
    expect(index.count({})).toBe(40)
    await store.update(
      (db) => {
        addPerson(db, 'a-first@example.com', 1)
        addPerson(db, 'zz-last@example.com', 0)
        db.people.get('p05@example.com')!.records.hipaa = record('non_compliant')
      },
      { people: 'all' },
    )
    expect(index.page({ limit: 1 })).toEqual(['a-first@example.com'])
    expect(index.page({ offset: 41 })).toEqual(['zz-last@example.com'])
    expectLikeScan(index)
    expect(index.rebuilds).toBe(2)
  })

  it('a training moved to another connection changes everyone, though the change named nobody', async () => {
    const index = new PeopleIndex(store)
    const before = index.page({ training: 'security_awareness', status: 'compliant' })
    await store.update((db) => {
      db.trainings.security_awareness.connectionId = OTHER
      db.trainings.security_awareness.campaignIds = [`${OTHER}:9`]
    })
    expect(index.page({ training: 'security_awareness', status: 'compliant' })).not.toEqual(before)
    expectLikeScan(index)
  })

  it('stays right when the store does not report scopes (rebuilds on every revision)', async () => {
    const plain = {
      get data() {
        return store.data
      },
      get revision() {
        return store.revision
      },
    }
    const index = new PeopleIndex(plain)
    expectLikeScan(index)
    const email = index.page({ status: 'compliant', limit: 1 })[0]!
    await store.update(
      (db) => {
        db.people.get(email)!.records = {}
      },
      { people: [email] },
    )
    expectLikeScan(index)
    expect(index.rebuilds).toBe(2)
  })

  it('follows a person removed by a change that names them', async () => {
    const index = new PeopleIndex(store)
    const gone = index.page({ limit: 1, offset: 10 })[0]!
    await store.update(
      (db) => {
        db.people.delete(gone)
      },
      { people: [gone] },
    )
    expect(index.page({})).not.toContain(gone)
    expect(index.count({})).toBe(39)
    expectLikeScan(index)
  })
})

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

async function settle(index: PeopleIndex): Promise<void> {
  while (index.busy) await nextTurn()
}

/**
 * A source that changes synchronously when told (a store's commit also awaits its write, during
 * which background slices may run), so a test can look between the slices of a rebuild.
 */
function manualSource() {
  const listeners: ((scope: ChangeScope) => void)[] = []
  let revision = 0
  return {
    get data() {
      return store.data
    },
    get revision() {
      return revision
    },
    onChange(listener: (scope: ChangeScope) => void) {
      listeners.push(listener)
      return () => undefined
    },
    change(edit: (db: Db) => void, scope: ChangeScope) {
      edit(store.data)
      revision++
      for (const listener of listeners) listener(scope)
    },
  }
}

/** A sync's commit: statuses change for many people, someone joins, someone leaves; the scope names 'all'. */
function syncLike(source: ReturnType<typeof manualSource>): void {
  source.change(
    (db) => {
      for (const email of ['p03@example.com', 'p11@example.com', 'p20@example.com'])
        db.people.get(email)!.records.hipaa = record('non_compliant')
      db.people.delete('p07@example.com')
      addPerson(db, 'new@example.com', 2)
    },
    { people: 'all' },
  )
}

describe('PeopleIndex rebuilt in the background', () => {
  it('after a sync, rebuilds in slices between other work and then answers without rebuilding again', async () => {
    const source = manualSource()
    const index = new PeopleIndex(source, 7)
    expectLikeScan(index)
    syncLike(source)
    expect(index.busy).toBe(true)
    await nextTurn()
    expect(index.busy).toBe(true)
    expect(index.rebuilds).toBe(1)
    await settle(index)
    expect(index.rebuilds).toBe(2)
    expectLikeScan(index)
    expect(index.page({})).toContain('new@example.com')
    expect(index.page({})).not.toContain('p07@example.com')
    expect(index.rebuilds).toBe(2)
  })

  it('a read while a rebuild is under way finishes it and reflects the sync', async () => {
    const source = manualSource()
    const index = new PeopleIndex(source, 7)
    index.count({})
    syncLike(source)
    await nextTurn()
    expect(index.rebuilds).toBe(1)
    expectLikeScan(index)
    expect(index.rebuilds).toBe(2)
    await settle(index)
    expect(index.rebuilds).toBe(2)
  })

  it('a change that comes during a rebuild is not lost', async () => {
    const source = manualSource()
    const index = new PeopleIndex(source, 7)
    index.count({})
    syncLike(source)
    await nextTurn()
    const email = 'p12@example.com'
    source.change(
      (db) => {
        db.people.get(email)!.records = {}
      },
      { people: [email] },
    )
    await nextTurn()
    expect(index.page({ training: 'security_awareness', status: 'not_enrolled' })).toContain(email)
    await settle(index)
    expectLikeScan(index)
  })

  it('never reads the store in the background before anyone asked for a page', async () => {
    const source = manualSource()
    const index = new PeopleIndex(source, 7)
    syncLike(source)
    expect(index.busy).toBe(false)
    await nextTurn()
    expect(index.rebuilds).toBe(0)
    expectLikeScan(index)
  })
})

describe('PerPersonCache of /me/trainings answers', () => {
  const compute = (db: Db, email: string) => toMyTrainings(db, db.people.get(email) ?? unknownPerson(email), () => null)

  it('serves a second read from the cache and recomputes only the person a change names', async () => {
    const cache = new PerPersonCache(store, compute, myTrainingsKey)
    const a = 'p01@example.com'
    const b = 'p02@example.com'
    const first = cache.get(a)
    cache.get(b)
    expect(cache.get(a)).toBe(first)
    expect(cache.computed).toBe(2)

    await store.update(
      (db) => {
        db.people.get(a)!.records.security_awareness = record('non_compliant')
      },
      { people: [a] },
    )
    const after = cache.get(a)
    expect(after.trainings.security_awareness!.status).toBe('non_compliant')
    expect(after).toEqual(compute(store.data, a))
    cache.get(b)
    expect(cache.computed).toBe(3)
  })

  it('drops every answer when a connection or a training changes, or the change named all', async () => {
    const cache = new PerPersonCache(store, compute, myTrainingsKey)
    const a = 'p03@example.com'
    cache.get(a)
    await store.update((db) => {
      db.connections[0]!.lastSyncAt = '2026-02-01T00:00:00.000Z'
    })
    expect(cache.get(a).syncedAt).toBe('2026-02-01T00:00:00.000Z')
    expect(cache.computed).toBe(2)
    await store.update((db) => {
      for (const connection of db.connections) connection.lastSyncAt = '2026-03-01T00:00:00.000Z'
    })
    expect(cache.get(a).syncedAt).toBe('2026-03-01T00:00:00.000Z')
    await store.update(() => undefined, { people: 'all' })
    cache.get(a)
    expect(cache.computed).toBe(4)
  })

  it('an unknown person gets an answer that follows them once a sync adds them', async () => {
    const cache = new PerPersonCache(store, compute, myTrainingsKey)
    const email = 'new@example.com'
    expect(cache.get(email).trainings.security_awareness!.status).toBe('not_enrolled')
    await store.update(
      (db) => {
        addPerson(db, email, 0)
      },
      { people: [email] },
    )
    expect(cache.get(email).trainings.security_awareness!.status).toBe('compliant')
  })

  it('keeps at most `max` answers, and none asked for without keeping', () => {
    const cache = new PerPersonCache(store, compute, myTrainingsKey, { entries: 2 })
    cache.get('p01@example.com')
    cache.get('p02@example.com')
    cache.get('p03@example.com')
    cache.get('p01@example.com')
    expect(cache.computed).toBe(4)
    cache.get('p04@example.com', false)
    cache.get('p04@example.com', false)
    cache.get('p01@example.com')
    expect(cache.computed).toBe(6)
  })
})

describe('PerPersonCache bounded by bytes', () => {
  // every answer weighs 100 bytes, the bound holds three
  const text = (_db: Db, email: string) => email.padEnd(100, '.')
  const bytes = (bound: number) => ({ bytes: bound, weigh: (_email: string, value: string) => value.length })

  it('drops the oldest answers once their bytes pass the bound, and counts what it keeps', () => {
    const cache = new PerPersonCache(store, text, personKey, bytes(350))
    for (const n of [1, 2, 3, 4]) cache.get(`p0${n}@example.com`)
    expect(cache.size).toBe(300)
    cache.get('p02@example.com')
    cache.get('p03@example.com')
    cache.get('p04@example.com')
    expect(cache.computed).toBe(4)
    cache.get('p01@example.com')
    expect(cache.computed).toBe(5)
    expect(cache.size).toBe(300)
  })

  it('keeps no answer heavier than the whole bound', () => {
    const cache = new PerPersonCache(store, text, personKey, bytes(99))
    cache.get('p01@example.com')
    cache.get('p01@example.com')
    expect(cache.computed).toBe(2)
    expect(cache.size).toBe(0)
  })

  it('gives back the bytes of the answers a change drops', async () => {
    const cache = new PerPersonCache(store, text, personKey, bytes(10_000))
    for (const n of [1, 2, 3]) cache.get(`p0${n}@example.com`)
    await store.update(
      (db) => {
        db.people.get('p02@example.com')!.name = 'Renamed'
      },
      { people: ['p02@example.com'] },
    )
    cache.get('p01@example.com')
    expect(cache.size).toBe(200)
    await store.update(() => undefined, { people: 'all' })
    cache.get('p01@example.com')
    expect(cache.size).toBe(100)
    expect(cache.computed).toBe(4)
  })

  it('weighs a text of Latin-1 characters at a byte each and any other at two, plus the entry', () => {
    expect(textBytes('a@example.com', 'é'.repeat(10)) - textBytes('a@example.com', '')).toBe(10)
    expect(textBytes('a@example.com', 'ő'.repeat(10)) - textBytes('a@example.com', '')).toBe(20)
    expect(textBytes('a@example.com', '')).toBeGreaterThan(0)
  })
})
