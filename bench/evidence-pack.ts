/**
 * The evidence pack at scale: `npx tsx bench/evidence-pack.ts [people] [compliant]` seeds a db of
 * `people` people (Security Awareness configured), `compliant` of them compliant with two
 * campaigns of evidence, downloads GET /evidence over HTTP and reports time, size and peak RSS.
 */
import { startTestDaemon } from '../test/helpers/daemon.ts'
import { VirtualClock } from '../test/helpers/virtual-clock.ts'
import { StoredPerson, StoredRecord } from '../daemon/store/schema.ts'

const people = Number(process.argv[2] ?? 100_000)
const compliant = Number(process.argv[3] ?? 1_000)
const daemon = await startTestDaemon({ clock: new VirtualClock(Date.parse('2026-11-30T12:00:00.000Z')) })
await daemon.deps.store.update(
  (db) => {
    db.connections.push({
      id: 'c1',
      provider: 'knowbe4',
      label: 'KnowBe4 (Bench Ltd)',
      status: 'connected',
      lastSyncAt: null,
      lastError: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      settings: {},
      sealed: 'x',
    })
    db.trainings.security_awareness = { id: 'security_awareness', connectionId: 'c1', campaignIds: ['c1:1', 'c1:2'] }
    for (let index = 0; index < people; index++) {
      const email = `person${String(index).padStart(6, '0')}@example.com`
      const done = index < compliant
      const at = `2026-0${1 + (index % 9)}-1${index % 10}T10:00:00.000Z`
      // Parsed, so that fields added to the schema later get their defaults.
      const record = StoredRecord.parse({
        status: done ? 'compliant' : 'non_compliant',
        completed: done ? 2 : 1,
        required: 2,
        compliantAt: done ? at : null,
        sticky: done,
        campaigns: [
          { id: 'c1:1', name: 'Annual Security Awareness 2026', completed: true, completedAt: at },
          { id: 'c1:2', name: 'Phishing, "advanced"', completed: done, completedAt: done ? at : null },
        ],
        evidence: done
          ? [
              { campaignId: 'c1:1', module: 'Basics', enrollmentId: `${index}1`, completedAt: at },
              { campaignId: 'c1:2', module: 'Phishing', enrollmentId: `${index}2`, completedAt: at },
            ]
          : [],
        evaluatedAt: '2026-11-30T02:00:00.000Z',
        connectionId: 'c1',
      })
      db.people[email] = StoredPerson.parse({ email, name: `Person ${index}`, seenBy: ['c1'], records: { security_awareness: record } })
    }
  },
  { people: 'all' },
)
global.gc?.()
const baseRss = process.memoryUsage().rss
let peakRss = baseRss
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
const started = performance.now()
const res = await daemon.api('/evidence?from=2026-01-01&to=2026-11-30')
let bytes = 0
let firstByteMs = 0
for await (const chunk of res.body!) {
  if (bytes === 0) firstByteMs = performance.now() - started
  bytes += chunk.length
}
const seconds = (performance.now() - started) / 1000
clearInterval(sampler)
process.stdout.write(
  `${people} people, ${compliant} compliant: ${seconds.toFixed(1)} s, first byte after ${firstByteMs.toFixed(0)} ms, ` +
    `${(bytes / 1e6).toFixed(1)} MB, RSS before ${(baseRss / 1e6).toFixed(0)} MB, peak ${(peakRss / 1e6).toFixed(0)} MB\n`,
)
await daemon.stop()
