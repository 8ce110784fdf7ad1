import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Principal } from '../../../daemon/auth/tokens.ts'
import { AppError } from '../../../daemon/errors.ts'
import { ProviderRegistry } from '../../../daemon/providers/registry.ts'
import type { AccountChoice, NewConnection, ProviderAdapter } from '../../../daemon/providers/types.ts'
import { auditor } from '../../../daemon/services/audit.ts'
import { Store } from '../../../daemon/store/store.ts'
import { appUnderTest, seedConnection, type AppUnderTest } from '../app-under-test.ts'
import { dbJson } from '../../helpers/store-files.ts'

const admin: Principal = { role: 'admin', email: null, tokenId: 'env', actor: 'admin' }

describe('auditor', () => {
  let t: AppUnderTest
  beforeEach(async () => {
    t = await appUnderTest()
  })
  afterEach(() => t.close())

  it('appends typed events through the store with the next ids, the detail JSON as given', async () => {
    await t.deps.store.update((db) => {
      const audit = auditor(db, 'admin', '2026-06-01T00:00:00.000Z')
      audit('grant.removed', { email: 'a@example.com', role: 'admin', tokensChanged: 0 })
      audit('token.bootstrap', { file: '/x' })
      // @ts-expect-error a detail that does not fit its action does not compile
      audit('token.bootstrap', { email: 'a@example.com' })
    })

    expect(t.deps.store.data.audit.map(({ id, action, detail }) => ({ id, action, detail }))).toEqual([
      { id: '000000000001', action: 'grant.removed', detail: { email: 'a@example.com', role: 'admin', tokensChanged: 0 } },
      { id: '000000000002', action: 'token.bootstrap', detail: { file: '/x' } },
      { id: '000000000003', action: 'token.bootstrap', detail: { email: 'a@example.com' } },
    ])
    expect(t.services.audit.page(1)[0]?.id).toBe('000000000003')
  })
})

describe('connections service', () => {
  let t: AppUnderTest
  beforeEach(async () => {
    t = await appUnderTest()
    await seedConnection(t.deps)
  })
  afterEach(() => t.close())

  it('remove cascades in one update naming every person, and is durable', async () => {
    await t.services.connections.remove('c1', 'admin')

    const reread = await Store.open(join(t.dataDir, 'trainproof.json'))
    expect(reread.data.connections).toEqual([])
    expect(reread.data.people.get('ann@example.com')?.seenBy).toEqual([])
  })

  it('campaigns of an unknown connection throw not_found', () => {
    expect(() => t.services.connections.campaigns('nope')).toThrow(expect.objectContaining({ code: 'not_found' }))
  })
})

