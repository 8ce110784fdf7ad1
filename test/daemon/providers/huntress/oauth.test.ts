import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Connection, TrainingConfig } from '../../../../shared/domain.ts'
import { ASSIGNMENT_STATUSES } from '../../../../fakes/huntress/index.ts'
import { REDIRECT_URI, startHarness, type ApiError, type Harness } from '../../../helpers/huntress.ts'

/*
 * The Huntress connect flow through the daemon's HTTP API, with the test playing the admin's
 * browser: POST authorize → open the authorize URL on the fake and approve (or deny) → read the
 * 302's Location → POST the code and state to the callback.
 */

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(() => h.stop())

const connectionCount = () => h.daemon.deps.store.data.connections.length

describe('the redirect flow', () => {
  it('creates a connection, keeps every token sealed and gives it Security Awareness', async () => {
    h.fake.tenant.addAccount({ name: 'Example Corp', type: 'paid' })
    h.fake.tenant.addAccount({ name: 'Example Sandbox', type: 'sandbox' }) // skipped, so no choice is needed

    const browser = await h.authorize()
    const authorizeRequest = h.fake.requests.find((entry) => entry.path === '/oauth/authorize')
    expect(authorizeRequest?.query).toMatchObject({
      response_type: 'code',
      client_id: h.fake.client.clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge_method: 'S256',
      scope: 'account:read assignments:read assignments:learner-activity learners:read',
    })
    expect(browser.location.origin + browser.location.pathname).toBe(REDIRECT_URI)
    expect(browser.state).toBe(browser.issuedState)
    expect(browser.code).toBeTruthy()

    const answer = await h.callback({ code: browser.code!, state: browser.state! })
    expect(answer.status).toBe(201)
    const connection = answer.body
    expect(connection).toEqual({
      id: expect.any(String),
      provider: 'huntress',
      label: 'Example Corp',
      status: 'connected',
      lastSyncAt: null,
      lastError: null,
    } satisfies Connection)

    // No secret in the answer, in GET /connections or in the db file on disk.
    const [accessToken] = [...h.fake.oauth.accessTokens.keys()]
    const [refreshToken] = [...h.fake.oauth.refreshTokens.keys()]
    const secrets = [accessToken!, refreshToken!, h.fake.client.clientSecret, browser.code!, browser.state!]
    expect(h.fake.oauth.accessTokens.size).toBe(1)
    const listed = JSON.stringify((await h.call('/connections')).body)
    const file = h.dbFile()
    expect(file).toContain(connection.id)
    for (const secret of secrets) {
      expect(JSON.stringify(answer.body)).not.toContain(secret)
      expect(listed).not.toContain(secret)
      expect(file).not.toContain(secret)
    }
    // The sealed secret does hold the live tokens (so the check above is about sealing, not loss).
    const stored = h.daemon.deps.store.data.connections[0]!
    expect(h.daemon.deps.vault.open(stored.sealed, stored.id)).toMatchObject({ accessToken, refreshToken })
    expect(h.daemon.deps.store.data.oauthStates).toEqual([])

    const trainings = (await h.call<TrainingConfig[]>('/trainings')).body
    expect(trainings.find((training) => training.id === 'security_awareness')?.connectionId).toBe(connection.id)
    expect(await h.audit('connection.created')).toHaveLength(1)
  })

  it('lists every assignment status, importable only when draft, in-progress or completed', async () => {
    const account = h.fake.tenant.addAccount({ name: 'Example Corp' })
    for (const status of [...ASSIGNMENT_STATUSES, 'archived'])
      h.fake.tenant.addAssignment(account.id, { name: `Assignment ${status}`, status })

    const connection = await h.connect()
    const campaigns = await h.campaigns(connection.id)

    expect(campaigns.map((campaign) => [campaign.name, campaign.status, campaign.importable])).toEqual([
      ['Assignment draft', 'Draft', true],
      ['Assignment staged', 'Staged', false],
      ['Assignment launching', 'Launching', false],
      ['Assignment in-progress', 'In-Progress', true],
      ['Assignment completed', 'Completed', true],
      ['Assignment canceled', 'Canceled', false],
      ['Assignment archived', 'archived', false], // unknown: listed, never fatal
    ])
    for (const campaign of campaigns) {
      expect(campaign.connectionId).toBe(connection.id)
      expect(campaign.trainings).toEqual([])
      if (campaign.importable) expect(campaign.notImportableReason).toBeNull()
      else expect(campaign.notImportableReason).toMatch(/Only Draft, In-Progress and Completed/)
    }
    // Selecting one that is not importable is refused.
    const canceled = campaigns.find((campaign) => campaign.status === 'Canceled')!
    const refused = await h.call('/trainings/security_awareness', {
      method: 'PUT',
      json: { connectionId: connection.id, campaignIds: [canceled.id] },
    })
    expect(refused.status).toBe(400)
  })
})

