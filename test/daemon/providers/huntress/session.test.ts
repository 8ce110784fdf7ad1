import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../../../../daemon/errors.ts'
import {
  createHuntressAdapter,
  createHuntressHttp,
  newPkce,
  type HuntressAdapter,
  type HuntressSecret,
  type HuntressSettings,
} from '../../../../daemon/providers/huntress/index.ts'
import { isAccountChoice, type RemoteCampaign, type SessionContext } from '../../../../daemon/providers/types.ts'
import { decideAuthorization } from '../../../../fakes/huntress/browser.ts'
import { ASSIGNMENT_STATUSES, startHuntressFake, type HuntressFake } from '../../../../fakes/huntress/index.ts'
import { seedLargeTenant, seedWorkedExample } from '../../../../fakes/huntress/seed.ts'
import { evaluateRows } from '../../../helpers/evaluate.ts'
import { VirtualClock } from '../../../helpers/virtual-clock.ts'

const REDIRECT = 'http://127.0.0.1/callback'
let fake: HuntressFake
let adapter: HuntressAdapter

beforeEach(async () => {
  fake = await startHuntressFake()
  adapter = createHuntressAdapter({ clientId: fake.client.clientId, clientSecret: fake.client.clientSecret, baseUrl: fake.url })
})
afterEach(() => fake.close())

const http = () =>
  // Waits (a minute after a bare 429) pass on a virtual clock.
  createHuntressHttp({ baseUrl: fake.url, limits: [], retry: { baseDelayMs: 1, maxBackoffMs: 2 }, clock: new VirtualClock() })

async function connect() {
  const pkce = await newPkce()
  const url = adapter.oauth.authorizeUrl({ redirectUri: REDIRECT, state: pkce.state, codeChallenge: pkce.codeChallenge })
  const { code } = await decideAuthorization(url)
  const outcome = await adapter.oauth.exchange({ code: code ?? '', redirectUri: REDIRECT, codeVerifier: pkce.codeVerifier }, http())
  if (isAccountChoice(outcome)) throw new Error('expected one account, got a choice')
  return outcome
}

/**
 * A session as the sync engine opens one. `events` records each save, with how many requests the
 * fake had seen and whether any of them already used the new access token.
 */
async function open(secretOverride: Partial<HuntressSecret> = {}) {
  const connection = await connect()
  fake.clearRequests()
  let secret: HuntressSecret = { ...connection.secret, ...secretOverride }
  const saves: { secret: HuntressSecret; requestsBefore: number; newTokenUsedBefore: boolean }[] = []
  const client = http()
  const ctx: SessionContext<HuntressSettings, HuntressSecret> = {
    settings: connection.settings,
    get secret() {
      return secret
    },
    http: client,
    saveSecret: async (next) => {
      const newTokenUsedBefore = fake.requests.some((entry) => entry.bearer === next.accessToken)
      saves.push({ secret: next, requestsBefore: fake.requests.length, newTokenUsedBefore })
      secret = next
    },
  }
  return { session: adapter.open(ctx), ctx, client, saves, connection }
}

const campaign = (externalId: string): RemoteCampaign => ({
  externalId,
  name: externalId,
  status: 'In-Progress',
  importable: true,
  notImportableReason: null,
})

