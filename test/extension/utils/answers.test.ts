import { describe, expect, it } from 'vitest'
import * as api from '../../../shared/api.ts'
import * as domain from '../../../shared/domain.ts'
import * as errors from '../../../shared/errors.ts'
import * as answers from '../../../extension/utils/answers.ts'
import { ComplianceHistory } from '../../../extension/utils/console-schemas.ts'
import { array, object, optional, string } from '../../../extension/utils/guard.ts'

/** The extension's guards against the daemon's own zod schemas: valid answers pass both, broken ones neither. */

const status = (over: Record<string, unknown> = {}) => ({
  status: 'non_compliant',
  completed: 1,
  required: 2,
  compliantAt: null,
  sticky: false,
  campaigns: [{ id: 'c1', name: 'Annual', completed: true, completedAt: '2026-03-01T10:00:00.000Z' }],
  ...over,
})
const trainings = {
  security_awareness: status(),
  hipaa: status({ status: 'compliant', compliantAt: '2026-03-01T10:00:00Z', dueAt: null }),
  ai_awareness: status({ status: 'not_configured' }),
}
const myTrainings = {
  email: 'ann@example.com',
  name: 'Ann',
  trainings,
  due: 1,
  provider: { security_awareness: 'knowbe4', hipaa: null, ai_awareness: 'huntress' },
  portalUrl: { security_awareness: 'https://training.knowbe4.com', hipaa: null, ai_awareness: null },
  syncedAt: '2026-03-02T00:00:00+01:00',
}
const connection = { id: 'k1', provider: 'knowbe4', label: 'KnowBe4 (us)', status: 'connected', lastSyncAt: null, lastError: null }
const campaign = {
  id: 'k1:7',
  connectionId: 'k1',
  externalId: '7',
  name: 'Annual',
  status: 'In Progress',
  importable: true,
  notImportableReason: null,
  trainings: ['hipaa'],
}
const description = {
  id: 'knowbe4',
  displayName: 'KnowBe4',
  brand: { color: '#d2541b', darkColor: '#ff8a50', mark: 'KB4' },
  connect: {
    kind: 'token',
    fields: [{ name: 'region', label: 'Region', type: 'select', options: [{ value: 'us', label: 'US' }], required: true }],
  },
  portal: { field: 'region', urls: { us: 'https://training.knowbe4.com' } },
}
const training = { id: 'hipaa', connectionId: 'k1', campaignIds: ['c1'], recurrence: { kind: 'fixed', month: 2, day: 28 }, graceDays: 30 }

const cases = [
  [
    'MyTrainings',
    answers.MyTrainings,
    domain.MyTrainings,
    myTrainings,
    [
      { ...myTrainings, trainings: { security_awareness: status(), hipaa: status() } },
      { ...myTrainings, trainings: { ...trainings, hipaa: status({ status: 'done' }) } },
      { ...myTrainings, trainings: { ...trainings, hipaa: status({ completed: -1 }) } },
      { ...myTrainings, trainings: { ...trainings, hipaa: status({ compliantAt: 'yesterday' }) } },
      { ...myTrainings, provider: { ...myTrainings.provider, hipaa: 'Not An Id!' } },
      { ...myTrainings, due: '1' },
      [myTrainings],
      null,
    ],
  ],
  [
    'Connection',
    answers.Connection,
    domain.Connection,
    connection,
    [
      { ...connection, status: 'paused' },
      { ...connection, lastSyncAt: undefined },
    ],
  ],
  [
    'Campaign',
    answers.Campaign,
    domain.Campaign,
    campaign,
    [
      { ...campaign, trainings: ['fire_safety'] },
      { ...campaign, importable: 'yes' },
    ],
  ],
  [
    'TrainingConfig',
    answers.TrainingConfig,
    domain.TrainingConfig,
    training,
    [
      { ...training, recurrence: { kind: 'fixed', month: 13, day: 1 } },
      { ...training, recurrence: { kind: 'rolling', months: 0 } },
      { ...training, recurrence: { kind: 'weekly' } },
      { ...training, campaignIds: [1] },
    ],
  ],
  [
    'ProviderDescription',
    answers.ProviderDescription,
    api.ProviderDescription,
    description,
    [
      { ...description, id: 'Know Be 4' },
      { ...description, brand: { ...description.brand, color: 'orange' } },
      { ...description, connect: { kind: 'saml' } },
      { ...description, connect: { kind: 'token', fields: [{ name: 'region', label: 'Region', type: 'select', required: true }] } },
      { ...description, portal: undefined },
    ],
  ],
  ['Me', answers.Me, api.Me, { role: 'admin', email: null }, [{ role: 'root', email: null }, { role: 'admin' }]],
  [
    'ErrorBody',
    answers.ErrorBody,
    errors.ErrorBody,
    { error: { code: 'x', message: 'Nope.', details: { choices: [] } } },
    [{ error: { code: 'x' } }, { error: { code: 'x', message: 'Nope.', details: [] } }, { code: 'x', message: 'Nope.' }],
  ],
] as const

describe('answer guards', () => {
  it.each(cases)('%s accepts what the daemon sends', (_name, guard, schema, valid) => {
    expect(schema.safeParse(valid).success).toBe(true)
    expect(guard(valid)).toBe(true)
  })

  it.each(cases)('%s refuses what the daemon would never send', (_name, guard, schema, _valid, broken) => {
    for (const value of broken) {
      expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(false)
      expect(guard(value), JSON.stringify(value)).toBe(false)
    }
  })

  it('accepts fields a newer daemon adds and never changes the answer', () => {
    const newer = { ...connection, region: 'us' }
    const before = structuredClone(newer)

    expect(answers.Connection(newer)).toBe(true)
    expect(newer).toEqual(before)
  })

  it('checks the history points of the chart, days included', () => {
    const history = { training: 'hipaa', points: [{ date: '2026-03-01', compliant: 3, total: 4 }] }

    expect(ComplianceHistory(history)).toBe(true)
    expect(ComplianceHistory({ ...history, points: [{ date: '2026-3-1', compliant: 3, total: 4 }] })).toBe(false)
    expect(ComplianceHistory({ ...history, training: 'fire_safety' })).toBe(false)
  })

  it('lets an optional field be absent but not wrong', () => {
    const guard = array(object({ id: string, label: optional(string) }))

    expect(guard([{ id: 'a' }, { id: 'b', label: 'B' }])).toBe(true)
    expect(guard([{ id: 'a', label: 7 }])).toBe(false)
    expect(guard([{ label: 'B' }])).toBe(false)
  })
})
