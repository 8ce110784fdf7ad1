import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Connection, Person } from '../../../shared/domain.ts'
import { seedWorkedExample, type WorkedExample } from '../../../fakes/huntress/seed.ts'
import { securityAwareness, startHarness, type Harness } from '../../helpers/huntress.ts'

/* What a Huntress sync leaves as proof: sticky compliance, and certificates kept on disk. */

let h: Harness
let example: WorkedExample
let connection: Connection
beforeEach(async () => {
  h = await startHarness()
  example = seedWorkedExample(h.fake)
  connection = await h.connect()
  await h.select(connection.id, [example.assignments.a.id, example.assignments.b.id])
})
afterEach(() => h.stop())

const ASTRONAUT = 'astronaut@example.com'

async function syncOk() {
  const run = await h.sync(connection.id)
  expect(run).toMatchObject({ ok: true, error: null })
  return run
}

async function certificate(email: string, token?: string) {
  const response = await h.daemon.api(`/personnel/${encodeURIComponent(email)}/certificates/security_awareness`, { token })
  return { status: response.status, type: response.headers.get('content-type'), bytes: new Uint8Array(await response.arrayBuffer()) }
}

const storedRecord = (email: string) => h.daemon.deps.store.data.people.get(email)?.records.security_awareness

describe('sticky compliance', () => {
  it('keeps a compliant person compliant when Huntress turns against them, until a reset', async () => {
    await syncOk()
    const before = (await h.people())[ASTRONAUT]!.trainings.security_awareness
    expect(before).toMatchObject({ status: 'compliant', sticky: true })

    // Huntress now says astronaut has A to do again: their activity row of A loses its completion.
    const { a } = example.assignments
    Object.assign(h.fake.tenant.activityOf(a.id, example.learners.astronaut.id)!, { completedAt: null, progress: 20 })
    // Meanwhile wizard finishes A: a non-sticky person follows the data.
    h.fake.tenant.complete(a.id, example.learners.wizard.id, '2025-03-09T10:00:00Z')
    await syncOk()

    let people = await h.people()
    expect(people[ASTRONAUT]!.trainings.security_awareness).toEqual(before)
    expect(securityAwareness(people['wizard@example.com'])).toBe('compliant 2/2')

    // The reset clears it at once (and says so in the audit log); the next sync evaluates afresh.
    const reset = await h.call<Person>(`/personnel/${ASTRONAUT}/reset`, { method: 'POST', json: { training: 'security_awareness' } })
    expect(reset.status).toBe(200)
    expect(reset.body.trainings.security_awareness.sticky).toBe(false)
    const [event] = await h.audit('person.reset')
    expect(event?.detail).toMatchObject({
      email: ASTRONAUT,
      training: 'security_awareness',
      previousStatus: 'compliant',
      compliantAt: before.compliantAt,
    })

    await syncOk()
    people = await h.people()
    expect(people[ASTRONAUT]!.trainings.security_awareness).toMatchObject({
      status: 'non_compliant',
      completed: 1,
      required: 2,
      sticky: false,
      compliantAt: null,
    })
    expect((await certificate(ASTRONAUT)).status).toBe(404)

    // Once done again, compliant again: with the new date.
    h.fake.tenant.complete(a.id, example.learners.astronaut.id, '2025-06-01T08:00:00Z')
    await syncOk()
    const after = (await h.people())[ASTRONAUT]!.trainings.security_awareness
    expect(after).toMatchObject({ status: 'compliant', sticky: true, compliantAt: '2025-06-01T08:00:00.000Z' })
  })
})

describe('certificates', () => {
  it("serves trainproof's page with Huntress's certificates appended, kept by SHA-256", async () => {
    await syncOk()

    const served = await certificate(ASTRONAUT)
    expect(served.status).toBe(200)
    expect(served.type).toBe('application/pdf')
    expect(new TextDecoder().decode(served.bytes.subarray(0, 5))).toBe('%PDF-')
    // trainproof's own single page, then one Huntress certificate each for A and B.
    expect((await PDFDocument.load(served.bytes)).getPageCount()).toBe(3)

    const hashes = storedRecord(ASTRONAUT)!.certificates
    expect(hashes).toHaveLength(2)
    const names = [example.assignments.a.name, example.assignments.b.name]
    for (const [index, hash] of hashes.entries()) {
      const file = join(h.daemon.dataDir, 'certificates', `${hash}.pdf`)
      expect(existsSync(file)).toBe(true)
      const bytes = readFileSync(file)
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash)
      // The fake's PDF names the learner and the assignment in plain text.
      expect(bytes.toString('latin1')).toContain(`<${ASTRONAUT}>`)
      expect(bytes.toString('latin1')).toContain(names[index])
    }
    expect(storedRecord('hero@example.com')!.certificates).toHaveLength(1)
    // Only the hash is kept in the db, never the short-lived link.
    expect(h.dbFile()).not.toContain('/files/certificates/')

    // The links expire at Huntress: the stored bytes are still served, without asking Huntress.
    h.fake.expireCertificateLinks()
    h.fake.clearRequests()
    const later = await certificate(ASTRONAUT)
    expect(later.status).toBe(200)
    expect((await PDFDocument.load(later.bytes)).getPageCount()).toBe(3)
    expect(h.fake.requests).toEqual([])
    // Nor does a later sync fetch them again (astronaut is sticky).
    await syncOk()
    expect(h.fake.requestCount('/completion-certificate')).toBe(0)
  })

  it('is 404 for a person who is not compliant, and for nobody', async () => {
    await syncOk()
    const wizard = await certificate('wizard@example.com')
    expect(wizard.status).toBe(404)
    expect(wizard.type).toMatch(/^application\/json/)
    expect((await certificate('nobody@example.com')).status).toBe(404)
  })

  it('an employee reads their own certificate only', async () => {
    await syncOk()
    const issued = await h.call<{ token: string }>('/tokens', { method: 'POST', json: { role: 'employee', email: 'hero@example.com' } })
    expect(issued.status).toBe(201)
    const own = await certificate('hero@example.com', issued.body.token)
    expect(own.status).toBe(200)
    expect((await PDFDocument.load(own.bytes)).getPageCount()).toBe(2)
    expect((await certificate(ASTRONAUT, issued.body.token)).status).toBe(403)
  })

  it('asks Huntress for a fresh link once when a download link expired on the way', async () => {
    h.fake.inject({ kind: 'status', status: 403 }, { path: '/files/certificates/' })
    h.fake.clearRequests()

    const run = await syncOk()

    // The worked example's 11 (the unselected C is not read), plus the refused download and one more certificate request.
    expect(run.requests).toBe(13)
    expect(h.fake.requestCount('/completion-certificate')).toBe(4)
    expect(storedRecord(ASTRONAUT)!.certificates).toHaveLength(2)
    expect((await PDFDocument.load((await certificate(ASTRONAUT)).bytes)).getPageCount()).toBe(3)
  })

  it("a certificate Huntress cannot give leaves trainproof's own page, and the sync goes on", async () => {
    h.fake.inject({ kind: 'status', status: 404 }, { path: '/completion-certificate', times: 10 })

    await syncOk()

    expect(storedRecord(ASTRONAUT)).toMatchObject({ status: 'compliant', certificates: [] })
    const served = await certificate(ASTRONAUT)
    expect(served.status).toBe(200)
    expect((await PDFDocument.load(served.bytes)).getPageCount()).toBe(1)
  })
})
