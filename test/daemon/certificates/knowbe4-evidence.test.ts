import { createHash } from 'node:crypto'
import { PDFDocument } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import { seedWorkedExample } from '../../../fakes/knowbe4/index.ts'
import { pdfText } from '../../helpers/pdf-text.ts'
import { startKnowBe4 } from '../../helpers/knowbe4.ts'

describe('KnowBe4 certificates', () => {
  it('generates a PDF naming the person, training, campaigns, modules, dates, enrollment ids, sync time and evidence hash', async () => {
    const { fake, daemon, connect, select, sync, campaignId } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => campaignId(connection, campaign.id)),
    )
    const run = await sync(connection.id)

    const res = await daemon.api('/personnel/astronaut@example.com/certificates/security_awareness')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1)
    const text = pdfText(bytes).join('\n')

    const record = daemon.deps.store.data.people.get('astronaut@example.com')!.records.security_awareness!
    expect(text).toContain('astronaut@example.com')
    expect(text).toContain('Security Awareness')
    expect(text).toContain('Campaign A')
    expect(text).toContain('Campaign B')
    expect(text).toContain('Phishing Basics')
    expect(text).toContain('Password Hygiene')
    expect(text).toContain(run.finishedAt)
    for (const row of record.evidence) expect(text).toContain(`enrollment ${row.enrollmentId}`)
    const digest = createHash('sha256')
      .update(
        record.evidence
          .map((row) => [row.campaignId, row.module, row.enrollmentId, row.completedAt].join('\t'))
          .sort()
          .join('\n'),
      )
      .digest('hex')
    expect(text).toContain(digest)
    expect(record.evidence).toHaveLength(3)
  })

  it('answers 404 for a person who is not compliant', async () => {
    const { fake, daemon, connect, select, sync, campaignId } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => campaignId(connection, campaign.id)),
    )
    await sync(connection.id)
    expect((await daemon.api('/personnel/wizard@example.com/certificates/security_awareness')).status).toBe(404)
  })
})

describe('pacing at the rate limits', () => {
  it('a sync of many pages under KnowBe4 limits receives no 429 and makes only the minimal requests', async () => {
    // The real limits on both sides, on the harness's virtual clock: 58 requests need a second minute.
    const { fake, connect, select, sync, people, campaignId } = await startKnowBe4()
    const campaigns = [0, 1, 2].map((index) => fake.tenant.addCampaign({ name: `C${index}` }))
    for (let index = 0; index < 9_000; index++) {
      const user = fake.tenant.addUser({ email: `u${index}@example.com` })
      for (const campaign of campaigns) fake.tenant.enroll({ campaign, user, completedAt: '2026-01-01T00:00:00.000Z' })
    }
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      campaigns.slice(0, 2).map((campaign) => campaignId(connection, campaign.id)),
    )

    const run = await sync(connection.id)

    expect(run.error).toBeNull()
    expect(fake.rateLimited).toBe(0)
    // users in page mode: floor(9000/500)+1 = 19 (a full last page needs the empty one after it);
    // campaigns 1; enrollments in cursor mode: 2 × ceil(9000/500) = 36 (the last page says next_cursor null).
    expect(run.requests).toBe(19 + 1 + 36)
    // The fake also saw the connect's account check and the campaign list fetched on connect.
    expect(fake.count()).toBe(1 + 1 + run.requests)
    expect((await people()).length).toBe(9_000)
  })
})
