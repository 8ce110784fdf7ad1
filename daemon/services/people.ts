import { TRAINING_NAMES, type MyTrainings, type Person, type TrainingId } from '../../shared/domain.ts'
import { isStaff } from '../auth/roles.ts'
import type { Principal } from '../auth/tokens.ts'
import { PeopleIndex, type PeopleQuery } from '../compliance/people-index.ts'
import { myTrainingsKey, PerPersonCache, personKey, textBytes } from '../compliance/per-person-cache.ts'
import { personJson } from '../compliance/person-json.ts'
import { currentRecord, toMyTrainings, toPerson, unknownPerson } from '../compliance/views.ts'
import { AppError, notFound } from '../errors.ts'
import { recordCertificate } from '../evidence/certificate.ts'
import { clearRetraining } from '../recurrence/resets.ts'
import type { Db } from '../store/schema.ts'
import type { Store } from '../store/store.ts'
import { auditor } from './audit.ts'
import type { Deps } from './deps.ts'

/** Pages of more people than this are streamed (an export); smaller ones are one string, their people's JSON kept in the cache. */
const STREAM_OVER = 1_000
/** People a chunk of a streamed page (~300 KiB of JSON). */
const STREAM_CHUNK = 250
/**
 * What the JSON of people may take in memory: a whole 300,000-person population (~1.25 KB a
 * person at 3 trainings). Pages of a large filter asked at random cycle through everyone, and a
 * cache that held fewer than they match missed nearly every time (oldest out first).
 */
const PERSON_JSON_BYTES = 384 * 2 ** 20

/** The filters and paging of `GET /personnel` (the index's query). */
export type PersonnelFilter = PeopleQuery

/**
 * A value derived from the db, recomputed only after the store changed: sorting 100,000 e-mails
 * or parsing connection settings on every request cost more than the request itself (BENCHMARKS.md).
 */
function perRevision<T>(store: Store, compute: (db: Db) => T): () => T {
  let cached: { revision: number; people: Db['people']; value: T } | null = null
  return () => {
    const db = store.data
    if (cached?.revision !== store.revision || cached.people !== db.people) {
      cached = { revision: store.revision, people: db.people, value: compute(db) }
    }
    return cached.value
  }
}

