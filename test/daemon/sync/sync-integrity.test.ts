import { readDb } from '../../helpers/store-files.ts'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedWorkedExample, startKnowBe4Fake } from '../../../fakes/knowbe4/index.ts'
import type { AuditEvent, Person } from '../../../shared/domain.ts'
import { pdfText } from '../../helpers/pdf-text.ts'
import { startKnowBe4, summary } from '../../helpers/knowbe4.ts'

/* Regression tests of issue 10 (data side): each failed on main before the fix. */

const compliant = (people: Person[]) =>
  people.filter((person) => person.trainings.security_awareness.status === 'compliant').map((person) => person.email)

describe('a sync evaluates exactly the selection it fetched for (defect 1)', () => {
  it('a selection saved while a provider page is held counts from the next sync; nobody becomes compliant who was not', async () => {
    const h = await startKnowBe4()
    const example = seedWorkedExample(h.fake)
    const connection = await h.connect()
    const id = (campaign: { id: number }) => h.campaignId(connection, campaign.id)
    await h.select('security_awareness', connection.id, [id(example.campaigns.a), id(example.campaigns.b)])

    // Hold the first enrollment page (campaign A); while it is held, swap A for C.
    let release!: () => void
    const held = new Promise<void>((resolve) =>
      h.fake.inject(
        { kind: 'hold', until: new Promise<void>((r) => (release = r)), onHeld: resolve },
        { path: '/v1/training/enrollments' },
      ),
    )
    const syncing = h.sync(connection.id)
    await held
    await h.select('security_awareness', connection.id, [id(example.campaigns.b), id(example.campaigns.c)])
    release()
    expect((await syncing).ok).toBe(true)

    // Evaluated against {A, B} (what was fetched): wizard finished B only → 1/2, not "compliant 1/1" against {B, C}.
    const people = await h.people()
    expect(compliant(people).sort()).toEqual(['astronaut@example.com', 'hero@example.com'])
    expect(summary(await h.person('wizard@example.com'))).toBe('non_compliant 1/2')
    const enrollmentCampaigns = h.fake.log
      .filter((entry) => entry.path === '/v1/training/enrollments')
      .map((entry) => entry.query.campaign_id)
    expect(new Set(enrollmentCampaigns)).toEqual(new Set([String(example.campaigns.a.id), String(example.campaigns.b.id)]))

    // The next sync uses {B, C}: wizard finished B but not C.
    expect((await h.sync(connection.id)).ok).toBe(true)
    expect(summary(await h.person('wizard@example.com'))).toBe('non_compliant 1/2')
    expect(summary(await h.person('ninja@example.com'))).toBe('non_compliant 0/2')
  })
})

describe('a failed commit changes nothing (defect 3)', () => {
  it('when the db write fails, neither GET /personnel nor the file shows the failed sync, and the next sync works', async () => {
    const h = await startKnowBe4()
    const example = seedWorkedExample(h.fake)
    const connection = await h.connect()
    await h.select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => h.campaignId(connection, campaign.id)),
    )
    const file = join(h.daemon.dataDir, 'trainproof.json')
    const before = readFileSync(file, 'utf8')

    // A directory where the temporary file of the write goes: the write fails, as on a full or failing disk.
    const blockers = [join(h.daemon.dataDir, 'trainproof.json.tmp'), join(h.daemon.dataDir, '.trainproof.json.tmp')]
    for (const blocker of blockers) mkdirSync(blocker)
    const res = await h.daemon.api(`/connections/${connection.id}/sync`, { method: 'POST' })
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_failed')

    expect(await h.people()).toEqual([])
    const connections = (await (await h.daemon.api('/connections')).json()) as { lastSyncAt: string | null }[]
    expect(connections[0]?.lastSyncAt).toBeNull()
    expect(readFileSync(file, 'utf8')).toBe(before)

    // Once the disk works again, a later write does not carry the failed sync along.
    await h.daemon.api('/trainings/hipaa', { method: 'PUT', json: { connectionId: null, campaignIds: [] } })
    for (const blocker of blockers) rmSync(blocker, { recursive: true })
    await h.daemon.api('/trainings/hipaa', { method: 'PUT', json: { connectionId: null, campaignIds: [] } })
    expect(Object.keys((await readDb(h.daemon.dataDir)).people)).toEqual([])
    expect((await h.sync(connection.id)).ok).toBe(true)
    expect(compliant(await h.people()).sort()).toEqual(['astronaut@example.com', 'hero@example.com'])
  })
})

