import { describe, expect, it } from 'vitest'
import type { Person, TrainingStatus } from '../../../../shared/domain.ts'
import { alignHistories, deriveHistory, share } from '../../../../extension/utils/console/history.ts'
import { describeRule, splitResets } from '../../../../extension/utils/console/recurrence.ts'
import { filterRows, sortRows, toRow, type Row } from '../../../../extension/utils/console/rows.ts'
import { visibleSlice } from '../../../../extension/utils/console/window.ts'

const status = (value: Partial<TrainingStatus>): TrainingStatus => ({
  status: 'non_compliant',
  completed: 0,
  required: 1,
  compliantAt: null,
  sticky: false,
  campaigns: [],
  ...value,
})
/** The daemon answers every training; one left out here is taken as not configured. */
const person = (email: string, name: string, trainings: Partial<Person['trainings']>): Row =>
  toRow({ email, name, trainings: trainings as Person['trainings'] })

const rows = [
  person('ada@example.com', 'Ada Lovelace', {
    security_awareness: status({ status: 'compliant', completed: 1, compliantAt: '2026-03-02T10:00:00.000Z', sticky: true }),
  }),
  person('bob@example.com', 'bob builder', { security_awareness: status({ completed: 0 }) }),
  person('cy@example.com', 'Cy Young', {
    security_awareness: status({ status: 'not_enrolled', required: 0 }),
    hipaa: status({ status: 'compliant', completed: 1, compliantAt: '2026-03-01T23:00:00.000Z' }),
  }),
  person('di@example.com', 'Di', {
    security_awareness: status({ status: 'compliant', completed: 1, compliantAt: '2026-03-01T08:00:00.000Z' }),
  }),
]

describe('console rows', () => {
  it("keeps the provider's spelling of names and marks unlisted trainings as not configured", () => {
    expect(rows[1]!.name).toBe('bob builder')
    expect(rows[0]!.cells.hipaa.status).toBe('not_configured')
  })

  it('searches e-mail and name, case-insensitively', () => {
    expect(filterRows(rows, { training: '', status: '', text: 'LOVE' }).map((row) => row.email)).toEqual(['ada@example.com'])
    expect(filterRows(rows, { training: '', status: '', text: 'cy@' }).map((row) => row.email)).toEqual(['cy@example.com'])
  })

  it('filters by status in one training, in any training, and by "due"', () => {
    expect(filterRows(rows, { training: 'security_awareness', status: 'compliant', text: '' }).map((row) => row.email)).toEqual([
      'ada@example.com',
      'di@example.com',
    ])
    expect(filterRows(rows, { training: '', status: 'compliant', text: '' })).toHaveLength(3)
    expect(filterRows(rows, { training: 'security_awareness', status: 'due', text: '' }).map((row) => row.email)).toEqual([
      'bob@example.com',
      'cy@example.com',
    ])
    expect(filterRows(rows, { training: 'hipaa', status: '', text: '' }).map((row) => row.email)).toEqual(['cy@example.com'])
  })

  it("sorts by name, by e-mail, and by a training's status (not started first), both ways", () => {
    expect(sortRows([...rows], { key: 'name', descending: false }).map((row) => row.name)).toEqual([
      'Ada Lovelace',
      'bob builder',
      'Cy Young',
      'Di',
    ])
    expect(sortRows([...rows], { key: 'email', descending: true }).map((row) => row.email)[0]).toBe('di@example.com')
    expect(sortRows([...rows], { key: 'security_awareness', descending: false }).map((row) => row.email)).toEqual([
      'cy@example.com',
      'bob@example.com',
      'ada@example.com',
      'di@example.com',
    ])
  })
})

