import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Enrollment } from '../../shared/domain.ts'
import { type ComplianceRecord, Evaluation, type TrainingInput } from '../../shared/evaluator.ts'
import { tableOf } from '../../shared/row-table.ts'
import { ReferenceEvaluation } from '../helpers/evaluator-reference.ts'

/**
 * The evaluator reads the table in place (chains per campaign and person); the one before it
 * regrouped every row by person. Both must say the same for any table: outcomes, records,
 * whom they count as having rows, and how many distinct enrollments.
 */

const NOW = '2026-11-22T02:00:00.000Z'
const CAMPAIGNS = ['A', 'B', 'C', 'D', 'E']
const arbTime = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms).toISOString())
const arbRow = fc.record({
  // Few ids, so that repeats (with and without completion, across campaigns and people) are common.
  enrollmentId: fc.constantFrom('1', '2', '3', 'x'),
  campaignId: fc.constantFrom(...CAMPAIGNS),
  email: fc.constantFrom('ann', 'bob', 'cy', 'dee'),
  module: fc.constantFrom('m1', 'm2', 'm3'),
  moduleName: fc.option(fc.constantFrom('Phishing', 'Passwords'), { nil: undefined }),
  completedAt: fc.option(arbTime, { nil: null }),
})
/** Rows as providers list them (campaign by campaign), or in any order. */
const arbRows = fc
  .tuple(fc.array(arbRow, { maxLength: 40 }), fc.boolean())
  .map(([rows, byCampaign]) => (byCampaign ? [...rows].sort((a, b) => a.campaignId.localeCompare(b.campaignId)) : rows))
const arbTraining = fc.record({
  // Indexes past the table's campaigns and -1 (a campaign the provider no longer lists) included.
  selected: fc.array(fc.integer({ min: -1, max: CAMPAIGNS.length }), { maxLength: 4 }),
  resets: fc.array(fc.option(fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), { nil: null }), {
    minLength: 6,
    maxLength: 6,
  }),
  sticky: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  withCountsFrom: fc.boolean(),
})
const STICKY: ComplianceRecord = {
  status: 'compliant',
  completed: 1,
  required: 1,
  compliantAt: NOW,
  sticky: true,
  campaigns: [],
  evidence: [],
  evaluatedAt: NOW,
}

describe('the evaluator against the person-grouping reference (property-based)', () => {
  it('gives the same outcomes, records, rows and enrollment count for any table', () => {
    fc.assert(
      fc.property(arbRows, fc.array(arbTraining, { maxLength: 3 }), fc.nat({ max: 2 }), (rows: Enrollment[], trainings, extraPeople) => {
        const { table, campaignIds } = tableOf(rows, (row) => row.campaignId)
        // People the db knows but the rows do not name (a sync's plan counts them too).
        const wide = { ...table, people: table.people + extraPeople }
        const inputs: TrainingInput[] = trainings.map(({ selected, resets, sticky, withCountsFrom }) => ({
          selected: selected.map((index) => ({ id: campaignIds[index] ?? `gone${index}`, name: `Campaign ${index}`, index })),
          previous: (person) => (sticky[person] ? STICKY : null),
          ...(withCountsFrom ? { countsFrom: (person: number) => resets[person] ?? null } : {}),
        }))
        const actual = new Evaluation(wide, inputs)
        const expected = new ReferenceEvaluation(wide, inputs)
        expect(actual.enrollments).toBe(expected.enrollments)
        for (let person = 0; person < wide.people + 1; person++) {
          expect(actual.hasRows(person)).toBe(expected.hasRows(person))
          if (person >= wide.people) continue
          inputs.forEach((_, training) => {
            expect(actual.outcome(person, training)).toBe(expected.outcome(person, training))
            expect(actual.record(person, training, NOW)).toEqual(expected.record(person, training, NOW))
          })
        }
      }),
      { numRuns: 500 },
    )
  })
})
