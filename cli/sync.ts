import { SingleBar } from 'cli-progress'
import { TRAINING_IDS, type Connection, type Person, type SyncRun } from '../shared/domain.ts'
import { CliError, type ApiClient } from './client.ts'
import type { Io } from './io.ts'

/** What a sync changed, person by person and training by training. */
export function describeChanges(before: readonly Person[], after: readonly Person[]): string {
  const previous = new Map(before.map((person) => [person.email, person]))
  let compliant = 0
  let due = 0
  for (const person of after) {
    for (const training of TRAINING_IDS) {
      const now = person.trainings[training].status
      const then = previous.get(person.email)?.trainings[training].status
      if (now === then) continue
      if (now === 'compliant') compliant++
      else if ((now === 'non_compliant' || now === 'not_enrolled') && then !== 'non_compliant' && then !== 'not_enrolled') due++
    }
  }
  const people = (count: number) => (count === 1 ? '1 person' : `${count} people`)
  return `${people(compliant)} became compliant, ${people(due)} newly due.`
}

/**
 * Syncs one connection, or each in turn, with a progress bar over the connections (each sync
 * answers when it ends); then says what changed. Exit code 1 when any sync failed.
 */
export async function syncCommand(api: ApiClient, io: Io, connectionId: string | undefined): Promise<number> {
  const connections = await api.json<Connection[]>('GET', '/connections')
  const targets = connectionId ? connections.filter((connection) => connection.id === connectionId) : connections
  if (connectionId && targets.length === 0) throw new CliError(`No connection ${connectionId} (see: trainproof status).`)
  if (targets.length === 0) {
    io.stdout.write('No connection to sync yet.\n')
    return 0
  }
  const before = await api.json<Person[]>('GET', '/personnel')
  const bar = new SingleBar({ stream: io.stderr, format: 'syncing {bar} {value}/{total} {label}', hideCursor: true, clearOnComplete: true })
  bar.start(targets.length, 0, { label: targets[0]?.label ?? '' })
  const runs: { connection: Connection; run: SyncRun }[] = []
  try {
    for (const [index, connection] of targets.entries()) {
      bar.update(index, { label: connection.label })
      runs.push({ connection, run: await api.json<SyncRun>('POST', `/connections/${encodeURIComponent(connection.id)}/sync`) })
    }
    bar.update(targets.length, { label: 'done' })
  } finally {
    bar.stop()
  }
  for (const { connection, run } of runs) {
    io.stdout.write(run.ok ? `ok      ${connection.label}\n` : `FAILED  ${connection.label}: ${run.error}\n`)
  }
  io.stdout.write(`${describeChanges(before, await api.json<Person[]>('GET', '/personnel'))}\n`)
  return runs.every(({ run }) => run.ok) ? 0 : 1
}