describe('HuntressSession.listEnrollments', () => {
  it('gives the worked example: astronaut 2/2, wizard 1/2, hero 1/1, ninja 0/1', async () => {
    const example = seedWorkedExample(fake)
    const { a, b } = example.assignments
    const { session, client } = await open()

    const rows = await session.listEnrollments([campaign(a.id), campaign(b.id)])

    const actual = Object.fromEntries(
      ['astronaut', 'wizard', 'hero', 'ninja'].map((name) => {
        const keyed = rows.map(({ externalCampaignId, ...row }) => ({ ...row, campaignId: externalCampaignId }))
        const selected = [
          { id: a.id, name: 'A' },
          { id: b.id, name: 'B' },
        ]
        const record = evaluateRows(keyed, `${name}@example.com`, selected, { now: '2026-01-01T00:00:00.000Z' })
        return [name, `${record.status} ${record.completed}/${record.required}`]
      }),
    )
    expect(actual).toEqual({ astronaut: 'compliant 2/2', wizard: 'non_compliant 1/2', hero: 'compliant 1/1', ninja: 'non_compliant 0/1' })
    expect(rows).toContainEqual({
      enrollmentId: example.learners.astronaut.id,
      externalCampaignId: a.id,
      module: a.id,
      email: 'astronaut@example.com',
      name: 'Astronaut Example',
      completedAt: '2025-03-03T07:30:00.000Z',
    })
    expect(client.requests).toBe(4) // per assignment: one page of learners + one of activity
  })

  it('pages past 100 learners with the fewest requests and leaves inactive learners out', async () => {
    const large = seedLargeTenant(fake, { learners: 250 })
    const id = large.assignments[0]?.id ?? ''
    const activityRows = fake.tenant.activities.get(id)?.length ?? 0
    const { session, client } = await open()

    const rows = await session.listEnrollments([campaign(id)])

    expect(rows).toHaveLength(large.expected.activeEnrolled)
    expect(rows.filter((row) => row.completedAt !== null)).toHaveLength(large.expected.completed)
    expect(client.requests).toBe(Math.ceil(250 / 100) + Math.ceil(activityRows / 100))
  })

  it('reads the learner id from relationships when attributes lack it', async () => {
    const example = seedWorkedExample(fake)
    for (const row of fake.tenant.activities.get(example.assignments.b.id) ?? []) row.learnerIdIn = 'relationship'
    const { session } = await open()

    const rows = await session.listEnrollments([campaign(example.assignments.b.id)])

    expect(
      rows
        .filter((row) => row.completedAt)
        .map((row) => row.email)
        .sort(),
    ).toEqual(['astronaut@example.com', 'wizard@example.com'])
  })

  it('follows a changed e-mail: the new address enrolled and not completed, the old one gone', async () => {
    const example = seedWorkedExample(fake)
    fake.tenant.changeEmail(example.learners.astronaut.id, 'Astro.Naut@Example.com ')
    const { session } = await open()

    const rows = await session.listEnrollments([campaign(example.assignments.a.id)])

    expect(rows.map((row) => [row.email, row.completedAt])).toContainEqual(['astro.naut@example.com', null])
    expect(rows.map((row) => row.email)).not.toContain('astronaut@example.com')
  })

  it('treats an assignment deleted since the listing as having no enrollments', async () => {
    const example = seedWorkedExample(fake)
    fake.tenant.deleteAssignment(example.assignments.a.id)
    const { session } = await open()

    const rows = await session.listEnrollments([campaign(example.assignments.a.id), campaign(example.assignments.b.id)])

    expect(new Set(rows.map((row) => row.externalCampaignId))).toEqual(new Set([example.assignments.b.id]))
  })
})

describe('HuntressSession.listCampaigns', () => {
  it('lists every status; only Draft, In-Progress and Completed are importable; unknown ones are tolerated', async () => {
    const account = fake.tenant.addAccount({ name: 'Statuses' })
    for (const status of [...ASSIGNMENT_STATUSES, 'archived']) fake.tenant.addAssignment(account.id, { name: status, status })
    const { session, client } = await open()

    const actual = await session.listCampaigns()

    expect(actual.map((item) => [item.name, item.status, item.importable])).toEqual([
      ['draft', 'Draft', true],
      ['staged', 'Staged', false],
      ['launching', 'Launching', false],
      ['in-progress', 'In-Progress', true],
      ['completed', 'Completed', true],
      ['canceled', 'Canceled', false],
      ['archived', 'archived', false],
    ])
    expect(actual.filter((item) => !item.importable).every((item) => item.notImportableReason)).toBe(true)
    expect(client.requests).toBe(1)
  })
})