describe('the audit log is append-only and pages back (defect 6)', () => {
  it('keeps every event (more than the old cap of 5,000), with unique increasing ids, paged by limit and before', async () => {
    const h = await startKnowBe4()
    const { store } = h.daemon.deps
    const { audit } = await import('../../../daemon/store/audit.ts')
    await store.update((db) => {
      for (let n = 0; n < 5_200; n++) audit(db, 'test', 'test.event', { n })
    })
    const all = store.data.audit
    expect(all.filter((event) => event.action === 'test.event')).toHaveLength(5_200)
    expect(new Set(all.map((event) => event.id)).size).toBe(all.length)
    expect([...all.map((event) => event.id)].sort()).toEqual(all.map((event) => event.id))

    const page = async (query: string) => {
      const res = await h.daemon.api(`/audit${query}`)
      return { status: res.status, body: (await res.json()) as AuditEvent[] }
    }
    const first = await page('')
    expect(first.body).toHaveLength(100)
    expect(first.body[0]?.id).toBe(all.at(-1)?.id)
    const second = await page(`?limit=1000&before=${first.body.at(-1)!.id}`)
    expect(second.body).toHaveLength(1000)
    expect(second.body[0]?.id).toBe(all.at(-101)?.id)
    expect((await page('?limit=1001')).status).toBe(400)
    expect((await page('?before=abc')).status).toBe(400)
    const oldest = await page(`?limit=5&before=${all[2]!.id}`)
    expect(oldest.body.map((event) => event.id)).toEqual([all[1]!.id, all[0]!.id])
  })
})

describe('certificates name the evidence the record kept (defect 7)', () => {
  it('after the connection is deleted and another account serves the training, a sticky certificate still names the original', async () => {
    const h = await startKnowBe4()
    const example = seedWorkedExample(h.fake)
    const connection = await h.connect()
    await h.select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => h.campaignId(connection, campaign.id)),
    )
    expect((await h.sync(connection.id)).ok).toBe(true)

    // Another account, another name, other campaigns; the first connection goes.
    const other = await startKnowBe4Fake({ limits: { perSecond: 1e6, perMinute: 1e6 }, tokens: ['other-token'] })
    try {
      other.tenant.account = { ...other.tenant.account, name: 'Successor Corp' }
      const campaign = other.tenant.addCampaign({ name: 'Successor Campaign', modules: ['Other Module'] })
      expect((await h.daemon.api(`/connections/${connection.id}`, { method: 'DELETE' })).status).toBe(204)
      const res = await h.daemon.api('/connections', {
        method: 'POST',
        json: { provider: 'knowbe4', region: 'eu', apiToken: 'other-token', baseUrl: other.url },
      })
      expect(res.status).toBe(201)
      const second = (await res.json()) as { id: string }
      await h.select('security_awareness', second.id, [h.campaignId(second as never, campaign.id)])

      const pdf = await h.daemon.api('/personnel/astronaut@example.com/certificates/security_awareness')
      expect(pdf.status).toBe(200)
      const text = pdfText(new Uint8Array(await pdf.arrayBuffer())).join('\n')
      expect(text).toContain('Worked Example Ltd')
      expect(text).toContain('KnowBe4')
      expect(text).not.toContain('Successor')
      expect(text).toContain('Campaign A')
      expect(text).toContain('Phishing Basics')
      const record = h.daemon.deps.store.data.people.get('astronaut@example.com')?.records.security_awareness
      expect(record?.source).toEqual({ provider: 'knowbe4', connectionId: connection.id, connectionLabel: 'Worked Example Ltd' })
      expect(record?.evidence.every((row) => row.campaignName.startsWith('Campaign '))).toBe(true)
    } finally {
      await other.close()
    }
  })
})
