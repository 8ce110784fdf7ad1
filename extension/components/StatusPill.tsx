import type { Connection, Status } from '../../shared/domain.ts'
import { CONNECTION_LABELS, STATUS_LABELS } from '../utils/format.ts'

const STATUS_TONE: Record<Status, string> = { compliant: 'ok', non_compliant: 'due', not_enrolled: 'warn', not_configured: 'idle' }
const CONNECTION_TONE: Record<Connection['status'], string> = { connected: 'ok', needs_reauth: 'warn', error: 'due' }

export function StatusPill({ status }: { status: Status }) {
  return <span class={`pill ${STATUS_TONE[status]}`} data-status={status}>{STATUS_LABELS[status]}</span>
}

export function ConnectionPill({ status }: { status: Connection['status'] }) {
  return <span class={`pill ${CONNECTION_TONE[status]}`} data-status={status}>{CONNECTION_LABELS[status]}</span>
}
