import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Enrollment } from '../../shared/domain.ts'
import { Evaluation, Outcome, type ComplianceRecord, type SelectedCampaign } from '../../shared/evaluator.ts'
import { tableOf } from '../../shared/row-table.ts'
import { evaluateRows } from '../helpers/evaluate.ts'

const NOW = '2026-11-22T02:00:00.000Z'
const A = { id: 'A', name: 'Campaign A' }
const B = { id: 'B', name: 'Campaign B' }
const C = { id: 'C', name: 'Campaign C' }

let nextId = 1
function row(email: string, campaignId: string, done: string | null, module = 'm1'): Enrollment {
  return { enrollmentId: String(nextId++), campaignId, email, module, completedAt: done }
}

function evaluate(selected: SelectedCampaign[], rows: Enrollment[], email: string, previous: ComplianceRecord | null = null) {
  return evaluateRows(rows, email, selected, { previous, now: NOW })
}

describe('the worked example (product.md)', () => {
  const d = '2026-10-01T10:00:00.000Z'
  const rows = [
    row('astronaut', 'A', d),
    row('astronaut', 'B', d),
    row('astronaut', 'C', d),
    row('wizard', 'A', null),
    row('wizard', 'B', d),
    row('wizard', 'C', null),
    row('hero', 'A', d),
    row('hero', 'C', d),
    row('ninja', 'B', null),
    row('ninja', 'C', null),
  ]
  const cases = [
    { person: 'astronaut', status: 'compliant', completed: 2, required: 2 },
    { person: 'wizard', status: 'non_compliant', completed: 1, required: 2 },
    { person: 'hero', status: 'compliant', completed: 1, required: 1 },
    { person: 'ninja', status: 'non_compliant', completed: 0, required: 1 },
  ] as const
  it.each(cases)('$person is $status ($completed/$required)', ({ person, status, completed, required }) => {
    const actual = evaluate([A, B], rows, person)
    expect({ status: actual.status, completed: actual.completed, required: actual.required }).toEqual({ status, completed, required })
    expect(actual.sticky).toBe(status === 'compliant')
  })
})

describe('the evaluator, one person', () => {
  it('is not_enrolled when enrolled in no selected campaign', () => {
    const actual = evaluate([A], [row('p', 'C', '2026-01-01T00:00:00.000Z')], 'p')
    expect(actual).toMatchObject({ status: 'not_enrolled', completed: 0, required: 0, campaigns: [] })
  })

  it('is not_configured when nothing is selected', () => {
    expect(evaluate([], [row('p', 'A', '2026-01-01T00:00:00.000Z')], 'p').status).toBe('not_configured')
  })

  it('needs every module the person is enrolled in, and any re-enrolment completion counts', () => {
    const rows = [row('p', 'A', null, 'phishing'), row('p', 'A', '2026-03-01T00:00:00.000Z', 'phishing'), row('p', 'A', null, 'passwords')]
    expect(evaluate([A], rows, 'p').status).toBe('non_compliant')
    const done = evaluate([A], [...rows, row('p', 'A', '2026-04-01T00:00:00.000Z', 'passwords')], 'p')
    expect(done.status).toBe('compliant')
    expect(done.compliantAt).toBe('2026-04-01T00:00:00.000Z')
    expect(done.evidence.map((item) => item.module).sort()).toEqual(['passwords', 'phishing'])
  })

  it('uses the first completion of a module as its completion time', () => {
    const rows = [row('p', 'A', '2026-05-01T00:00:00.000Z'), row('p', 'A', '2026-02-01T00:00:00.000Z')]
    expect(evaluate([A], rows, 'p').campaigns[0]?.completedAt).toBe('2026-02-01T00:00:00.000Z')
  })

  it('returns a sticky record unchanged whatever the new data says', () => {
    const sticky = evaluate([A], [row('p', 'A', '2026-01-01T00:00:00.000Z')], 'p')
    const actual = evaluate([A, B], [row('p', 'A', null), row('p', 'B', null)], 'p', sticky)
    expect(actual).toBe(sticky)
  })

  it('counts a repeated enrollment id once, its completed version winning wherever it comes', () => {
    const open = row('p', 'A', null, 'phishing')
    const done = { ...open, completedAt: '2026-02-01T00:00:00.000Z' }
    for (const rows of [
      [open, done],
      [done, open],
      [open, { ...open }, done],
    ]) {
      const actual = evaluate([A], rows, 'p')
      expect([actual.status, actual.evidence.map((item) => item.enrollmentId)]).toEqual(['compliant', [open.enrollmentId]])
    }
    const twice = tableOf([open, { ...open }, row('p', 'A', null)], (item) => item.campaignId)
    expect(new Evaluation(twice.table, []).enrollments).toBe(2)
  })

  it('does not count completions from before a recurrence reset, but one since does', () => {
    const rows = [row('p', 'A', '2026-01-01T00:00:00.000Z'), row('p', 'A', null)]
    const countsFrom = Date.parse('2026-06-01T00:00:00.000Z')
    expect(evaluateRows(rows, 'p', [A], { now: NOW, countsFrom }).status).toBe('non_compliant')
    const again = [...rows, row('p', 'A', '2026-07-01T00:00:00.000Z')]
    expect(evaluateRows(again, 'p', [A], { now: NOW, countsFrom })).toMatchObject({
      status: 'compliant',
      compliantAt: '2026-07-01T00:00:00.000Z',
    })
  })
})

