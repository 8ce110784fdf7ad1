import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Recurrence } from '../../shared/domain.ts'
import { dueDate, nextReset, previewReset } from '../../shared/recurrence.ts'

const iso = (date: Date | null) => date?.toISOString() ?? null

describe('nextReset: rolling', () => {
  it('resets N calendar months after compliantAt, at the same time of day', () => {
    expect(iso(nextReset('2026-02-10T14:30:00.000Z', { kind: 'rolling', months: 12 }))).toBe('2027-02-10T14:30:00.000Z')
    expect(iso(nextReset('2026-12-15T08:00:00.000Z', { kind: 'rolling', months: 13 }))).toBe('2028-01-15T08:00:00.000Z')
    expect(iso(nextReset('2026-05-01T00:00:00+02:00', { kind: 'rolling', months: 1 }))).toBe('2026-05-30T22:00:00.000Z')
  })

  it('moves a day the target month lacks to its last day (leap years included)', () => {
    expect(iso(nextReset('2026-01-31T10:00:00.000Z', { kind: 'rolling', months: 1 }))).toBe('2026-02-28T10:00:00.000Z')
    expect(iso(nextReset('2028-01-31T10:00:00.000Z', { kind: 'rolling', months: 1 }))).toBe('2028-02-29T10:00:00.000Z')
    expect(iso(nextReset('2028-02-29T10:00:00.000Z', { kind: 'rolling', months: 12 }))).toBe('2029-02-28T10:00:00.000Z')
  })
})

describe('nextReset: fixed date', () => {
  it('resets at the first occurrence (00:00 UTC) after compliantAt', () => {
    const rule = { kind: 'fixed', month: 1, day: 1 } as const
    expect(iso(nextReset('2026-02-10T14:30:00.000Z', rule))).toBe('2027-01-01T00:00:00.000Z')
    expect(iso(nextReset('2026-12-31T23:59:59.999Z', rule))).toBe('2027-01-01T00:00:00.000Z')
    // Compliant at the very instant of an occurrence: not before it, so the next one.
    expect(iso(nextReset('2027-01-01T00:00:00.000Z', rule))).toBe('2028-01-01T00:00:00.000Z')
    expect(iso(nextReset('2026-02-10T14:30:00.000Z', { kind: 'fixed', month: 9, day: 1 }))).toBe('2026-09-01T00:00:00.000Z')
  })

  it('never resets anybody under none', () => {
    expect(nextReset('2026-02-10T14:30:00.000Z', { kind: 'none' })).toBeNull()
  })

  it('always lands on the rule month and day, after compliantAt and at most a year later', () => {
    const rules = fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
    const times = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
    fc.assert(
      fc.property(rules, times, ({ month, day }, since) => {
        const at = nextReset(since.toISOString(), { kind: 'fixed', month, day })!
        expect(at.getUTCMonth() + 1).toBe(month)
        expect(at.getUTCDate()).toBe(day)
        expect(at.getUTCHours() + at.getUTCMinutes() + at.getUTCSeconds() + at.getUTCMilliseconds()).toBe(0)
        expect(at.getTime()).toBeGreaterThan(since.getTime())
        expect(at.getTime() - since.getTime()).toBeLessThanOrEqual(366 * 24 * 3_600_000)
      }),
    )
  })
})

describe('previewReset and dueDate', () => {
  const now = new Date('2026-11-30T12:00:00.000Z')
  it('answers now for someone already due, the date within 365 days, and nothing beyond', () => {
    expect(iso(previewReset('2025-01-01T00:00:00.000Z', { kind: 'rolling', months: 12 }, now))).toBe(now.toISOString())
    expect(iso(previewReset('2026-02-10T14:30:00.000Z', { kind: 'rolling', months: 12 }, now))).toBe('2027-02-10T14:30:00.000Z')
    expect(previewReset('2026-02-10T14:30:00.000Z', { kind: 'rolling', months: 24 }, now)).toBeNull()
    expect(previewReset('2026-02-10T14:30:00.000Z', { kind: 'none' }, now)).toBeNull()
  })

  it('gives a due date graceDays after the reset (30 by default)', () => {
    expect(dueDate(now).toISOString()).toBe('2026-12-30T12:00:00.000Z')
    expect(dueDate(now, 0).toISOString()).toBe(now.toISOString())
  })
})

describe('the Recurrence schema', () => {
  it('accepts the three kinds and refuses impossible rules', () => {
    expect(Recurrence.safeParse({ kind: 'none' }).success).toBe(true)
    expect(Recurrence.safeParse({ kind: 'rolling', months: 12 }).success).toBe(true)
    expect(Recurrence.safeParse({ kind: 'fixed', month: 2, day: 28 }).success).toBe(true)
    for (const bad of [
      { kind: 'fixed', month: 2, day: 29 },
      { kind: 'fixed', month: 4, day: 31 },
      { kind: 'fixed', month: 13, day: 1 },
      { kind: 'fixed', month: 1, day: 0 },
      { kind: 'rolling', months: 0 },
      { kind: 'rolling', months: 1.5 },
      { kind: 'rolling', months: 12, day: 1 },
      { kind: 'yearly' },
      {},
    ]) {
      expect(Recurrence.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    }
  })
})
