import { useState } from 'preact/hooks'
import type { Connection, KnowBe4Region } from '../../shared/domain.ts'
import { ask } from '../utils/messages.ts'
import { useAction } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

const REGIONS: { id: KnowBe4Region; name: string }[] = [
  { id: 'us', name: 'United States (us)' },
  { id: 'eu', name: 'Europe (eu)' },
  { id: 'ca', name: 'Canada (ca)' },
  { id: 'uk', name: 'United Kingdom (uk)' },
  { id: 'de', name: 'Germany (de)' },
]

/** Connects KnowBe4 with a Reporting API token; the daemon checks it with one call before saving. */
export function KnowBe4Form({ onConnected, onCancel, reconnecting = null }: {
  onConnected: (connection: Connection) => void
  onCancel: () => void
  /** The connection whose token stopped working: the new token renews that connection, in place. */
  reconnecting?: Connection | null
}) {
  const [region, setRegion] = useState<KnowBe4Region>('us')
  const [apiToken, setApiToken] = useState('')
  const [baseUrl, setBaseUrl] = useState('')
  const action = useAction()
  const submit = (event: Event) => {
    event.preventDefault()
    void action.run(async () => {
      if (apiToken.trim() === '') throw new Error("Paste the Reporting API token from KnowBe4's account settings first.")
      const body = { provider: 'knowbe4' as const, region, apiToken: apiToken.trim(), ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}) }
      const connection = reconnecting ? await ask('renewKnowBe4', { connectionId: reconnecting.id, body }) : await ask('connectKnowBe4', body)
      setApiToken('')
      onConnected(connection)
      return null
    })
  }
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="kb4-title" data-testid="knowbe4-form">
      <h3 id="kb4-title">{reconnecting ? `Reconnect ${reconnecting.label}` : 'Connect KnowBe4'}</h3>
      {reconnecting && (
        <p class="muted">
          Paste a new Reporting API token of the same KnowBe4 account. trainproof keeps the connection, its campaign choices and
          everyone's records.
        </p>
      )}
      <label class="field">
        <span>Region of your KnowBe4 account</span>
        <select name="region" value={region} onChange={(event) => setRegion(event.currentTarget.value as KnowBe4Region)}>
          {REGIONS.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Reporting API token</span>
        <input
          name="apiToken"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={apiToken}
          onInput={(event) => setApiToken(event.currentTarget.value)}
        />
        <small>In KnowBe4: Account Settings → API → Reporting API. It goes to your trainproof daemon only.</small>
      </label>
      <details>
        <summary>Advanced</summary>
        <label class="field" style="margin-top:0.5rem">
          <span>API address (leave empty for the region's)</span>
          <input name="baseUrl" type="url" placeholder="https://us.api.knowbe4.com" value={baseUrl} onInput={(event) => setBaseUrl(event.currentTarget.value)} />
        </label>
      </details>
      {action.error && <Notice tone="error" testId="knowbe4-error">{action.error}</Notice>}
      <div class="row">
        <button class="primary" type="submit" disabled={action.busy}>
          {action.busy ? 'Checking the token…' : reconnecting ? 'Reconnect KnowBe4' : 'Connect KnowBe4'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