describe('the evaluator, everyone at once', () => {
  const rows = [
    row('ann', 'A', '2026-01-01T00:00:00.000Z'),
    row('bob', 'A', null),
    row('ann', 'B', null),
    row('cy', 'C', '2026-01-01T00:00:00.000Z'),
  ]
  const { table, people, campaignIds } = tableOf(rows, (item) => item.campaignId)
  const index = (id: string) => campaignIds.indexOf(id)

  it('gives one outcome per person and training, and a record only when asked', () => {
    const evaluation = new Evaluation(table, [
      { selected: [{ ...A, index: index('A') }] },
      {
        selected: [
          { ...A, index: index('A') },
          { ...B, index: index('B') },
        ],
      },
    ])
    const outcomes = people.emails.map((email) => [
      email,
      evaluation.outcome(people.indexOf(email), 0),
      evaluation.outcome(people.indexOf(email), 1),
    ])
    expect(outcomes).toEqual([
      ['ann', Outcome.compliant, Outcome.nonCompliant],
      ['bob', Outcome.nonCompliant, Outcome.nonCompliant],
      ['cy', Outcome.none, Outcome.none],
    ])
    expect(evaluation.record(people.indexOf('cy'), 0, NOW)).toBeNull()
    expect(evaluation.record(people.indexOf('ann'), 1, NOW)).toMatchObject({ status: 'non_compliant', completed: 1, required: 2 })
  })

  it('lets a standing (sticky) record stand, and only that one', () => {
    const sticky = evaluate([A], [row('x', 'A', '2025-01-01T00:00:00.000Z')], 'x')
    const ann = people.indexOf('ann')
    const evaluation = new Evaluation(table, [
      { selected: [{ ...B, index: index('B') }], previous: (person) => (person === ann ? sticky : { ...sticky, sticky: false }) },
    ])
    expect(evaluation.outcome(ann, 0)).toBe(Outcome.stands)
    expect(evaluation.record(ann, 0, NOW)).toBe(sticky)
    expect(evaluation.outcome(people.indexOf('bob'), 0)).toBe(Outcome.none)
  })
})

const arbTime = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms).toISOString())
const arbRow = fc.record({
  enrollmentId: fc.string({ minLength: 1, maxLength: 4 }),
  campaignId: fc.constantFrom('A', 'B', 'C', 'D'),
  email: fc.constant('p'),
  module: fc.constantFrom('m1', 'm2', 'm3'),
  completedAt: fc.option(arbTime, { nil: null }),
})
const arbSelected = fc.subarray([A, B, C], { minLength: 1 })

describe('evaluator invariants (property-based)', () => {
  it('an unselected campaign never changes a result', () => {
    fc.assert(
      fc.property(arbSelected, fc.array(arbRow, { maxLength: 20 }), fc.array(arbRow, { maxLength: 10 }), (selected, rows, extra) => {
        const noise = extra.map((item, index) => ({ ...item, campaignId: 'D', enrollmentId: `x${index}` }))
        expect(evaluate(selected, [...rows, ...noise], 'p')).toEqual(evaluate(selected, rows, 'p'))
      }),
    )
  })

  it('a sticky record never un-sticks', () => {
    fc.assert(
      fc.property(arbSelected, fc.array(arbRow, { maxLength: 20 }), (selected, rows) => {
        const sticky: ComplianceRecord = {
          status: 'compliant',
          completed: 1,
          required: 1,
          compliantAt: NOW,
          sticky: true,
          campaigns: [],
          evidence: [],
          evaluatedAt: NOW,
        }
        expect(evaluate(selected, rows, 'p', sticky)).toBe(sticky)
      }),
    )
  })

  it('completing one more enrollment never lowers progress', () => {
    fc.assert(
      fc.property(arbSelected, fc.array(arbRow, { minLength: 1, maxLength: 20 }), fc.nat(), arbTime, (selected, rows, pick, at) => {
        const unique = rows.map((item, index) => ({ ...item, enrollmentId: String(index) }))
        const before = evaluate(selected, unique, 'p')
        const index = pick % unique.length
        const after = evaluate(
          selected,
          unique.map((item, i) => (i === index ? { ...item, completedAt: item.completedAt ?? at } : item)),
          'p',
        )
        expect(after.required).toBe(before.required)
        expect(after.completed).toBeGreaterThanOrEqual(before.completed)
        if (before.status === 'compliant') expect(after.status).toBe('compliant')
      }),
    )
  })

  it('completed never exceeds required, and compliant means all required are completed', () => {
    fc.assert(
      fc.property(arbSelected, fc.array(arbRow, { maxLength: 30 }), (selected, rows) => {
        const actual = evaluate(selected, rows, 'p')
        expect(actual.completed).toBeLessThanOrEqual(actual.required)
        expect(actual.status === 'compliant').toBe(actual.required > 0 && actual.completed === actual.required)
      }),
    )
  })
})