describe('HuntressSession.listPeople', () => {
  it('unions the active learners of the selected assignments only, and reuses them for enrollments', async () => {
    const example = seedWorkedExample(fake)
    fake.tenant.setLearnerStatus(example.learners.ninja.id, 'inactive')
    const { session, client } = await open()
    const selected = [campaign(example.assignments.a.id), campaign(example.assignments.b.id)]

    const people = await session.listPeople(selected)
    await session.listEnrollments(selected)

    expect(people.map((person) => person.email).sort()).toEqual(['astronaut@example.com', 'hero@example.com', 'wizard@example.com'])
    const perAssignment = (id: string) => fake.requests.filter((entry) => entry.path.includes(`/assignments/${id}/`)).length
    // Learners and activity of A and B, once each; nothing at all of the unselected C.
    expect([perAssignment(example.assignments.a.id), perAssignment(example.assignments.b.id)]).toEqual([2, 2])
    expect(perAssignment(example.assignments.c.id)).toBe(0)
    expect(client.requests).toBe(2 + 2)
  })

  it('does not list people known only through unselected assignments', async () => {
    const example = seedWorkedExample(fake)
    const onlyInC = fake.tenant.addLearner(example.account.id, { email: 'only-c@example.com', firstName: 'Only', lastName: 'C' })
    fake.tenant.enroll(example.assignments.c.id, onlyInC.id)
    const { session } = await open()

    const people = await session.listPeople([campaign(example.assignments.a.id)])

    expect(people.map((person) => person.email)).not.toContain('only-c@example.com')
    expect(fake.requests.some((entry) => entry.path.includes(`/assignments/${example.assignments.c.id}/`))).toBe(false)
  })
})

describe('HuntressSession tokens', () => {
  it('renews an access token that expires mid-listing, storing the rotated pair before using it', async () => {
    const large = seedLargeTenant(fake, { learners: 250 })
    const id = large.assignments[0]?.id ?? ''
    fake.inject({ kind: 'expire_token' }, { path: '/learners', after: 1 })
    const { session, client, saves, connection } = await open()

    const rows = await session.listEnrollments([campaign(id)])

    expect(rows).toHaveLength(large.expected.activeEnrolled)
    expect(saves).toHaveLength(1)
    expect(saves[0]?.newTokenUsedBefore).toBe(false)
    expect(saves[0]?.secret.refreshToken).not.toBe(connection.secret.refreshToken)
    expect(fake.requests.slice(0, saves[0]?.requestsBefore).map((entry) => `${entry.path.split('/').pop()} ${entry.status}`)).toEqual([
      'learners 200',
      'learners 401',
      'token 200',
    ])
    expect(fake.requests.slice(saves[0]?.requestsBefore).every((entry) => entry.bearer === saves[0]?.secret.accessToken)).toBe(true)
    const activityPages = Math.ceil((fake.tenant.activities.get(id)?.length ?? 0) / 100)
    expect(client.requests).toBe(3 + activityPages + 2) // the refused page and the token request on top
  })

  it('renews before the first request when the access token is about to expire', async () => {
    seedWorkedExample(fake)
    const { session, saves } = await open({ expiresAt: new Date(Date.now() + 30_000).toISOString() })

    await session.listCampaigns()

    expect(fake.requests.map((entry) => entry.path)).toEqual(['/oauth/token', expect.stringMatching(/assignments$/)])
    expect(saves).toHaveLength(1)
  })

  it('fails with ProviderError auth, saying an admin must connect again, when the refresh token was revoked', async () => {
    seedWorkedExample(fake)
    const { session, saves } = await open()
    fake.revokeRefreshTokens()
    fake.expireAccessTokens()

    const actual = await session.listCampaigns().catch((error: unknown) => error)

    expect(actual).toBeInstanceOf(ProviderError)
    expect(actual).toMatchObject({ kind: 'auth', message: expect.stringMatching(/connect Huntress again/) })
    expect(saves).toHaveLength(0)
  })

  it('fails with ProviderError forbidden naming the missing scope on a 403', async () => {
    const example = seedWorkedExample(fake)
    const { session, client } = await open()
    fake.dropScope('learners:read')

    const actual = await session.listEnrollments([campaign(example.assignments.a.id)]).catch((error: unknown) => error)

    expect(actual).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('learners:read') })
    expect(client.requests).toBe(1)
  })
})

