import { beforeAll, describe, expect, it } from 'vitest'
import { huntressDescription } from '../../../daemon/providers/huntress/index.ts'
import { knowbe4Description } from '../../../daemon/providers/knowbe4/index.ts'
import { setKnownProviders } from '../../../extension/utils/providers.ts'
import { duePlan, providerNames, trainingNames } from '../../../extension/utils/summary.ts'
import type { MyTrainings } from '../../../shared/domain.ts'

function trainings(statuses: Record<string, string>, provider: Record<string, string | null>) {
  return {
    trainings: Object.fromEntries(Object.entries(statuses).map(([id, status]) => [id, { status }])),
    provider,
  } as unknown as MyTrainings
}

// Names come from the descriptions the daemon serves (GET /providers).
beforeAll(() => setKnownProviders([knowbe4Description, huntressDescription]))

describe('duePlan', () => {
  it('names every provider the due trainings are on, in training order', () => {
    const actual = duePlan(
      trainings(
        { security_awareness: 'non_compliant', hipaa: 'non_compliant', ai_awareness: 'compliant' },
        { security_awareness: 'knowbe4', hipaa: 'huntress', ai_awareness: 'knowbe4' },
      ),
    )

    expect(actual).toEqual({ toDo: ['security_awareness', 'hipaa'], notEnrolled: [], providers: ['knowbe4', 'huntress'] })
    expect(providerNames(actual.providers)).toBe('KnowBe4 and Huntress')
  })

  it('keeps trainings the person is not enrolled in apart from what they can finish', () => {
    const actual = duePlan(
      trainings(
        { security_awareness: 'not_enrolled', hipaa: 'not_enrolled', ai_awareness: 'not_configured' },
        { security_awareness: 'knowbe4', hipaa: 'huntress', ai_awareness: null },
      ),
    )

    expect(actual).toEqual({ toDo: [], notEnrolled: ['security_awareness', 'hipaa'], providers: [] })
    expect(trainingNames(actual.notEnrolled)).toBe('Security Awareness and HIPAA')
  })
})
