import { describe, expect, it } from 'vitest'
import type { ComplianceHistory } from '../../../shared/api.ts'
import { startSynced } from '../../helpers/audit.ts'

describe('GET /compliance/history', () => {
  it('counts compliant people per UTC day from their compliantAt, out of everyone with a status, up to today', async () => {
    const setup = await startSynced({ now: '2026-11-30T12:00:00.000Z' })
    const late = setup.fake.tenant.addUser({ email: 'late@example.com' })
    for (const campaign of setup.example.selected)
      setup.fake.tenant.enroll({ campaign, user: late, completedAt: '2026-11-01T23:59:59.000Z' })
    await setup.sync()

    const history = await setup.ok<ComplianceHistory>(setup.daemon.api('/compliance/history?training=security_awareness'))
    expect(history.training).toBe('security_awareness')
    expect(history.points[0]).toEqual({ date: '2026-02-10', compliant: 2, total: 5 })
    expect(history.points.at(-1)).toEqual({ date: '2026-11-30', compliant: 3, total: 5 })
    expect(history.points).toHaveLength(294)
    expect(history.points.find((point) => point.date === '2026-10-31')).toEqual({ date: '2026-10-31', compliant: 2, total: 5 })
    expect(history.points.find((point) => point.date === '2026-11-01')).toEqual({ date: '2026-11-01', compliant: 3, total: 5 })
    const dates = history.points.map((point) => point.date)
    expect([...dates].sort()).toEqual(dates)

    expect(await setup.ok(setup.daemon.api('/compliance/history?training=hipaa'))).toEqual({
      training: 'hipaa',
      points: [{ date: '2026-11-30', compliant: 0, total: 0 }],
    })
    expect((await setup.daemon.api('/compliance/history')).status).toBe(400)
    expect((await setup.daemon.api('/compliance/history?training=yoga')).status).toBe(400)
  })
})
