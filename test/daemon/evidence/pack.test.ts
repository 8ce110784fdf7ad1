import { createHash } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { TRAINING_IDS, type Person } from '../../../shared/domain.ts'
import { audit } from '../../../daemon/store/audit.ts'
import { pdfText } from '../../helpers/pdf-text.ts'
import { startSynced, type Synced } from '../../helpers/audit.ts'
import { createEvidenceService } from '../../../daemon/services/evidence.ts'
import { createPeopleService } from '../../../daemon/services/people.ts'

type Manifest = { from: string; to: string; generatedAt: string; version: string; files: { path: string; bytes: number; sha256: string }[] }

/** Downloads a pack and opens it with fflate, a zip reader independent of the writer (yazl). */
async function download(setup: Synced, from: string, to: string) {
  const res = await setup.daemon.api(`/evidence?from=${from}&to=${to}`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/zip')
  const entries = unzipSync(new Uint8Array(await res.arrayBuffer()))
  const text = (path: string) => Buffer.from(entries[path] ?? new Uint8Array()).toString('utf8')
  const csv = (path: string) => parse(text(path), { columns: true }) as Record<string, string>[]
  return { entries, text, csv, manifest: JSON.parse(text('manifest.json')) as Manifest }
}

describe('GET /evidence', () => {
  it('answers a zip whose manifest lists every other file with its size and SHA-256, and people.csv matches GET /personnel', async () => {
    const setup = await startSynced()
    const pack = await download(setup, '2026-01-01', '2026-11-30')

    expect(pack.manifest).toMatchObject({ from: '2026-01-01', to: '2026-11-30', generatedAt: '2026-11-30T12:00:00.000Z', version: '0.1.0' })
    const paths = Object.keys(pack.entries)
    expect(paths.every((path) => !path.endsWith('/'))).toBe(true)
    expect(pack.manifest.files.map((file) => file.path).sort()).toEqual(paths.filter((path) => path !== 'manifest.json').sort())
    for (const file of pack.manifest.files) {
      const bytes = pack.entries[file.path]!
      expect(bytes.length, file.path).toBe(file.bytes)
      expect(createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256)
    }
    expect(paths).toEqual(expect.arrayContaining(['people.csv', 'completions.csv', 'audit.csv', 'README.txt']))

    const people = (await setup.ok<Person[]>(setup.daemon.api('/personnel'))).flatMap((person) =>
      TRAINING_IDS.filter((training) => person.trainings[training].status !== 'not_configured').map((training) => {
        const status = person.trainings[training]
        return {
          email: person.email,
          name: person.name,
          training,
          status: status.status,
          compliant_at: status.compliantAt ?? '',
          provider: 'knowbe4',
          connection: setup.connection.label,
          completed: String(status.completed),
          required: String(status.required),
        }
      }),
    )
    const rows = pack.csv('people.csv')
    expect(rows).toEqual(people)
    expect(pack.text('people.csv').split('\n')[0]).toBe('email,name,training,status,compliant_at,provider,connection,completed,required')
    expect(rows.filter((row) => row.status === 'compliant').map((row) => row.email)).toEqual(['astronaut@example.com', 'hero@example.com'])

    const completions = pack.csv('completions.csv')
    expect(completions.map((row) => `${row.email} ${row.campaign} ${row.module}`).sort()).toEqual([
      'astronaut@example.com Campaign A Password Hygiene',
      'astronaut@example.com Campaign A Phishing Basics',
      'astronaut@example.com Campaign B Social Engineering',
      'hero@example.com Campaign A Password Hygiene',
      'hero@example.com Campaign A Phishing Basics',
    ])
    const record = setup.daemon.deps.store.data.people.get('astronaut@example.com')!.records.security_awareness!
    expect(
      completions
        .filter((row) => row.email === 'astronaut@example.com')
        .map((row) => row.external_id)
        .sort(),
    ).toEqual(record.evidence.map((row) => row.enrollmentId).sort())
    expect(completions.every((row) => row.provider === 'knowbe4' && row.completed_at === '2026-02-10T14:30:00.000Z')).toBe(true)

    const certificates = paths.filter((path) => path.startsWith('certificates/')).sort()
    expect(certificates).toEqual([
      'certificates/astronaut@example.com/security_awareness.pdf',
      'certificates/hero@example.com/security_awareness.pdf',
    ])
    const served = await setup.daemon.api('/personnel/astronaut@example.com/certificates/security_awareness')
    expect(pdfText(pack.entries[certificates[0]!]!)).toEqual(pdfText(new Uint8Array(await served.arrayBuffer())))
    expect(pack.text('README.txt')).toContain('sha256sum')
    const hashes = pack.csv('evidence-hashes.csv')
    expect(hashes.map((row) => row.email)).toEqual(['astronaut@example.com', 'hero@example.com'])
    expect(hashes[0]).toEqual({
      email: 'astronaut@example.com',
      training: 'security_awareness',
      compliant_at: '2026-02-10T14:30:00.000Z',
      evidence_sha256: record.evidenceSha256,
    })
    expect(pdfText(pack.entries[certificates[0]!]!)).toContain(record.evidenceSha256)
  })

  it('shows statuses as of the end of `to`: compliant later means non_compliant then, with no completions or certificates', async () => {
    const setup = await startSynced()
    const before = await download(setup, '2026-01-01', '2026-02-09')
    const astronaut = before.csv('people.csv').find((row) => row.email === 'astronaut@example.com')!
    expect(astronaut).toMatchObject({ status: 'non_compliant', compliant_at: '', completed: '0', required: '2' })
    expect(before.csv('completions.csv')).toEqual([])
    expect(Object.keys(before.entries).some((path) => path.startsWith('certificates/'))).toBe(false)

    const onTheDay = await download(setup, '2026-02-10', '2026-02-10')
    expect(onTheDay.csv('people.csv').find((row) => row.email === 'astronaut@example.com')).toMatchObject({
      status: 'compliant',
      compliant_at: '2026-02-10T14:30:00.000Z',
    })
  })

  it('lists only the audit events inside the window, oldest first, with the detail as JSON (quoted per RFC 4180)', async () => {
    const setup = await startSynced()
    await setup.daemon.deps.store.update((db) => {
      audit(db, 'someone', 'test.late', { n: 3 }, '2001-05-03T00:00:00.000Z')
      audit(db, 'someone', 'test.inside', { n: 2, note: 'a "quoted", comma\nline' }, '2001-05-02T23:59:59.999Z')
      audit(db, 'someone', 'test.first', { n: 1 }, '2001-05-01T00:00:00.000Z')
      audit(db, 'someone', 'test.early', { n: 0 }, '2001-04-30T23:59:59.999Z')
    })
    const pack = await download(setup, '2001-05-01', '2001-05-02')
    const rows = pack.csv('audit.csv')
    expect(rows.map((row) => row.action)).toEqual(['test.first', 'test.inside'])
    expect(JSON.parse(rows[1]!.detail!)).toEqual({ n: 2, note: 'a "quoted", comma\nline' })
    expect(rows[1]!.at).toBe('2001-05-02T23:59:59.999Z')
  })

  it('refuses bad dates and a `to` before `from` with 400 invalid_request', async () => {
    const setup = await startSynced()
    for (const query of [
      'from=2026-02-30&to=2026-03-01',
      'from=2026-1-01&to=2026-03-01',
      'from=2026-03-01',
      'from=2026-03-02&to=2026-03-01',
      '',
    ]) {
      const res = await setup.daemon.api(`/evidence?${query}`)
      expect(res.status, query).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request')
    }
  })
})

describe('evidence survives the provider', () => {
  it('keeps the pack the same after the provider loses the completions of a compliant person', async () => {
    const setup = await startSynced()
    const first = await download(setup, '2026-01-01', '2026-11-30')
    const record = setup.daemon.deps.store.data.people.get('astronaut@example.com')!.records.security_awareness!
    expect(record.evidenceSha256).toMatch(/^[0-9a-f]{64}$/)

    // KnowBe4 "remove from campaign" and a deleted learner: the completions vanish at the provider.
    const astronaut = setup.example.users.astronaut
    for (const campaign of setup.example.selected) {
      for (const row of setup.fake.tenant.enrollmentsOf(campaign.id)) {
        if (row.userId !== astronaut.id) continue
        row.completionDate = null
        row.status = 'Not Started'
      }
    }
    setup.fake.tenant.archiveUser(astronaut)
    expect((await setup.sync()).ok).toBe(true)

    const second = await download(setup, '2026-01-01', '2026-11-30')
    expect(second.text('people.csv')).toBe(first.text('people.csv'))
    expect(second.text('completions.csv')).toBe(first.text('completions.csv'))
    expect(second.text('evidence-hashes.csv')).toBe(first.text('evidence-hashes.csv'))
    const path = 'certificates/astronaut@example.com/security_awareness.pdf'
    expect(pdfText(second.entries[path]!)).toEqual(pdfText(first.entries[path]!))
    expect(setup.daemon.deps.store.data.people.get('astronaut@example.com')!.records.security_awareness!.evidenceSha256).toBe(
      record.evidenceSha256,
    )
  })
})

describe('one state per pack', () => {
  it('shows the db as of the request: a reset asked while the pack streams shows in the next pack only', async () => {
    const setup = await startSynced()
    const { deps } = setup.daemon
    const evidence = createEvidenceService(deps)
    const people = createPeopleService(deps)
    const window = { from: '2026-01-01', to: '2026-11-30' }
    const read = async (zip: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = []
      for await (const chunk of zip) chunks.push(chunk as Buffer)
      const entries = unzipSync(new Uint8Array(Buffer.concat(chunks)))
      const csv = (path: string) => parse(Buffer.from(entries[path]!).toString('utf8'), { columns: true }) as Record<string, string>[]
      return { entries, csv }
    }

    const during = evidence.pack(window)
    // Asked before a byte of the pack is read: the change runs while the pack is being made.
    const reset = people.reset('astronaut@example.com', 'security_awareness', 'admin:test')
    const first = await read(during)
    await reset
    const second = await read(evidence.pack(window))

    const statusOf = (pack: typeof first) => pack.csv('people.csv').find((row) => row.email === 'astronaut@example.com')?.status
    expect(statusOf(first)).toBe('compliant')
    expect(first.csv('completions.csv').some((row) => row.email === 'astronaut@example.com')).toBe(true)
    expect(first.entries['certificates/astronaut@example.com/security_awareness.pdf']).toBeDefined()
    expect(statusOf(second)).not.toBe('compliant')
    expect(second.csv('completions.csv').some((row) => row.email === 'astronaut@example.com')).toBe(false)
    expect(second.entries['certificates/astronaut@example.com/security_awareness.pdf']).toBeUndefined()
  })
})