describe('visibleSlice', () => {
  it('draws the rows in view plus the overscan, never past either end', () => {
    expect(visibleSlice({ count: 100_000, rowHeight: 40, scrollTop: 0, viewport: 400, overscan: 5 })).toEqual({
      first: 0,
      last: 15,
      offset: 0,
      total: 4_000_000,
    })
    expect(visibleSlice({ count: 100_000, rowHeight: 40, scrollTop: 40_000, viewport: 400, overscan: 5 })).toEqual({
      first: 995,
      last: 1015,
      offset: 39_800,
      total: 4_000_000,
    })
    const end = visibleSlice({ count: 100_000, rowHeight: 40, scrollTop: 9e9, viewport: 400, overscan: 5 })
    expect(end.last).toBe(100_000)
    expect(end.first).toBe(100_000 - 10 - 5)
    expect(visibleSlice({ count: 0, rowHeight: 40, scrollTop: 0, viewport: 400 })).toMatchObject({ first: 0, last: 0, total: 0 })
  })
})

describe('compliance history', () => {
  it('counts people compliant by the end of each day, out of everyone the training applies to', () => {
    expect(deriveHistory(rows, 'security_awareness')).toEqual([
      { date: '2026-03-01', compliant: 1, total: 4 },
      { date: '2026-03-02', compliant: 2, total: 4 },
    ])
    expect(deriveHistory(rows, 'ai_awareness')).toEqual([])
    expect(share({ date: '2026-03-01', compliant: 1, total: 3 })).toBe(33.3)
    expect(share({ date: '2026-03-01', compliant: 0, total: 0 })).toBe(0)
  })

  it("puts trainings on one day axis, carrying each one's last value forward", () => {
    const aligned = alignHistories([
      {
        points: [
          { date: '2026-03-01', compliant: 1, total: 2 },
          { date: '2026-03-03', compliant: 2, total: 2 },
        ],
      },
      { points: [{ date: '2026-03-02', compliant: 1, total: 4 }] },
    ])
    expect(aligned.x).toEqual([Date.UTC(2026, 2, 1) / 1000, Date.UTC(2026, 2, 2) / 1000, Date.UTC(2026, 2, 3) / 1000])
    expect(aligned.series).toEqual([
      [50, 50, 100],
      [null, 25, 25],
    ])
  })
})

describe('recurrence preview', () => {
  it('tells the resets that happen on saving from the later ones, the later ones by date', () => {
    const now = Date.parse('2026-11-30T12:00:00.000Z')
    const { atOnce, later } = splitResets(
      {
        resets: [
          { email: 'late@example.com', at: '2027-03-01T00:00:00.000Z' },
          { email: 'now@example.com', at: '2026-11-30T12:00:01.000Z' },
          { email: 'soon@example.com', at: '2026-12-01T00:00:00.000Z' },
        ],
      },
      now,
    )
    expect(atOnce.map((reset) => reset.email)).toEqual(['now@example.com'])
    expect(later.map((reset) => reset.email)).toEqual(['soon@example.com', 'late@example.com'])
  })

  it("takes the daemon's now (the earliest reset) as the moment of saving, whatever this browser's clock says", () => {
    const resets = [
      { email: 'due-a@example.com', at: '2026-11-30T09:00:00.000Z' },
      { email: 'noon@example.com', at: '2026-11-30T12:00:00.000Z' },
      { email: 'due-b@example.com', at: '2026-11-30T09:00:00.000Z' },
    ]
    const browserLater = splitResets({ resets }, Date.parse('2026-11-30T13:25:00.000Z'))
    expect(browserLater.atOnce.map((reset) => reset.email)).toEqual(['due-a@example.com', 'due-b@example.com'])
    expect(browserLater.later.map((reset) => reset.email)).toEqual(['noon@example.com'])
    // Nobody due yet: the earliest reset is still ahead.
    expect(splitResets({ resets: [resets[1]!] }, Date.parse('2026-11-30T09:00:00.000Z')).atOnce).toEqual([])
    expect(splitResets({ resets: [] }, 0)).toEqual({ atOnce: [], later: [] })
  })

  it('says each rule in words', () => {
    expect(describeRule({ kind: 'rolling', months: 12 })).toBe('Each person retakes it 12 months after they became compliant.')
    expect(describeRule({ kind: 'fixed', month: 9, day: 1 })).toBe(
      'Everyone compliant before 1 September retakes it on that date each year.',
    )
    expect(describeRule({ kind: 'none' })).toMatch(/^Nobody is reset/)
  })
})
