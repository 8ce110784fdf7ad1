import { describe, expect, it } from 'vitest'
import { seedWorkedExample } from '../../../fakes/knowbe4/index.ts'
import { startKnowBe4 } from '../../helpers/knowbe4.ts'

describe('a sync reports what changed, in people', () => {
  it('counts people who became compliant and people new to trainproof who are due', async () => {
    const { fake, connect, campaignId, select, sync } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => campaignId(connection, campaign.id)),
    )

    // Worked example, Security Awareness = A + B: the astronaut and the hero are compliant; the wizard and the ninja are due.
    const first = await sync(connection.id)
    expect(first).toMatchObject({ ok: true, changes: { newlyCompliant: 2, newlyDue: 2 } })

    // The same data again changes nobody.
    expect((await sync(connection.id)).changes).toEqual({ newlyCompliant: 0, newlyDue: 0 })

    // Two new starters: one finishes B at once, the other is enrolled in B and has done nothing.
    const quick = fake.tenant.addUser({ email: 'quick@example.com', firstName: 'Quick', lastName: 'Starter' })
    fake.tenant.enroll({ campaign: example.campaigns.b, user: quick, completedAt: '2026-03-01T10:00:00.000Z' })
    const slow = fake.tenant.addUser({ email: 'slow@example.com', firstName: 'Slow', lastName: 'Starter' })
    fake.tenant.enroll({ campaign: example.campaigns.b, user: slow })
    expect((await sync(connection.id)).changes).toEqual({ newlyCompliant: 1, newlyDue: 1 })
  })
})