describe('state checks', () => {
  beforeEach(() => {
    h.fake.tenant.addAccount({ name: 'Example Corp' })
  })

  const expectInvalidState = (answer: { status: number; body: { error?: ApiError } }) => {
    expect(answer.status).toBe(400)
    expect(answer.body.error?.code).toBe('invalid_state')
  }

  it('refuses a replayed state', async () => {
    const { code, state } = await h.authorize()
    expect((await h.callback({ code: code!, state: state! })).status).toBe(201)
    const tokenRequests = h.fake.requestCount('/oauth/token')

    expectInvalidState(await h.callback({ code: code!, state: state! }))
    expect(h.fake.requestCount('/oauth/token')).toBe(tokenRequests) // refused before any exchange
    expect(connectionCount()).toBe(1)
  })

  it('refuses an unknown state', async () => {
    const { code } = await h.authorize()
    expectInvalidState(await h.callback({ code: code!, state: 'not-a-state-the-daemon-issued' }))
    expect(h.fake.requestCount('/oauth/token')).toBe(0)
    expect(connectionCount()).toBe(0)
  })

  it('refuses an expired state (and forgets it)', async () => {
    const { code, state } = await h.authorize()
    // Ten minutes are not waited for: the state's expiry is moved into the past.
    await h.daemon.deps.store.update((db) => {
      for (const item of db.oauthStates) item.expiresAt = new Date(h.daemon.clock.now() - 1_000).toISOString()
    })
    expectInvalidState(await h.callback({ code: code!, state: state! }))
    expect(h.daemon.deps.store.data.oauthStates).toEqual([])
    expect(h.fake.requestCount('/oauth/token')).toBe(0)
    expect(connectionCount()).toBe(0)
  })

  it('a denial comes back as error=access_denied and creates nothing', async () => {
    const browser = await h.authorize(false)
    expect(browser.error).toBe('access_denied')
    expect(browser.code).toBeNull()
    expect(browser.state).toBe(browser.issuedState)
    expect(h.fake.oauth.codes.size).toBe(0)
    expect(h.fake.requestCount('/oauth/token')).toBe(0)
    expect((await h.call('/connections')).body).toEqual([])
    expect(await h.audit('connection.created')).toEqual([])
  })
})

describe('a login that sees several paid accounts', () => {
  it('asks which account (409) with a new single-use state, then finishes with the same code and that state', async () => {
    const first = h.fake.tenant.addAccount({ name: 'Example Corp', type: 'paid' })
    const second = h.fake.tenant.addAccount({ name: 'Other Corp', type: 'paid' })
    h.fake.tenant.addAccount({ name: 'Demo Corp', type: 'demo' })
    h.fake.tenant.addAssignment(second.id, { name: 'Other assignment' })
    const { code, state } = await h.authorize()

    const asked = await h.callback({ code: code!, state: state! })
    expect(asked.status).toBe(409)
    expect(asked.body.error?.code).toBe('account_choice_required')
    expect(asked.body.error?.details?.choices).toEqual([
      { id: first.id, name: 'Example Corp' },
      { id: second.id, name: 'Other Corp' },
    ])
    const secondState = asked.body.error?.details?.state as string
    expect(secondState).toEqual(expect.any(String))
    expect(secondState).not.toBe(state)
    expect(connectionCount()).toBe(0)

    // The first state is spent: it cannot finish the flow, even with an account chosen.
    const replay = await h.callback({ code: code!, state: state!, accountId: second.id })
    expect([replay.status, replay.body.error?.code]).toEqual([400, 'invalid_state'])

    // An account the login cannot read: asked again, with yet another state; the second is spent.
    const unknown = await h.callback({ code: code!, state: secondState, accountId: 'acc_nope' })
    expect(unknown.status).toBe(409)
    expect(unknown.body.error?.details?.choices).toHaveLength(2)
    const thirdState = unknown.body.error?.details?.state as string
    expect((await h.callback({ code: code!, state: secondState, accountId: second.id })).status).toBe(400)

    const chosen = await h.callback({ code: code!, state: thirdState, accountId: second.id })
    expect(chosen.status).toBe(201)
    expect(chosen.body.label).toBe('Other Corp')
    expect(h.daemon.deps.store.data.connections[0]?.settings).toMatchObject({ accountId: second.id, accountName: 'Other Corp' })
    // The code was exchanged once; the choice reused the tokens it gave.
    expect(h.fake.requestCount('/oauth/token')).toBe(1)
    expect((await h.campaigns(chosen.body.id)).map((campaign) => campaign.name)).toEqual(['Other assignment'])

    // Now every state is spent.
    for (const spent of [state!, secondState, thirdState]) {
      const again = await h.callback({ code: code!, state: spent, accountId: second.id })
      expect([again.status, again.body.error?.code]).toEqual([400, 'invalid_state'])
    }
    expect(h.daemon.deps.store.data.oauthStates).toEqual([])
  })
})
