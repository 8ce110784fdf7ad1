import { useEffect, useState } from 'preact/hooks'
import type { ConsoleApi } from '../../utils/console-api.ts'
import type { AuditEntry } from '../../utils/console-schemas.ts'
import { useAction } from '../../utils/use-request.ts'
import { Notice } from '../Notice.tsx'

export const AUDIT_PAGE = 50

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')

/** A short, readable form of an event's detail; the full JSON is one click away. */
function Detail({ detail }: { detail: Record<string, unknown> }) {
  const text = JSON.stringify(detail)
  if (text.length <= 120) return <code>{text}</code>
  return (
    <details>
      <summary>
        <code>{text.slice(0, 100)}…</code>
      </summary>
      <pre>{JSON.stringify(detail, null, 2)}</pre>
    </details>
  )
}

/** The audit log, newest first, a page at a time (`GET /audit?limit=&before=<id>`). */
export function AuditSection({ api }: { api: ConsoleApi }) {
  const [events, setEvents] = useState<AuditEntry[]>([])
  const [end, setEnd] = useState(false)
  const load = useAction()
  const more = (before?: string) =>
    load.run(async () => {
      const page = await api.audit(AUDIT_PAGE, before)
      setEvents((current) => (before ? [...current, ...page] : page))
      // Without ids (an older daemon) there is no way to ask for the next page.
      setEnd(page.length < AUDIT_PAGE || page.at(-1)?.id === undefined)
      return null
    })
  useEffect(() => void more(), [api])
  const last = events.at(-1)
  return (
    <div class="stack">
      <h2>Audit log</h2>
      {load.error && <Notice tone="error">{load.error}</Notice>}
      <table data-testid="audit-log">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event, index) => (
            <tr key={event.id ?? index} data-testid="audit-event" data-id={event.id}>
              <td class="nowrap">{when(event.at)}</td>
              <td>{event.actor}</td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>
                <Detail detail={event.detail} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!load.busy && events.length === 0 && !load.error && <p class="muted">Nothing has happened yet.</p>}
      <p class="muted" data-testid="audit-count">
        {events.length.toLocaleString('en-GB')} event{events.length === 1 ? '' : 's'} shown{end ? ', the oldest included' : ''}.
      </p>
      {!end && last?.id && (
        <button type="button" onClick={() => void more(last.id)} disabled={load.busy}>
          {load.busy ? 'Loading…' : 'Older events'}
        </button>
      )}
    </div>
  )
}
