import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Db, StoredPerson } from '../store/schema.ts'

/** People copied between yields to the event loop: a few milliseconds of work. */
const SLICE = 2_500

/**
 * A copy of what the evidence pack reads, so that a pack shows one state of the db even when a
 * sync or a reset commits while it streams (that change shows in the next pack). Changes edit
 * some objects in place (a person's records and name, retraining entries, training settings) and
 * replace others (records, their lists, audit events, certificates, which are content-addressed):
 * the first kind is copied, the second shared. Taken in slices, under `Store.exclusive`, so that
 * no change applies while it is taken and readers are served meanwhile.
 */
export async function packSnapshot(db: Db): Promise<Db> {
  const people: Db['people'] = new Map()
  let count = 0
  for (const [email, person] of db.people) {
    people.set(email, copyPerson(person))
    if (++count % SLICE === 0) await yieldToLoop()
  }
  const retraining: Db['retraining'] = new Map()
  for (const [email, of] of db.retraining) {
    retraining.set(email, { ...of })
    if (++count % SLICE === 0) await yieldToLoop()
  }
  return {
    ...db,
    people,
    retraining,
    audit: db.audit.slice(),
    trainings: structuredClone(db.trainings),
    connections: structuredClone(db.connections),
    campaigns: structuredClone(db.campaigns),
  }
}

const copyPerson = (person: StoredPerson): StoredPerson => ({ ...person, records: { ...person.records } })
