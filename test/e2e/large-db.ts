import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { z } from 'zod'
import { emptyDb, type StoredPerson, type StoredRecord } from '../../daemon/store/schema.ts'

export const LARGE_DOMAIN = 'example.org'
const CONNECTION = 'kb4-large'
const CAMPAIGN = `${CONNECTION}:1`
const NOW = '2026-11-30T09:00:00.000Z'

const FIRST = [
  'Ada',
  'Grace',
  'Linus',
  'Margaret',
  'Alan',
  'Barbara',
  'Ken',
  'Radia',
  'Tim',
  'Frances',
  'Edsger',
  'Hedy',
  'Katherine',
  'Dennis',
  'Joan',
  'Niklaus',
]
const LAST = [
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Tanaka',
  'Novak',
  'Haddad',
  'Silva',
  'Kowalski',
  'Nguyen',
  'Brennan',
  'Achterberg',
  'Rossi',
  'Mensah',
  'Ivanova',
]

/** A small seeded PRNG: the same seed gives the same people. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * Writes the db of an organisation of `people` after a sync of one KnowBe4 campaign that counts
 * for Security Awareness (`compliantShare` of them completed it on a day of 2026), so a test
 * starts the daemon on 100,000 people in seconds instead of syncing them for a minute. Typed with
 * the daemon's own schema, and validated by it when the daemon opens the file (a bad file stops
 * the start).
 */
export function writeLargeDb(dataDir: string, people: number, compliantShare = 0.7): { compliant: number } {
  const db = emptyDb()
  db.connections.push({
    id: CONNECTION,
    provider: 'knowbe4',
    label: 'Example Org',
    status: 'connected',
    lastSyncAt: NOW,
    lastError: null,
    createdAt: NOW,
    settings: { region: 'us' },
    sealed: 'not-used-by-this-test',
  })
  db.campaigns.push({
    id: CAMPAIGN,
    connectionId: CONNECTION,
    externalId: '1',
    name: 'Annual Training 2026',
    status: 'In Progress',
    importable: true,
    notImportableReason: null,
  })
  db.trainings.security_awareness = { id: 'security_awareness', connectionId: CONNECTION, campaignIds: [CAMPAIGN] }
  const next = random(14)
  const days = Array.from({ length: 300 }, (_, day) => new Date(Date.UTC(2026, 0, 1 + day, 12)).toISOString())
  let compliant = 0
  // The db's input shape: fields other branches add with defaults are filled in when the daemon loads it.
  const stored: Record<string, z.input<typeof StoredPerson>> = {}
  for (let index = 1; index <= people; index++) {
    const number = String(index).padStart(6, '0')
    const email = `user${number}@${LARGE_DOMAIN}`
    const done = next() < compliantShare
    const at = done ? days[Math.floor(next() * days.length)]! : null
    if (done) compliant++
    const record: z.input<typeof StoredRecord> = {
      status: done ? 'compliant' : 'non_compliant',
      completed: done ? 1 : 0,
      required: 1,
      compliantAt: at,
      sticky: done,
      campaigns: [{ id: CAMPAIGN, name: 'Annual Training 2026', completed: done, completedAt: at }],
      evidence: at ? [{ campaignId: CAMPAIGN, module: 'Module 1', enrollmentId: `e${index}`, completedAt: at }] : [],
      evaluatedAt: NOW,
      connectionId: CONNECTION,
      certificates: [],
    }
    const name = `${FIRST[index % FIRST.length]} ${LAST[Math.floor(index / FIRST.length) % LAST.length]}`
    const person: z.input<typeof StoredPerson> = { email, name, seenBy: [CONNECTION], records: { security_awareness: record } }
    stored[email] = person
  }
  // Written as a schema-version-1 file (one JSON file, tokens as a list): the daemon validates and migrates it on open.
  writeFileSync(
    join(dataDir, 'trainproof.json'),
    JSON.stringify({ ...db, version: 1, tokens: [...db.tokens.values()], people: stored, retraining: {} }),
    { mode: 0o600 },
  )
  return { compliant }
}
