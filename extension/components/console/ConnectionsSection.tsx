import { useState } from 'preact/hooks'
import type { Connection } from '../../../shared/domain.ts'
import { syncSummary, timeAgo } from '../../utils/format.ts'
import type { ConsoleApi } from '../../utils/console-api.ts'
import { useAction, useRequest } from '../../utils/use-request.ts'
import { ConfirmDialog } from '../ConfirmDialog.tsx'
import { Notice } from '../Notice.tsx'
import { ConnectionPill } from '../StatusPill.tsx'

/** Connections with their sync and deletion. Connecting a new provider stays in the popup. */
export function ConnectionsSection({ api, readOnly, onChanged }: { api: ConsoleApi; readOnly: boolean; onChanged: () => void }) {
  const connections = useRequest(() => api.connections(), [api])
  const providers = useRequest(() => api.client.providers(), [api])
  const nameOf = (id: string) => providers.value?.find((description) => description.id === id)?.displayName ?? id
  const [deleting, setDeleting] = useState<Connection | null>(null)
  const action = useAction()
  const remove = (connection: Connection) =>
    action.run(async () => {
      await api.deleteConnection(connection.id)
      setDeleting(null)
      await connections.reload()
      onChanged()
      return `${connection.label} was deleted. Its campaigns left every training; compliance already proven stays.`
    })
  const sync = (connection: Connection) =>
    action.run(async () => {
      const run = await api.syncConnection(connection.id)
      await connections.reload()
      onChanged()
      if (!run.ok) throw new Error(syncSummary(run, connection.label))
      return syncSummary(run, connection.label)
    })
  const list = connections.value ?? []
  return (
    <div class="stack">
      <h2>Connections</h2>
      {connections.error && <Notice tone="error">{connections.error}</Notice>}
      {connections.value && list.length === 0 && <p class="muted">No provider is connected. Connect one from the toolbar popup.</p>}
      <table>
        <thead>
          <tr>
            <th>Connection</th>
            <th>Provider</th>
            <th>Status</th>
            <th>Last synced</th>
            <th>
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((connection) => (
            <tr key={connection.id} data-testid="console-connection" data-connection-id={connection.id}>
              <td>
                <strong>{connection.label}</strong>
              </td>
              <td>{nameOf(connection.provider)}</td>
              <td>
                <ConnectionPill status={connection.status} />
              </td>
              <td>{timeAgo(connection.lastSyncAt, Date.now())}</td>
              <td class="row end">
                <button type="button" disabled={readOnly || action.busy} onClick={() => void sync(connection)}>
                  Sync now
                </button>
                <button
                  type="button"
                  disabled={readOnly || action.busy}
                  aria-label={`Delete ${connection.label}`}
                  onClick={() => {
                    action.reset()
                    setDeleting(connection)
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDialog
          testId="confirm-delete"
          question={`Delete the connection ${deleting.label}? trainproof stops syncing it and its campaigns leave every training. Compliance already proven stays.`}
          confirmLabel="Delete connection"
          busy={action.busy}
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
      {action.done && (
        <Notice tone="ok" testId="connection-result">
          {action.done}
        </Notice>
      )}
      {action.error && (
        <Notice tone="error" testId="connection-result">
          {action.error}
        </Notice>
      )}
    </div>
  )
}
