import {
  STATUSES,
  TRAINING_IDS,
  type Connection,
  type Person,
  type Status,
  type TrainingConfig,
  type TrainingId,
} from '../shared/domain.ts'
import type { ApiClient } from './client.ts'
import { table } from './io.ts'

export type StatusReport = {
  url: string
  version: string
  connections: Connection[]
  trainings: { id: TrainingId; connectionId: string | null; campaigns: number; recurrence: string; counts: Record<Status, number> }[]
}

/** Counts of each status per training, from everybody. */
export function countStatuses(people: readonly Person[]): Record<TrainingId, Record<Status, number>> {
  const counts = {} as Record<TrainingId, Record<Status, number>>
  for (const training of TRAINING_IDS)
    counts[training] = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>
  for (const person of people) for (const training of TRAINING_IDS) counts[training][person.trainings[training].status]++
  return counts
}

function describeRule(config: TrainingConfig): string {
  const rule = config.recurrence
  if (!rule || rule.kind === 'none') return 'none'
  const grace = `, ${config.graceDays ?? 30} days' grace`
  if (rule.kind === 'rolling') return `every ${rule.months} months${grace}`
  return `every year on ${String(rule.month).padStart(2, '0')}-${String(rule.day).padStart(2, '0')}${grace}`
}

export async function statusReport(api: ApiClient): Promise<StatusReport> {
  const [health, connections, trainings, people] = await Promise.all([
    api.json<{ version: string }>('GET', '/health'),
    api.json<Connection[]>('GET', '/connections'),
    api.json<TrainingConfig[]>('GET', '/trainings'),
    api.json<Person[]>('GET', '/personnel'),
  ])
  const counts = countStatuses(people)
  return {
    url: api.url,
    version: health.version,
    connections,
    trainings: trainings.map((config) => ({
      id: config.id,
      connectionId: config.connectionId,
      campaigns: config.campaignIds.length,
      recurrence: describeRule(config),
      counts: counts[config.id],
    })),
  }
}

export function formatStatus(report: StatusReport): string {
  const lines = [`trainproof ${report.version} at ${report.url}`, '', 'Connections']
  if (report.connections.length === 0) lines.push('  none yet')
  else {
    const rows = report.connections.map((connection) => [
      connection.id,
      connection.provider,
      connection.label,
      connection.status,
      connection.lastSyncAt ? `synced ${connection.lastSyncAt}` : 'never synced',
      connection.lastError ?? '',
    ])
    lines.push(
      ...table(rows)
        .split('\n')
        .map((line) => `  ${line}`),
    )
  }
  lines.push('', 'Trainings')
  const rows = [['training', 'connection', 'campaigns', ...STATUSES, 'recurrence']]
  for (const training of report.trainings) {
    rows.push([
      training.id,
      training.connectionId ?? '-',
      String(training.campaigns),
      ...STATUSES.map((status) => String(training.counts[status])),
      training.recurrence,
    ])
  }
  lines.push(
    ...table(rows)
      .split('\n')
      .map((line) => `  ${line}`),
  )
  return `${lines.join('\n')}\n`
}
