import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appUnderTest, NOW, seedConnection, type AppUnderTest } from '../app-under-test.ts'
import { dbJson } from '../../helpers/store-files.ts'

let t: AppUnderTest
beforeEach(async () => {
  t = await appUnderTest()
  await seedConnection(t.deps)
})
afterEach(() => t.close())

const body = async (res: Response) => (await res.json()) as any

describe('GET /personnel', () => {
  it('answers people sorted by e-mail, filtered by status', async () => {
    const compliant = await body(await t.request('/personnel?status=compliant'))
    const due = await body(await t.request('/personnel?status=non_compliant'))

    expect(compliant.map((person: { email: string }) => person.email)).toEqual(['ann@example.com'])
    expect(compliant[0].trainings.security_awareness).toMatchObject({ status: 'compliant', completed: 1, required: 1, sticky: true })
    expect(due).toEqual([])
  })

  it('answers 400 for an unknown status', async () => {
    const res = await t.request('/personnel?status=great')

    expect(res.status).toBe(400)
  })
})

describe('GET /personnel/{email}', () => {
  it('answers 404 for an unknown person', async () => {
    const res = await t.request('/personnel/nobody@example.com')

    expect([res.status, (await body(res)).error.code]).toEqual([404, 'not_found'])
  })
})

describe('GET /me/trainings', () => {
  it("answers an employee's own trainings and refuses another's (403)", async () => {
    const ann = await body(await t.request('/tokens', { method: 'POST', json: { role: 'employee', email: 'ann@example.com' } }))

    const own = await body(await t.request('/me/trainings', { token: ann.token }))
    const other = await t.request('/me/trainings?email=bob@example.com', { token: ann.token })

    expect(own.trainings.security_awareness.status).toBe('compliant')
    expect(own.due).toBe(0) // the other trainings are not configured, so not due
    expect(other.status).toBe(403)
  })
})

describe('POST /personnel/{email}/reset', () => {
  it('clears the sticky record and audits the previous status', async () => {
    const res = await t.request('/personnel/ann@example.com/reset', { method: 'POST', json: { training: 'security_awareness' } })

    expect(res.status).toBe(200)
    expect((await body(res)).trainings.security_awareness).toMatchObject({ status: 'not_enrolled', sticky: false })
    expect(t.deps.store.data.audit.at(-1)).toMatchObject({
      action: 'person.reset',
      detail: {
        email: 'ann@example.com',
        training: 'security_awareness',
        previousStatus: 'compliant',
        compliantAt: '2026-03-05T09:00:00.000Z',
      },
    })
  })

  it('answers 400 for an unknown training and 404 for an unknown person, changing nothing', async () => {
    const before = dbJson(t.deps.store.data)

    const badTraining = await t.request('/personnel/ann@example.com/reset', { method: 'POST', json: { training: 'karate' } })
    const nobody = await t.request('/personnel/nobody@example.com/reset', { method: 'POST', json: { training: 'hipaa' } })

    expect([badTraining.status, nobody.status]).toEqual([400, 404])
    expect(dbJson(t.deps.store.data)).toBe(before)
  })
})

describe('PUT /trainings/{trainingId}', () => {
  it('refuses a campaign of no connection with 400, before anything changes', async () => {
    const before = dbJson(t.deps.store.data)

    const res = await t.request('/trainings/hipaa', { method: 'PUT', json: { connectionId: 'c1', campaignIds: ['c9:1'] } })

    expect(res.status).toBe(400)
    expect((await body(res)).error.message).toContain('c9:1')
    expect(dbJson(t.deps.store.data)).toBe(before)
  })

  it('saves a selection (duplicates dropped) and audits the saved config', async () => {
    const res = await t.request('/trainings/hipaa', { method: 'PUT', json: { connectionId: 'c1', campaignIds: ['c1:1', 'c1:1'] } })

    expect(await body(res)).toEqual({ id: 'hipaa', connectionId: 'c1', campaignIds: ['c1:1'] })
    expect((await body(await t.request('/trainings'))).map((config: { id: string }) => config.id)).toEqual([
      'security_awareness',
      'hipaa',
      'ai_awareness',
    ])
    expect(t.deps.store.data.audit.at(-1)).toMatchObject({
      at: expect.any(String),
      action: 'training.selected',
      detail: { id: 'hipaa', connectionId: 'c1', campaignIds: ['c1:1'] },
    })
  })
})

describe('POST /trainings/{trainingId}/recurrence/preview', () => {
  it('lists who a rule would reset, changing nothing', async () => {
    const before = dbJson(t.deps.store.data)

    const res = await t.request('/trainings/security_awareness/recurrence/preview', {
      method: 'POST',
      json: { recurrence: { kind: 'rolling', months: 12 } },
    })

    expect(res.status).toBe(200)
    expect(await body(res)).toEqual({ resets: [{ email: 'ann@example.com', at: '2027-03-05T09:00:00.000Z' }] })
    expect(dbJson(t.deps.store.data)).toBe(before)
    expect(NOW.getTime()).toBeLessThan(Date.parse('2027-03-05T09:00:00.000Z'))
  })
})
