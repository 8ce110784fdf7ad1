import { describe, expect, it } from 'vitest'
import { BADGE_COLORS, badgeFor } from '../../../extension/utils/badge.ts'
import { STALE_AFTER_MS, type CheckResult } from '../../../extension/utils/check.ts'
import type { MyTrainings } from '../../../shared/domain.ts'

const NOW = Date.parse('2026-11-22T12:00:00Z')
const at = new Date(NOW).toISOString()

const IDS = ['security_awareness', 'hipaa', 'ai_awareness'] as const

/** `due` trainings in progress (or not enrolled), the rest complete. */
function trainingsWith(
  due: number,
  status: 'non_compliant' | 'not_enrolled' = 'non_compliant',
  syncedAt: string | null = new Date(NOW - 60_000).toISOString(),
) {
  const trainings = Object.fromEntries(IDS.map((id, index) => [id, { status: index < due ? status : 'compliant' }]))
  return {
    due,
    syncedAt,
    trainings,
    provider: { security_awareness: 'knowbe4', hipaa: 'huntress', ai_awareness: 'knowbe4' },
  } as unknown as MyTrainings
}

function employee(due: number, syncedAt: string | null = new Date(NOW - 60_000).toISOString()): CheckResult {
  return { kind: 'employee', at, trainings: trainingsWith(due, 'non_compliant', syncedAt) }
}

describe('badgeFor', () => {
  it.each([
    ['one due', employee(1), '1', BADGE_COLORS.due],
    ['three due', employee(3), '3', BADGE_COLORS.due],
    ['nothing due', employee(0), '', BADGE_COLORS.due],
    ['never synced', employee(2, null), '?', BADGE_COLORS.unknown],
    ['synced just inside 36 h', employee(2, new Date(NOW - STALE_AFTER_MS + 1000).toISOString()), '2', BADGE_COLORS.due],
    ['synced more than 36 h ago', employee(2, new Date(NOW - STALE_AFTER_MS - 1000).toISOString()), '?', BADGE_COLORS.unknown],
    ['stale even with nothing due', employee(0, new Date(NOW - 2 * STALE_AFTER_MS).toISOString()), '?', BADGE_COLORS.unknown],
    ['daemon unreachable', { kind: 'unreachable', at, message: "Can't reach it." } as const, '?', BADGE_COLORS.unknown],
    ['token unknown (401)', { kind: 'unauthorized', at, message: 'Unknown token.' } as const, '?', BADGE_COLORS.unknown],
    ['not paired', { kind: 'unpaired', at } as const, '?', BADGE_COLORS.unknown],
    ['no check yet', null, '?', BADGE_COLORS.unknown],
    ['staff, all connections fine', { kind: 'staff', at, role: 'admin', needsReauth: 0 } as const, '', BADGE_COLORS.unknown],
    ['staff, a connection needs sign-in', { kind: 'staff', at, role: 'admin', needsReauth: 1 } as const, '!', BADGE_COLORS.attention],
  ])('shows the right badge when %s', (_name, check, expectedText, expectedColor) => {
    const actual = badgeFor(check as CheckResult | null, NOW)

    expect(actual.text).toBe(expectedText)
    expect(actual.color).toBe(expectedColor)
    expect(actual.title).toMatch(/^trainproof: .+\.$/)
  })

  it('shows a person enrolled in nothing in amber, telling them to ask to be enrolled rather than to finish anything', () => {
    const check: CheckResult = { kind: 'employee', at, trainings: trainingsWith(2, 'not_enrolled') }

    const actual = badgeFor(check, NOW)

    expect(actual).toMatchObject({ text: '2', color: BADGE_COLORS.attention })
    expect(actual.title).toContain('not enrolled in 2 trainings')
  })

  it('keeps the last known due count, in grey, while the daemon is unreachable', () => {
    const check: CheckResult = { kind: 'unreachable', at, message: "Can't reach it.", lastKnown: { at, trainings: trainingsWith(1) } }

    const actual = badgeFor(check, NOW)

    expect(actual).toMatchObject({ text: '1', color: BADGE_COLORS.unknown })
    expect(actual.title).toContain('Last known: 1 due')
  })

  it('says in the title how many are due, in words', () => {
    expect(badgeFor(employee(1), NOW).title).toBe('trainproof: 1 training is due.')
    expect(badgeFor(employee(2), NOW).title).toBe('trainproof: 2 trainings are due.')
  })
})
