import { describe, expect, it } from 'vitest'
import { aliasIndex, isDone, toRemoteEnrollment, toRemotePerson, type EnrollmentContext } from '../../../../daemon/providers/knowbe4/map.ts'
import type { Kb4Enrollment } from '../../../../daemon/providers/knowbe4/schemas.ts'

const OBSERVED = '2026-04-01T02:00:00.000Z'
const ctx: EnrollmentContext = { campaignId: '10', aliases: new Map(), activeUserIds: null, observedAt: OBSERVED }

function row(change: Partial<Kb4Enrollment> = {}): Kb4Enrollment {
  return {
    enrollment_id: '1',
    module_name: 'Module',
    user: { id: '5', first_name: 'Ann', last_name: 'Lee', email: ' Ann@Example.COM ' },
    campaign_id: '10',
    status: 'Passed',
    completion_date: '2026-01-02T03:04:05.000Z',
    ...change,
  }
}

describe('isDone', () => {
  it.each([
    ['Passed', true],
    ['passed', true],
    ['Completed', true],
    [' COMPLETED ', true],
    ['Not Started', false],
    ['In Progress', false],
    ['Past Due', false],
    ['Failed', false],
  ])('%j is done: %s', (status, expected) => {
    expect(isDone(status)).toBe(expected)
  })
})

describe('toRemoteEnrollment', () => {
  it('normalises the e-mail and keeps the completion date of a done row', () => {
    expect(toRemoteEnrollment(row(), ctx)).toEqual({
      enrollmentId: '1',
      externalCampaignId: '10',
      email: 'ann@example.com',
      module: expect.stringContaining('Module'),
      moduleName: 'Module',
      completedAt: '2026-01-02T03:04:05.000Z',
      name: 'Ann Lee',
    })
  })

  it('dates a done row without completion_date at the sync that saw it', () => {
    expect(toRemoteEnrollment(row({ completion_date: null }), ctx)?.completedAt).toBe(OBSERVED)
  })

  it('leaves a row that is not done without a date, even with a completion_date', () => {
    expect(toRemoteEnrollment(row({ status: 'Past Due' }), ctx)?.completedAt).toBeNull()
  })

  it.each([
    ['user: null', { user: null }],
    ['a null e-mail', { user: { id: '5', email: null } }],
    ['a blank e-mail', { user: { id: '5', email: '  ' } }],
    ['another campaign', { campaign_id: '11' }],
  ])('skips a row with %s', (_case, change) => {
    expect(toRemoteEnrollment(row(change), ctx)).toBeNull()
  })

  it('skips rows of users that are not active when the active users are known', () => {
    expect(toRemoteEnrollment(row(), { ...ctx, activeUserIds: new Set(['6']) })).toBeNull()
    expect(toRemoteEnrollment(row(), { ...ctx, activeUserIds: new Set(['5']) })).not.toBeNull()
  })

  it('names the module by content when the name is missing', () => {
    expect(toRemoteEnrollment(row({ module_name: null, store_purchase_id: '77' }), ctx)?.moduleName).toBe('store purchase 77')
    expect(toRemoteEnrollment(row({ module_name: ' ', content_type: 'Uploaded Policy' }), ctx)?.moduleName).toBe('Uploaded Policy')
  })

  // Regression (issue 10, defect 13): modules were keyed by name, so two items named alike merged.
  it('tells modules apart by content id: two items with the same name stay two modules', () => {
    const first = toRemoteEnrollment(row({ enrollment_id: '1', module_name: 'Phishing 101', store_purchase_id: '7' }), ctx)
    const second = toRemoteEnrollment(row({ enrollment_id: '2', module_name: 'Phishing 101', store_purchase_id: '8' }), ctx)
    expect(first?.module).not.toBe(second?.module)
    expect([first?.moduleName, second?.moduleName]).toEqual(['Phishing 101', 'Phishing 101'])
    const policy = toRemoteEnrollment(
      row({ module_name: 'Phishing 101', store_purchase_id: null, policy_id: '7', content_type: 'Uploaded Policy' }),
      ctx,
    )
    expect(policy?.module).not.toBe(first?.module)
  })

  it('maps an alias e-mail to the primary one', () => {
    const aliases = new Map([['ann@example.com', 'ann.lee@example.com']])

    expect(toRemoteEnrollment(row(), { ...ctx, aliases })?.email).toBe('ann.lee@example.com')
  })
})

describe('toRemotePerson and aliasIndex', () => {
  it('skips archived users and users without an e-mail', () => {
    expect(toRemotePerson({ id: '1', email: 'a@x.com', status: 'archived' })).toBeNull()
    expect(toRemotePerson({ id: '1', email: null, status: 'active' })).toBeNull()
  })

  it('falls back to the e-mail for a nameless person and normalises aliases', () => {
    const actual = toRemotePerson({ id: '1', email: 'A@X.com', aliases: ['B@x.com', 'a@x.com', 'b@X.com'] })

    expect(actual).toEqual({ email: 'a@x.com', name: 'a@x.com', aliases: ['b@x.com'], externalId: '1' })
  })

  it('never lets an alias take over someone’s primary e-mail, and keeps the first claim', () => {
    const index = aliasIndex([
      { email: 'a@x', name: 'A', aliases: ['b@x', 'shared@x'] },
      { email: 'b@x', name: 'B', aliases: ['shared@x'] },
    ])

    expect(Object.fromEntries(index)).toEqual({ 'shared@x': 'a@x' })
  })
})
