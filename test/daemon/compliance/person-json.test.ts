import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { personJson } from '../../../daemon/compliance/person-json.ts'
import { toPerson } from '../../../daemon/compliance/views.ts'
import { type Db, emptyDb, type RetrainingOf, type StoredPerson, type StoredRecord } from '../../../daemon/store/schema.ts'
import { STATUSES, TRAINING_IDS, type TrainingId } from '../../../shared/constants.ts'

const CONNECTIONS = [null, 'kb4', 'hb'] as const

const time = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms).toISOString())
// any characters, quotes, backslashes, control characters and lone surrogates included
const text = fc.string({ unit: 'binary', maxLength: 12 })

const campaign = fc.record({ id: text, name: text, completed: fc.boolean(), completedAt: fc.option(time, { nil: null }) })

/** Records as the store holds them: some frozen and shared (store/decoder.ts), some plain. */
const storedRecord = fc
  .record({
    status: fc.constantFrom(...STATUSES),
    completed: fc.nat(20),
    required: fc.nat(20),
    compliantAt: fc.option(time, { nil: null }),
    sticky: fc.boolean(),
    campaigns: fc.array(campaign, { maxLength: 3 }),
    dueAt: fc.option(time, { nil: undefined }),
    connectionId: fc.constantFrom(...CONNECTIONS),
    frozen: fc.boolean(),
  })
  .map(({ frozen, dueAt, ...fields }): StoredRecord => {
    const record: StoredRecord = {
      ...fields,
      ...(dueAt === undefined ? {} : { dueAt }),
      evidence: [],
      evaluatedAt: '2026-01-05T09:00:00.000Z',
      certificates: [],
      source: null,
      evidenceSha256: null,
    }
    if (!frozen) return record
    for (const item of record.campaigns) Object.freeze(item)
    Object.freeze(record.campaigns)
    return Object.freeze(record)
  })

const perTraining = <T>(value: fc.Arbitrary<T>) =>
  fc.record(Object.fromEntries(TRAINING_IDS.map((id) => [id, value])) as Record<TrainingId, fc.Arbitrary<T>>, {
    requiredKeys: [],
  })

const trainingSettings = fc.record({
  connectionId: fc.constantFrom(...CONNECTIONS),
  campaignIds: fc.array(fc.constantFrom('c1', 'c2'), { maxLength: 2 }),
})

const world = fc.record({
  settings: fc.tuple(trainingSettings, trainingSettings, trainingSettings),
  people: fc.array(
    fc.record({
      email: text,
      name: text,
      records: perTraining(storedRecord),
      retraining: fc.option(perTraining(fc.record({ resetAt: time, dueAt: time })), { nil: null }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
})

function build({ settings, people }: typeof world extends fc.Arbitrary<infer T> ? T : never): { db: Db; people: StoredPerson[] } {
  const db = emptyDb()
  TRAINING_IDS.forEach((id, i) => {
    db.trainings[id] = { ...db.trainings[id], ...settings[i]! }
  })
  const stored = people.map(({ email, name, records, retraining }) => {
    if (retraining !== null) db.retraining.set(email, retraining as RetrainingOf)
    return { email, name, seenBy: [], externalIds: {}, records }
  })
  return { db, people: stored }
}

describe('personJson', () => {
  it('is JSON.stringify of the Person view, character for character, over generated people', () => {
    fc.assert(
      fc.property(world, (generated) => {
        const { db, people } = build(generated)
        for (const person of people) {
          const expected = JSON.stringify(toPerson(db, person))
          expect(personJson(db, person)).toBe(expected)
          // the second time from the text kept with frozen records
          expect(personJson(db, person)).toBe(expected)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('follows a record edited in place (one the store did not freeze)', () => {
    const { db, people } = build({
      settings: [
        { connectionId: 'kb4', campaignIds: ['c1'] },
        { connectionId: null, campaignIds: [] },
        { connectionId: null, campaignIds: [] },
      ],
      people: [{ email: 'a@example.com', name: 'A', records: {}, retraining: null }],
    })
    const person = people[0]!
    const record: StoredRecord = {
      status: 'non_compliant',
      completed: 0,
      required: 1,
      compliantAt: null,
      sticky: false,
      campaigns: [{ id: 'c1', name: 'Annual', completed: false, completedAt: null }],
      evidence: [],
      evaluatedAt: '2026-01-05T09:00:00.000Z',
      connectionId: 'kb4',
      certificates: [],
      source: null,
      evidenceSha256: null,
    }
    person.records.security_awareness = record
    personJson(db, person)
    record.status = 'compliant'
    record.campaigns[0]!.completed = true
    expect(personJson(db, person)).toBe(JSON.stringify(toPerson(db, person)))
  })

  it('shows a shared frozen record with each person their own due date', () => {
    const { db, people } = build({
      settings: [
        { connectionId: 'kb4', campaignIds: ['c1'] },
        { connectionId: null, campaignIds: [] },
        { connectionId: null, campaignIds: [] },
      ],
      people: [
        {
          email: 'a@example.com',
          name: 'A',
          records: {},
          retraining: { security_awareness: { resetAt: '2026-01-01T00:00:00.000Z', dueAt: '2026-03-01T00:00:00.000Z' } },
        },
        { email: 'b@example.com', name: 'B', records: {}, retraining: null },
      ],
    })
    const shared = Object.freeze({
      status: 'not_enrolled',
      completed: 0,
      required: 0,
      compliantAt: null,
      sticky: false,
      campaigns: Object.freeze([]) as unknown as StoredRecord['campaigns'],
      evidence: [],
      evaluatedAt: '2026-01-05T09:00:00.000Z',
      connectionId: 'kb4',
      certificates: [],
      source: null,
      evidenceSha256: null,
    } satisfies StoredRecord)
    for (const person of people) person.records.security_awareness = shared
    const [a, b] = people.map((person) => JSON.parse(personJson(db, person)))
    expect(a.trainings.security_awareness.dueAt).toBe('2026-03-01T00:00:00.000Z')
    expect(b.trainings.security_awareness.dueAt).toBeNull()
    for (const person of people) expect(personJson(db, person)).toBe(JSON.stringify(toPerson(db, person)))
  })
})