describe('people service', () => {
  let t: AppUnderTest
  beforeEach(async () => {
    t = await appUnderTest()
    await seedConnection(t.deps)
  })
  afterEach(() => t.close())

  it('reset drops the record and whose() refuses an employee asking for someone else', async () => {
    const person = await t.services.people.reset('ann@example.com', 'security_awareness', 'admin')
    const employee: Principal = { role: 'employee', email: 'ann@example.com', tokenId: 't', actor: 'employee:ann' }

    expect(person.trainings.security_awareness.status).toBe('not_enrolled')
    expect(t.deps.store.data.people.get('ann@example.com')?.records).toEqual({})
    expect(t.services.people.whose(employee, undefined)).toBe('ann@example.com')
    expect(() => t.services.people.whose(employee, 'bob@example.com')).toThrow(expect.objectContaining({ code: 'forbidden' }))
    expect(() => t.services.people.whose(admin, undefined)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it('list pages people by e-mail after the filter', async () => {
    await t.deps.store.update(
      (db) => {
        for (const email of ['cat@example.com', 'bob@example.com'])
          db.people.set(email, { email, name: email, seenBy: ['c1'], externalIds: {}, records: {} })
      },
      { people: ['cat@example.com', 'bob@example.com'] },
    )

    const page = t.services.people.list({ limit: 2, offset: 1 })
    const notEnrolled = t.services.people.list({ training: 'security_awareness', status: 'not_enrolled', offset: 1 })

    expect(page.map((person) => person.email)).toEqual(['bob@example.com', 'cat@example.com'])
    expect(notEnrolled.map((person) => person.email)).toEqual(['cat@example.com'])
  })
})

describe('tokens service', () => {
  let t: AppUnderTest
  beforeEach(async () => {
    t = await appUnderTest()
  })
  afterEach(() => t.close())

  it('signIn gives the granted role and the session length, audited as auth.signed_in', async () => {
    await t.services.grants.set('zoe@example.com', 'access_reviewer', 'admin')

    const created = await t.services.tokens.signIn({ email: 'zoe@example.com', name: 'Zoe' })

    expect(created.role).toBe('access_reviewer')
    expect([...t.deps.store.data.tokens.values()][0]).toMatchObject({ via: 'oidc', label: 'Zoe', email: 'zoe@example.com' })
    expect(t.deps.store.data.audit.at(-1)).toMatchObject({ actor: 'access_reviewer:zoe@example.com', action: 'auth.signed_in' })
  })

  it('a changed grant changes the role of live sign-in tokens at once', async () => {
    await t.services.tokens.signIn({ email: 'zoe@example.com', name: null })

    await t.services.grants.set('zoe@example.com', 'admin', 'admin')
    await t.services.grants.remove('zoe@example.com', 'admin')

    expect([...t.deps.store.data.tokens.values()][0]?.role).toBe('employee')
    expect(t.deps.store.data.audit.slice(-2).map((event) => event.detail.tokensChanged)).toEqual([1, 1])
  })
})

describe('oauth service', () => {
  /** An OAuth provider whose login reads two accounts until one is chosen. */
  const twoAccounts = (exchanges: string[]): ProviderAdapter<{ accountId: string }, { token: string }> => {
    return {
      id: 'huntress',
      displayName: 'Acme',
      description: {
        id: 'huntress',
        displayName: 'Acme',
        brand: { color: '#123456', darkColor: '#abcdef', mark: 'A' },
        connect: { kind: 'oauth' },
        portal: null,
      },
      settings: z.object({ accountId: z.string() }),
      secret: z.object({ token: z.string() }),
      baseUrl: () => 'http://127.0.0.1:9',
      accountKey: ({ settings }) => settings.accountId,
      portalUrl: () => null,
      oauth: {
        authorizeUrl: ({ state }) => `http://127.0.0.1:9/authorize?state=${state}`,
        exchange: async ({ accountId }): Promise<NewConnection<{ accountId: string }, { token: string }> | AccountChoice> => {
          exchanges.push(accountId ?? '-')
          if (accountId === 'b') return { label: 'Beta', settings: { accountId: 'b' }, secret: { token: 'sealed-me' } }
          return {
            kind: 'choose_account',
            accounts: [
              { id: 'a', name: 'Alpha' },
              { id: 'b', name: 'Beta' },
            ],
            unknownChoice: accountId !== undefined,
          }
        },
      },
      open: () => {
        throw new Error('not used')
      },
    }
  }

  let t: AppUnderTest
  const exchanges: string[] = []
  beforeEach(async () => {
    exchanges.length = 0
    t = await appUnderTest(new ProviderRegistry([twoAccounts(exchanges)]))
    // No campaigns to refresh in these tests: the provider has no session.
    t.deps.sync.refreshCampaigns = async () => {}
  })
  afterEach(() => t.close())

  it('answers a choice as account_choice_required with a fresh single-use state, then connects the chosen account', async () => {
    const { state } = await t.services.oauth.authorize('huntress', 'https://ext.example/cb')

    const asked = await t.services.oauth.callback('huntress', { code: 'c', state }, 'admin').catch((error: unknown) => error)

    expect(asked).toBeInstanceOf(AppError)
    const error = asked as AppError
    expect([error.code, error.status, error.message]).toEqual([
      'account_choice_required',
      409,
      'This Acme login can read several accounts; choose the one trainproof should use.',
    ])
    expect(error.details).toEqual({
      choices: [
        { id: 'a', name: 'Alpha' },
        { id: 'b', name: 'Beta' },
      ],
      state: expect.any(String),
    })
    const next = error.details!.state as string
    await expect(t.services.oauth.callback('huntress', { code: 'c', state }, 'admin')).rejects.toMatchObject({ code: 'invalid_state' })
    const connection = await t.services.oauth.callback('huntress', { code: 'c', state: next, accountId: 'b' }, 'admin')
    expect(connection).toMatchObject({ provider: 'huntress', label: 'Beta', status: 'connected' })
    expect(exchanges).toEqual(['-', 'b'])
    expect(t.deps.store.data.oauthStates).toEqual([])
    expect(dbJson(t.deps.store.data)).not.toContain('sealed-me')
  })

  it('says the chosen account is unknown when it is', async () => {
    const { state } = await t.services.oauth.authorize('huntress', 'https://ext.example/cb')

    const asked = await t.services.oauth
      .callback('huntress', { code: 'c', state, accountId: 'zzz' }, 'admin')
      .catch((error: unknown) => error)

    expect((asked as AppError).message).toBe('That Acme account is not one this login can read; choose one of the accounts listed.')
  })
})
