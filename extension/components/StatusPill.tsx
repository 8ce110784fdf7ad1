import type { Connection, Status } from '../../shared/domain.ts'
import { CONNECTION_LABELS, statusLabel } from '../utils/format.ts'

const STATUS_TONE: Record<Status, string> = { compliant: 'ok', non_compliant: 'due', not_enrolled: 'warn', not_configured: 'idle' }
const CONNECTION_TONE: Record<Connection['status'], string> = { connected: 'ok', needs_reauth: 'warn', error: 'due' }

/** `completed` (when known) tells "In progress" from "Not started" for someone enrolled who has done nothing yet. */
export function StatusPill({ status, completed }: { status: Status; completed?: number }) {
  return (
    <span class={`pill ${STATUS_TONE[status]}`} data-status={status}>
      {statusLabel({ status, completed })}
    </span>
  )
}

export function ConnectionPill({ status }: { status: Connection['status'] }) {
  return (
    <span class={`pill ${CONNECTION_TONE[status]}`} data-status={status}>
      {CONNECTION_LABELS[status]}
    </span>
  )
}
