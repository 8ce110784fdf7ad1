import type { TrainingId } from '../../shared/constants.ts'
import { Person } from './answers.ts'
import { createDaemonClient, DaemonError, type DaemonClient } from './daemon-client.ts'
import { AuditEntry, ComplianceHistory, RecurrencePreview, TrainingSettings, type Recurrence } from './console-schemas.ts'
import { array } from './guard.ts'
import { daemonUrl, pairingToken } from './storage.ts'

/** The console's own calls, on top of the daemon client, with the pairing the options page stored. */
export function createConsoleApi(
  client: DaemonClient = createDaemonClient({ baseUrl: () => daemonUrl.getValue(), token: () => pairingToken.getValue() }),
) {
  const id = encodeURIComponent
  return {
    client,
    me: () => client.me(),
    connections: () => client.connections(),
    deleteConnection: (connectionId: string) => client.deleteConnection(connectionId),
    syncConnection: (connectionId: string) => client.syncConnection(connectionId),
    personnelPage: (offset: number, limit: number) => client.call(array(Person), '/personnel', { query: { offset, limit } }),
    trainings: () => client.call(array(TrainingSettings), '/trainings'),
    putRecurrence: (training: TrainingId, config: TrainingSettings, recurrence: Recurrence, graceDays: number) =>
      client.call(TrainingSettings, `/trainings/${id(training)}`, {
        method: 'PUT',
        body: { connectionId: config.connectionId, campaignIds: config.campaignIds, recurrence, graceDays },
      }),
    previewRecurrence: (training: TrainingId, recurrence: Recurrence) =>
      client.call(RecurrencePreview, `/trainings/${id(training)}/recurrence/preview`, { method: 'POST', body: { recurrence } }),
    audit: (limit: number, before?: string) => client.call(array(AuditEntry), '/audit', { query: { limit, before } }),
    /** null when this daemon has no history endpoint yet (404): the console derives points itself. */
    history: async (training: TrainingId) => {
      try {
        return await client.call(ComplianceHistory, '/compliance/history', { query: { training } })
      } catch (error) {
        if (error instanceof DaemonError && error.status === 404) return null
        throw error
      }
    },
    certificate: (email: string, training: TrainingId) => client.download(`/personnel/${id(email)}/certificates/${id(training)}`),
    evidence: (from: string, to: string) => client.download('/evidence', { from, to }),
  }
}

export type ConsoleApi = ReturnType<typeof createConsoleApi>

/** Hands a blob to the browser as a download (an object URL on a temporary link). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
