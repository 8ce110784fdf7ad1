import { describe, expect, it } from 'vitest'
import { mainProvider, progressText, syncSummary, timeAgo } from '../../../extension/utils/format.ts'

const NOW = Date.parse('2026-11-22T12:00:00Z')

describe('progressText', () => {
  it.each([
    [1, 2, '1/2'],
    [0, 1, '0/1'],
    [2, 2, '2/2'],
    [0, 0, ''],
  ])('%i of %i → %j', (completed, required, expected) => {
    expect(progressText({ completed, required })).toBe(expected)
  })
})

describe('timeAgo', () => {
  it.each([
    [null, 'never'],
    [NOW - 10_000, 'just now'],
    [NOW - 60_000, '1 minute ago'],
    [NOW - 5 * 60_000, '5 minutes ago'],
    [NOW - 3 * 3_600_000, '3 hours ago'],
    [NOW - 2 * 86_400_000, '2 days ago'],
  ])('%s → %s', (when, expected) => {
    expect(timeAgo(when === null ? null : new Date(when).toISOString(), NOW)).toBe(expected)
  })
})

describe('syncSummary', () => {
  const run = { connectionId: 'c1', startedAt: '2026-11-22T12:00:00.000Z', finishedAt: '2026-11-22T12:00:01.500Z', requests: 6 }

  it('reports time and requests of a good run', () => {
    expect(syncSummary({ ...run, ok: true, error: null }, 'Example Corp')).toBe('Example Corp synced (1.5 s, 6 requests).')
  })

  it('gives short runs in milliseconds', () => {
    expect(syncSummary({ ...run, finishedAt: '2026-11-22T12:00:00.040Z', ok: true, error: null }, 'Example Corp')).toBe(
      'Example Corp synced (40 ms, 6 requests).',
    )
  })

  it('says what changed, in people, when the daemon reports it', () => {
    const changed = (newlyCompliant: number, newlyDue: number) =>
      syncSummary({ ...run, ok: true, error: null, changes: { newlyCompliant, newlyDue } }, 'Example Corp')
    expect(changed(3, 1)).toBe('Example Corp synced: 3 people became compliant, 1 is newly due.')
    expect(changed(1, 0)).toBe('Example Corp synced: 1 person became compliant.')
    expect(changed(0, 2)).toBe('Example Corp synced: 2 are newly due.')
    expect(changed(0, 0)).toBe("Example Corp synced: no one's status changed.")
  })

  it("passes on the daemon's reason for a failed run and says nothing changed", () => {
    expect(syncSummary({ ...run, ok: false, error: 'KnowBe4 rejected the token.' }, 'Example Corp')).toBe(
      'Example Corp sync failed: KnowBe4 rejected the token. Nothing was changed.',
    )
  })
})

describe('mainProvider', () => {
  it('picks the provider of most due trainings', () => {
    const provider = { security_awareness: 'knowbe4', hipaa: 'huntress', ai_awareness: 'huntress' } as const
    expect(mainProvider(provider, ['hipaa', 'ai_awareness'])).toBe('huntress')
    expect(mainProvider(provider, ['security_awareness'])).toBe('knowbe4')
  })

  it('falls back to the first configured provider when nothing is due', () => {
    expect(mainProvider({ security_awareness: null, hipaa: 'huntress', ai_awareness: null }, [])).toBe('huntress')
    expect(mainProvider({ security_awareness: null, hipaa: null, ai_awareness: null }, [])).toBeNull()
  })
})
