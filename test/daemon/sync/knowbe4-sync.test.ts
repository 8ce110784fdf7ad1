import { dbJson, dbText } from '../../helpers/store-files.ts'
import { describe, expect, it } from 'vitest'
import { seedWorkedExample } from '../../../fakes/knowbe4/index.ts'
import { startKnowBe4, summary } from '../../helpers/knowbe4.ts'

describe('KnowBe4 through the daemon', () => {
  it('refuses a rejected token with 422 provider_auth_failed naming the likely causes, and stores nothing', async () => {
    const { daemon } = await startKnowBe4()
    const res = await daemon.api('/connections', {
      method: 'POST',
      json: { provider: 'knowbe4', region: 'eu', apiToken: 'wrong-token', baseUrl: (await startKnowBe4()).fake.url },
    })
    expect(res.status).toBe(422)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('provider_auth_failed')
    expect(error.message).toMatch(/region/i)
    expect(error.message).toMatch(/Reporting API/)
    expect(error.message).not.toContain('wrong-token')
    expect(daemon.deps.store.data.connections).toEqual([])
  })

  it('connects with one live call, seals the token, lists every campaign and serves Security Awareness', async () => {
    const { fake, daemon, connect } = await startKnowBe4()
    for (let index = 1; index <= 13; index++) fake.tenant.addCampaign({ name: `Campaign ${index}` })
    const connection = await connect()
    expect(connection).toMatchObject({ provider: 'knowbe4', status: 'connected', lastError: null })
    expect(Object.keys(connection).sort()).toEqual(['id', 'label', 'lastError', 'lastSyncAt', 'provider', 'status'])
    expect(fake.count('/v1/account')).toBe(1)

    const campaigns = (await (await daemon.api(`/connections/${connection.id}/campaigns`)).json()) as {
      name: string
      importable: boolean
    }[]
    expect(campaigns).toHaveLength(13)
    expect(campaigns.every((campaign) => campaign.importable)).toBe(true)
    expect(fake.log.find((entry) => entry.path === '/v1/training/campaigns')?.query.exclude_percentages).toBe('true')

    const trainings = (await (await daemon.api('/trainings')).json()) as { id: string; connectionId: string | null }[]
    expect(trainings.find((item) => item.id === 'security_awareness')?.connectionId).toBe(connection.id)
    expect(dbText(daemon.dataDir)).not.toContain(fake.token)
  })

  it('evaluates the worked example exactly as product.md says', async () => {
    const { fake, connect, select, sync, people, campaignId } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => campaignId(connection, campaign.id)),
    )
    fake.resetStats()

    const run = await sync(connection.id)

    expect(run).toMatchObject({ ok: true, error: null })
    const byName = Object.fromEntries((await people()).map((person) => [person.email.split('@')[0], summary(person)]))
    expect(byName).toEqual({
      astronaut: 'compliant 2/2',
      wizard: 'non_compliant 1/2',
      hero: 'compliant 1/1',
      ninja: 'non_compliant 0/1',
    })
    // Minimal requests: 1 users page + 1 campaigns page + 1 enrollments page per selected campaign
    // (each list is shorter than 500 rows, so its first page is also its last).
    expect(run.requests).toBe(1 + 1 + 2)
    expect(fake.count()).toBe(run.requests)
    expect(fake.log.some((entry) => entry.query.campaign_id === String(example.campaigns.c.id))).toBe(false)
  })

  it('syncs a campaign of more than 500 enrollments in page mode and in cursor mode with minimal requests', async () => {
    for (const paging of ['page', 'cursor'] as const) {
      const { fake, connect, select, sync, people, campaignId } = await startKnowBe4({ fake: { enrollmentPaging: paging } })
      const campaign = fake.tenant.addCampaign({ name: 'Big', modules: ['One'] })
      for (let index = 0; index < 1_200; index++) {
        const user = fake.tenant.addUser({ email: `p${index}@example.com` })
        fake.tenant.enroll({ campaign, user, completedAt: index % 2 ? '2026-03-01T00:00:00.000Z' : undefined })
      }
      const connection = await connect()
      await select('security_awareness', connection.id, [campaignId(connection, campaign.id)])
      const run = await sync(connection.id)
      const everyone = await people()
      expect(everyone).toHaveLength(1_200)
      expect(everyone.filter((person) => person.trainings.security_awareness.status === 'compliant')).toHaveLength(600)
      // users: floor(1200/500)+1 = 3 pages; campaigns: 1; enrollments: 3 pages in page mode
      // (500, 500, 200 — the short page ends it), ceil(1200/500) = 3 in cursor mode.
      expect(run.requests).toBe(3 + 1 + 3)
    }
  })

  it('needs every module, counts any completed re-enrolment, and ignores archived and null users', async () => {
    const { fake, connect, select, sync, people, campaignId } = await startKnowBe4()
    const campaign = fake.tenant.addCampaign({ name: 'Two modules', modules: ['Phishing', 'Passwords'], allowMultipleEnrollments: true })
    const partial = fake.tenant.addUser({ email: 'partial@example.com' })
    const retaker = fake.tenant.addUser({ email: 'Retaker@Example.com ' })
    const gone = fake.tenant.addUser({ email: 'gone@example.com' })
    fake.tenant.enroll({ campaign, user: partial, modules: ['Phishing'], completedAt: '2026-01-01T00:00:00.000Z' })
    fake.tenant.enroll({ campaign, user: partial, modules: ['Passwords'] })
    fake.tenant.enroll({ campaign, user: retaker })
    fake.tenant.enroll({ campaign, user: retaker, completedAt: '2026-02-01T00:00:00.000Z' })
    fake.tenant.enroll({ campaign, user: gone, completedAt: '2026-02-01T00:00:00.000Z' })
    fake.tenant.archiveUser(gone)
    fake.tenant.enroll({ campaign, user: null })
    const connection = await connect()
    await select('security_awareness', connection.id, [campaignId(connection, campaign.id)])

    await sync(connection.id)

    const byEmail = Object.fromEntries((await people()).map((person) => [person.email, summary(person)]))
    expect(byEmail).toEqual({ 'partial@example.com': 'non_compliant 0/1', 'retaker@example.com': 'compliant 1/1' })
  })

  it('keeps compliance sticky until an admin resets it, then evaluates afresh', async () => {
    const { fake, daemon, connect, select, sync, person, campaignId } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => campaignId(connection, campaign.id)),
    )
    await sync(connection.id)
    const before = await person('astronaut@example.com')
    expect(before.trainings.security_awareness).toMatchObject({ status: 'compliant', sticky: true })

    // Later provider data says otherwise: campaign B gains a module the astronaut has not done.
    example.campaigns.b.content.push({ contentType: 'Store Purchase', id: 9_999, name: 'Deepfakes' })
    fake.tenant.enroll({ campaign: example.campaigns.b, user: example.users.astronaut, modules: ['Deepfakes'] })
    await sync(connection.id)
    expect((await person('astronaut@example.com')).trainings.security_awareness).toEqual(before.trainings.security_awareness)

    const reset = await daemon.api('/personnel/astronaut@example.com/reset', { method: 'POST', json: { training: 'security_awareness' } })
    expect(((await reset.json()) as { trainings: Record<string, { sticky: boolean }> }).trainings.security_awareness?.sticky).toBe(false)
    await sync(connection.id)
    expect(summary(await person('astronaut@example.com'))).toBe('non_compliant 1/2')
  })

  it('a failed sync changes no record and says why on the connection and in the audit log', async () => {
    const { fake, daemon, connect, select, sync, campaignId } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => campaignId(connection, campaign.id)),
    )
    await sync(connection.id)
    const people = dbJson(daemon.deps.store.data.people)

    fake.inject({ kind: 'status', status: 503 }, { times: 10, path: '/v1/training/enrollments' })
    const failed = await sync(connection.id)
    expect(failed).toMatchObject({ ok: false })
    expect(failed.error).toMatch(/503/)
    expect(dbJson(daemon.deps.store.data.people)).toBe(people)
    const [connectionAfter] = (await (await daemon.api('/connections')).json()) as { status: string; lastError: string }[]
    expect(connectionAfter).toMatchObject({ status: 'error', lastError: failed.error })

    fake.faults.clear?.()
    fake.revokeToken(fake.token)
    const rejected = await sync(connection.id)
    expect(rejected.ok).toBe(false)
    expect(dbJson(daemon.deps.store.data.people)).toBe(people)
    const [reauth] = (await (await daemon.api('/connections')).json()) as { status: string }[]
    expect(reauth?.status).toBe('needs_reauth')
    const audit = (await (await daemon.api('/audit')).json()) as { action: string }[]
    expect(audit.slice(0, 2).map((event) => event.action)).toEqual(['sync.failed', 'sync.failed'])
  })

  it('two accounts with the same name and region are two connections: the second never takes over the first', async () => {
    const { fake, daemon, connect, select, sync, campaignId } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    // KnowBe4 has no account id: two accounts may answer /v1/account with the same name, in one region.
    fake.addToken('kb4-token-of-the-other-account')
    const first = await connect()
    await select(
      'security_awareness',
      first.id,
      example.selected.map((campaign) => campaignId(first, campaign.id)),
    )

    const second = await connect('kb4-token-of-the-other-account')

    expect(second.id).not.toBe(first.id)
    expect(second.label).toBe(first.label)
    expect(daemon.deps.store.data.connections).toHaveLength(2)
    // The first connection still reads with its own token: revoking the other one changes nothing for it.
    fake.revokeToken('kb4-token-of-the-other-account')
    expect(await sync(first.id)).toMatchObject({ ok: true })
    expect(await sync(second.id)).toMatchObject({ ok: false })
    expect(daemon.deps.store.data.trainings.security_awareness.connectionId).toBe(first.id)
    const audit = (await (await daemon.api('/audit')).json()) as { action: string }[]
    expect(audit.filter((event) => event.action === 'connection.created')).toHaveLength(2)
  })

  it('renews a connection’s token only by an explicit act on it: PUT /connections/:id/credentials', async () => {
    const { fake, daemon, connect, select, sync, campaignId } = await startKnowBe4()
    const example = seedWorkedExample(fake)
    const connection = await connect()
    await select(
      'security_awareness',
      connection.id,
      example.selected.map((campaign) => campaignId(connection, campaign.id)),
    )
    fake.revokeToken(fake.token)
    expect((await sync(connection.id)).ok).toBe(false)
    const renew = (id: string, apiToken: string) =>
      daemon.api(`/connections/${id}/credentials`, {
        method: 'PUT',
        json: { provider: 'knowbe4', region: 'eu', apiToken, baseUrl: fake.url },
      })

    const rejected = await renew(connection.id, 'kb4-still-wrong')
    const unknown = await renew('no-such-connection', 'kb4-new-token')
    fake.addToken('kb4-new-token')
    const renewed = await renew(connection.id, 'kb4-new-token')

    expect(rejected.status).toBe(422)
    expect(((await rejected.json()) as { error: { code: string } }).error.code).toBe('provider_auth_failed')
    expect(unknown.status).toBe(404)
    expect(renewed.status).toBe(200)
    expect(await renewed.json()).toMatchObject({ id: connection.id, status: 'connected', lastError: null })
    expect(daemon.deps.store.data.connections).toHaveLength(1)
    expect(daemon.deps.store.data.trainings.security_awareness.campaignIds).toHaveLength(2)
    expect((await sync(connection.id)).ok).toBe(true)
    const audit = (await (await daemon.api('/audit')).json()) as { action: string; detail: Record<string, unknown> }[]
    expect(audit.filter((event) => event.action === 'connection.credentials_renewed').map((event) => event.detail)).toEqual([
      { connectionId: connection.id, provider: 'knowbe4', label: connection.label, previousLabel: connection.label },
    ])
  })
})