describe('HuntressSession rate limits and faults', () => {
  it.each([
    ['a 429 with Retry-After', { kind: 'rate_limit', retryAfter: 0 } as const],
    ['a 429 without Retry-After', { kind: 'rate_limit' } as const],
    ['a 503', { kind: 'status', status: 503 } as const],
  ])('retries %s and completes', async (_name, fault) => {
    seedWorkedExample(fake)
    const { session, client } = await open()
    fake.inject(fault, { path: '/assignments', times: 2 })

    const actual = await session.listCampaigns()

    expect(actual).toHaveLength(3)
    expect(client.requests).toBe(3)
  })

  it('gives up with rate_limited when Retry-After asks for longer than it will wait', async () => {
    seedWorkedExample(fake)
    const { session } = await open()
    fake.inject({ kind: 'rate_limit', retryAfter: 3600 }, { path: '/assignments' })

    const actual = session.listCampaigns()

    await expect(actual).rejects.toMatchObject({ kind: 'rate_limited' })
  })

  it.each([
    ['malformed JSON', { kind: 'malformed_json' } as const],
    ['JSON that breaks the contract', { kind: 'bad_shape' } as const],
  ])('fails with bad_response on %s', async (_name, fault) => {
    seedWorkedExample(fake)
    const { session } = await open()
    fake.inject(fault, { path: '/assignments' })

    const actual = session.listCampaigns()

    await expect(actual).rejects.toMatchObject({ kind: 'bad_response' })
  })

  it('retries a request that timed out', async () => {
    seedWorkedExample(fake)
    const { ctx } = await open()
    const impatient = createHuntressHttp({ baseUrl: fake.url, limits: [], timeoutMs: 50, retry: { baseDelayMs: 1, maxBackoffMs: 2 } })
    const slow = adapter.open({ ...ctx, http: impatient })
    fake.inject({ kind: 'delay', ms: 1_000 }, { path: '/assignments' })

    const actual = await slow.listCampaigns()

    expect(actual).toHaveLength(3)
    expect(impatient.requests).toBe(2)
  })

  it('retries a reset connection', async () => {
    seedWorkedExample(fake)
    const { session } = await open()
    fake.inject({ kind: 'drop' }, { path: '/assignments' })

    const actual = await session.listCampaigns()

    expect(actual).toHaveLength(3)
  })
})

describe('HuntressSession.certificate', () => {
  it('downloads the PDF at once (two requests) and answers null when not completed', async () => {
    const example = seedWorkedExample(fake)
    const { session, client } = await open()
    const input = (learnerId: string) => ({ campaignExternalId: example.assignments.a.id, enrollmentId: learnerId, email: 'x@example.com' })

    const bytes = await session.certificate?.(input(example.learners.astronaut.id))
    const requestsForOne = client.requests
    const none = await session.certificate?.(input(example.learners.wizard.id))

    expect(
      Buffer.from(bytes ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')
    expect(requestsForOne).toBe(2)
    expect(none).toBeNull()
  })

  it('asks for a fresh link once when the first one has expired', async () => {
    const example = seedWorkedExample(fake)
    const { session, client } = await open()
    fake.inject({ kind: 'status', status: 410 }, { path: '/files/certificates' })

    const bytes = await session.certificate?.({
      campaignExternalId: example.assignments.a.id,
      enrollmentId: example.learners.hero.id,
      email: 'hero@example.com',
    })

    expect(
      Buffer.from(bytes ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')
    expect(client.requests).toBe(4)
  })
})
