import type { TrainingId } from '../../shared/domain.ts'
import type { SelectedCampaign, TrainingInput } from '../../shared/evaluator.ts'
import type { RowTable } from '../../shared/row-table.ts'
import type { Db, RecordSource, StoredConnection } from '../store/schema.ts'
import type { Selection } from './fetch.ts'
import type { Normalised } from './normalise.ts'

/**
 * Stage 3: what to evaluate, decided against the db without changing it: per training the
 * campaigns that count (with their table index), whom to evaluate and in which order, and what
 * the evaluator must know of each person (their record so far, for the sticky rule; their
 * recurrence reset, after which older completions stop counting).
 */
export type Plan = {
  connectionId: string
  source: RecordSource
  normalised: Normalised
  /** The normalised table, counting also the people it has no rows of. */
  table: RowTable
  trainings: TrainingId[]
  inputs: TrainingInput[]
  /** Person index → e-mail. */
  emails: readonly string[]
  /** The people to evaluate (indexes), in the order their records are written. */
  order: readonly number[]
}

/** A training a re-check looks at, with the selection it had when the re-check started. */
export type DueTraining = { training: TrainingId; campaignIds: readonly string[] }

/**
 * A sync: every person the db or the provider knows, for each training this connection serves,
 * against the selected campaigns the provider still lists as importable.
 */
export function planSync(db: Db, connection: StoredConnection, selection: Selection, normalised: Normalised): Plan {
  const names = new Map<string, string>()
  for (const campaign of normalised.campaigns) if (campaign.importable) names.set(campaign.id, campaign.name)
  const trainings = [...selection].map(([training, ids]) => ({ training, ids }))
  const everyone = new Set([...db.people.keys(), ...normalised.names.keys()])
  return planOf(db, connection, normalised, trainings, names, everyone)
}

/** A re-check: one person, their due trainings, against the campaigns the db knows. */
export function planRecheck(
  db: Db,
  connection: StoredConnection,
  email: string,
  due: readonly DueTraining[],
  normalised: Normalised,
): Plan {
  const names = new Map(db.campaigns.map((campaign) => [campaign.id, campaign.name]))
  const trainings = due.map(({ training, campaignIds }) => ({ training, ids: campaignIds }))
  return planOf(db, connection, normalised, trainings, names, [email])
}

function planOf(
  db: Db,
  connection: StoredConnection,
  normalised: Normalised,
  trainings: readonly { training: TrainingId; ids: readonly string[] }[],
  campaignNames: ReadonlyMap<string, string>,
  everyone: Iterable<string>,
): Plan {
  const keyIndex = new Map(normalised.campaignKeys.map((key, index) => [key, index]))
  const { people } = normalised
  const order: number[] = []
  for (const email of everyone) order.push(people.indexOf(email))
  const emails = people.emails
  const inputs = trainings.map(
    ({ training, ids }): TrainingInput => ({
      selected: [...new Set(ids)]
        .filter((id) => campaignNames.has(id))
        .map((id): SelectedCampaign & { index: number } => ({ id, name: campaignNames.get(id) ?? id, index: keyIndex.get(id) ?? -1 })),
      previous: (person) => db.people.get(emails[person] as string)?.records[training],
      countsFrom: (person) => {
        const reset = db.retraining.get(emails[person] as string)?.[training]
        return reset ? Date.parse(reset.resetAt) : null
      },
    }),
  )
  return {
    connectionId: connection.id,
    source: { provider: connection.provider, connectionId: connection.id, connectionLabel: connection.label },
    normalised,
    table: { ...normalised.table, people: people.size },
    trainings: trainings.map(({ training }) => training),
    inputs,
    emails,
    order,
  }
}