/** People: the employee's own view, the staff lists, a reset of sticky compliance, certificates. */
export function createPeopleService({
  store,
  providers,
  certificates,
  rechecks,
  now,
}: Pick<Deps, 'store' | 'providers' | 'certificates' | 'rechecks' | 'now'>) {
  const portals = perRevision(store, (db) => {
    const urls = {} as Record<TrainingId, string | null>
    for (const training of Object.keys(TRAINING_NAMES) as TrainingId[]) {
      const connection = db.connections.find((item) => item.id === db.trainings[training].connectionId)
      urls[training] = connection ? providers.portalUrl(connection) : null
    }
    return urls
  })
  const portalUrl = (_db: Db) => {
    const urls = portals()
    return (training: TrainingId) => urls[training]
  }

  const index = new PeopleIndex(store)
  // Answers kept as JSON text until the person's data changes: serialising was most of a request's cost.
  const mine = new PerPersonCache(store, (db, email) => JSON.stringify(viewOf(db, email)), myTrainingsKey)
  const people = new PerPersonCache(store, (db, email) => personJson(db, db.people.get(email)!), personKey, {
    bytes: PERSON_JSON_BYTES,
    weigh: textBytes,
  })

  function viewOf(db: Db, email: string): MyTrainings {
    return toMyTrainings(db, db.people.get(email) ?? unknownPerson(email), portalUrl(db))
  }

  /** One person's trainings as `GET /me/trainings` shows them (an unknown e-mail: nothing done yet). */
  const myTrainings = (email: string): MyTrainings => viewOf(store.data, email)

  /** Clears a person's sticky compliance for one training; the next sync evaluates them afresh. */
  async function reset(email: string, training: TrainingId, actor: string): Promise<Person> {
    return store.update(
      (db) => {
        const found = db.people.get(email)
        if (!found) throw notFound(`Person ${email}`)
        const previous = found.records[training]
        delete found.records[training]
        clearRetraining(db, email, training)
        auditor(
          db,
          actor,
          now().toISOString(),
        )('person.reset', {
          email,
          training,
          previousStatus: previous?.status ?? null,
          compliantAt: previous?.compliantAt ?? null,
        })
        return toPerson(db, found)
      },
      { people: [email] },
    )
  }

  /** The certificate PDF of a compliant record (staff, or the employee themself). */
  async function certificate(principal: Principal, email: string, trainingId: TrainingId): Promise<Uint8Array> {
    if (!isStaff(principal) && principal.email !== email) {
      throw new AppError('forbidden', 'An employee token may only read its own certificates.')
    }
    const db = store.data
    const person = db.people.get(email)
    const record = person ? currentRecord(db, person, trainingId) : null
    if (!person || !record || record.status !== 'compliant') throw notFound(`A certificate of ${email} for ${trainingId}`)
    return recordCertificate({ providers, certificates }, db, person, trainingId, record)
  }

  return {
    /** Whose trainings a request is about: the token's own, or (staff only) the one asked for. */
    whose(principal: Principal, asked: string | undefined): string {
      if (asked !== undefined && asked !== principal.email && !isStaff(principal)) {
        throw new AppError('forbidden', 'An employee token may only read its own trainings.')
      }
      const email = asked ?? principal.email
      if (email === null) throw new AppError('invalid_request', 'This token has no e-mail: add ?email=.')
      return email
    },
    myTrainings,
    /** The same, as JSON text from the per-person cache. */
    myTrainingsJson: (email: string): string => mine.get(email),
    /** "I finished - check again": a targeted re-check of the employee's due trainings, then their view. */
    async recheck(principal: Principal): Promise<MyTrainings> {
      const email = principal.email
      if (email === null) throw new AppError('invalid_request', 'This employee token has no e-mail.')
      await rechecks.run(email, principal.actor)
      return myTrainings(email)
    },
    /** A page of `GET /personnel`, chosen from the status index. */
    list(filter: PersonnelFilter): Person[] {
      const db = store.data
      return index.page(filter).map((email) => toPerson(db, db.people.get(email)!))
    },
    /**
     * The same page as the route answers it: JSON text (each person's view cached), or past
     * STREAM_OVER people (an export of everyone) a stream of it, made chunk by chunk as the
     * client reads with the event loop served between chunks, and without filling the cache. The
     * people are chosen when it starts; each chunk shows them as they are then, leaving out
     * anyone removed meanwhile.
     */
    listBody(filter: PersonnelFilter): string | ReadableStream<Uint8Array> {
      const emails = index.page(filter)
      if (emails.length <= STREAM_OVER) return `[${emails.map((email) => people.get(email)).join(',')}]`
      const encoder = new TextEncoder()
      let next = 0
      let separator = '['
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (next > 0) await new Promise((resolve) => setImmediate(resolve))
          const db = store.data
          let text = ''
          for (const end = Math.min(emails.length, next + STREAM_CHUNK); next < end; next++) {
            const email = emails[next]!
            if (!db.people.has(email)) continue
            text += separator + people.get(email, false)
            separator = ','
          }
          if (next === emails.length) text += separator === '[' ? '[]' : ']'
          if (text !== '') controller.enqueue(encoder.encode(text))
          if (next === emails.length) controller.close()
        },
      })
    },
    one(email: string): Person {
      const person = store.data.people.get(email)
      if (!person) throw notFound(`Person ${email}`)
      return toPerson(store.data, person)
    },
    reset,
    certificate,
  }
}

export type PeopleService = ReturnType<typeof createPeopleService>
