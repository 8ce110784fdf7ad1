import { useState } from 'preact/hooks'
import { saveBlob, type ConsoleApi } from '../../utils/console-api.ts'
import { useAction } from '../../utils/use-request.ts'
import { Notice } from '../Notice.tsx'

const day = (date: Date) => date.toISOString().slice(0, 10)

/** The evidence pack for auditors: a zip for a window of days (`GET /evidence?from=&to=`). */
export function EvidenceSection({ api, now = new Date() }: { api: ConsoleApi; now?: Date }) {
  const [from, setFrom] = useState(`${now.getUTCFullYear()}-01-01`)
  const [to, setTo] = useState(day(now))
  const download = useAction()
  const invalid = !from || !to ? 'Choose both dates.' : to < from ? 'The window ends before it starts.' : null
  const submit = (event: Event) => {
    event.preventDefault()
    if (invalid) return
    void download.run(async () => {
      const file = await api.evidence(from, to)
      const name = file.filename ?? `trainproof-evidence-${from}-to-${to}.zip`
      saveBlob(file.blob, name)
      return `Downloaded ${name} (${Math.max(1, Math.round(file.blob.size / 1024)).toLocaleString('en-GB')} KB).`
    })
  }
  return (
    <form class="stack" onSubmit={submit} aria-labelledby="evidence-title">
      <h2 id="evidence-title">Evidence pack</h2>
      <p class="muted">
        One zip for the auditor: everyone's status as of the last day, the completions behind it, the audit events of the window, a
        certificate per compliant person, and a manifest with each file's SHA-256.
      </p>
      <div class="row">
        <label class="field">
          <span>From</span>
          <input type="date" value={from} max={to || undefined} onInput={(event) => setFrom(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>To (inclusive)</span>
          <input type="date" value={to} min={from || undefined} onInput={(event) => setTo(event.currentTarget.value)} />
        </label>
      </div>
      {invalid && (
        <p class="muted" role="status">
          {invalid}
        </p>
      )}
      <div>
        <button type="submit" class="primary" disabled={download.busy || invalid !== null}>
          {download.busy ? 'Building the pack…' : 'Download evidence pack'}
        </button>
      </div>
      {download.done && (
        <Notice tone="ok" testId="evidence-result">
          {download.done}
        </Notice>
      )}
      {download.error && (
        <Notice tone="error" testId="evidence-result">
          {download.error}
        </Notice>
      )}
    </form>
  )
}
