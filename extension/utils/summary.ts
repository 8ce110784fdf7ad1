import type { MyTrainings, ProviderId, TrainingId } from '../../shared/domain.ts'
import { TRAININGS } from './format.ts'
import { providerName } from './providers.ts'

/**
 * What an employee can do about their due trainings: `toDo` they can finish at a provider now;
 * `notEnrolled` they cannot start until an admin enrols them there (nothing to finish yet).
 */
export type DuePlan = { toDo: TrainingId[]; notEnrolled: TrainingId[]; providers: ProviderId[] }

export function duePlan(trainings: Pick<MyTrainings, 'trainings' | 'provider'>): DuePlan {
  const ids = TRAININGS.map(({ id }) => id)
  const toDo = ids.filter((id) => trainings.trainings[id]?.status === 'non_compliant')
  const notEnrolled = ids.filter((id) => trainings.trainings[id]?.status === 'not_enrolled')
  const providers: ProviderId[] = []
  for (const id of toDo) {
    const provider = trainings.provider[id]
    if (provider && !providers.includes(provider)) providers.push(provider)
  }
  return { toDo, notEnrolled, providers }
}

/** "KnowBe4", "KnowBe4 and Huntress"; "your training provider" when none is known. */
export function providerNames(providers: readonly ProviderId[]): string {
  const names = providers.map(providerName)
  if (names.length === 0) return "your training provider's site"
  if (names.length === 1) return names[0]!
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/** "HIPAA", "Security Awareness and HIPAA". */
export function trainingNames(ids: readonly TrainingId[]): string {
  const names = ids.map((id) => TRAININGS.find((item) => item.id === id)?.name ?? id)
  if (names.length <= 1) return names[0] ?? ''
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/** Who an employee asks to be enrolled: the contact set by policy, else a plain description. */
export function contactOf(supportContact: string | null): string {
  return supportContact ?? 'your IT or compliance team'
}
