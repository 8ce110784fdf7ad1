import { useEffect, useState } from 'preact/hooks'
import type { Connection } from '../../shared/domain.ts'
import type { ProviderDescription } from '../../shared/api.ts'
import { syncSummary, timeAgo } from '../utils/format.ts'
import { ask, RequestError } from '../utils/messages.ts'
import { describeProvider, knownProviderList, providerName } from '../utils/providers.ts'
import type { AccountChoice, OAuthOutcome } from '../utils/storage.ts'
import { useAction, useRequest } from '../utils/use-request.ts'
import { AccountChooser } from './AccountChooser.tsx'
import { Notice } from './Notice.tsx'
import { ProviderForm } from './ProviderForm.tsx'
import { ConnectionPill } from './StatusPill.tsx'

const OAUTH_FRESH_MS = 10 * 60_000

/** What happened to a provider sign-in the popup may have missed because it closed meanwhile. */
const isFresh = (outcome: OAuthOutcome | null): outcome is OAuthOutcome =>
  outcome !== null && Date.now() - Date.parse(outcome.at) <= OAUTH_FRESH_MS

function OAuthOutcomeNotice({ outcome }: { outcome: OAuthOutcome | null }) {
  if (!isFresh(outcome) || outcome.kind === 'choose') return null
  const name = providerName(outcome.provider)
  if (outcome.kind === 'pending') return <Notice>A {name} sign-in is in progress in another window.</Notice>
  if (outcome.kind === 'failed') return <Notice tone="error">{outcome.message}</Notice>
  return (
    <Notice tone="ok">
      {name} is connected ({outcome.connection.label}).
    </Notice>
  )
}

function ConnectionCard({
  connection,
  readOnly,
  onSynced,
  epoch,
  onAction,
}: {
  connection: Connection
  readOnly: boolean
  onSynced: () => void
  /** Bumped when another action starts on this panel: this card's old outcome is stale then. */
  epoch: number
  onAction: () => void
}) {
  const sync = useAction()
  useEffect(() => sync.reset(), [epoch])
  const syncNow = () =>
    sync.run(async () => {
      onAction()
      const run = await ask('syncConnection', { connectionId: connection.id })
      onSynced()
      if (!run.ok) throw new Error(syncSummary(run, connection.label))
      return syncSummary(run, connection.label)
    })
  return (
    <li class="card stack" data-testid="connection" data-connection-id={connection.id} data-provider={connection.provider}>
      <div class="spread">
        <div>
          <strong>{connection.label}</strong> <small>{providerName(connection.provider)}</small>
        </div>
        <ConnectionPill status={connection.status} />
      </div>
      <small>Last synced {timeAgo(connection.lastSyncAt, Date.now())}.</small>
      {connection.lastError && connection.status !== 'connected' && <p class="muted">{connection.lastError}</p>}
      <div class="row">
        <button type="button" onClick={syncNow} disabled={readOnly || sync.busy}>
          {sync.busy ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      {sync.done && (
        <Notice tone="ok" testId="sync-result">
          {sync.done}
        </Notice>
      )}
      {sync.error && (
        <Notice tone="error" testId="sync-result">
          {sync.error}
        </Notice>
      )}
    </li>
  )
}

type Adding = { description: ProviderDescription; reconnecting: Connection | null }

/** Connections and their status; connect any provider the daemon describes (a form of its fields, or its sign-in). */
export function ConnectionsPanel({ readOnly, oauth }: { readOnly: boolean; oauth: OAuthOutcome | null }) {
  const connections = useRequest(() => ask('connections'))
  const providers = knownProviderList()
  // null: no form; else the provider's form, for a new connection or renewing one's credentials.
  const [adding, setAdding] = useState<Adding | null>(null)
  const signIn = useAction()
  // Which provider the sign-in outcome on screen is about (its test id and sentences name it).
  const [signingIn, setSigningIn] = useState<ProviderDescription | null>(null)
  const [choices, setChoices] = useState<AccountChoice[] | null>(isFresh(oauth) && oauth.kind === 'choose' ? oauth.choices : null)
  const choosing = describeProvider(isFresh(oauth) ? oauth.provider : '') ?? signingIn
  const syncAll = useAction()
  const [epoch, setEpoch] = useState(0)
  /** A new action makes every earlier outcome on the panel stale. */
  const starting = (keep: 'card' | 'all' | 'sign-in' | 'form') => {
    setEpoch((value) => value + 1)
    if (keep !== 'all') syncAll.reset()
    if (keep !== 'sign-in') signIn.reset()
  }
  const list = connections.value ?? []
  const stuck = list.filter((connection) => connection.status === 'needs_reauth')

  const connectOAuth = (description: ProviderDescription) =>
    signIn.run(async () => {
      starting('sign-in')
      setSigningIn(description)
      setChoices(null)
      try {
        return await connected(description, await ask('oauthStart', { provider: description.id }))
      } catch (error) {
        if (!(error instanceof RequestError && error.code === 'account_choice_required')) throw error
        const { oauth: outcome } = await ask('overview')
        if (outcome?.kind !== 'choose') throw error
        setChoices(outcome.choices)
        return null
      }
    })
  const connected = async (description: ProviderDescription, connection: Connection) => {
    await connections.reload()
    return `${description.displayName} is connected (${connection.label}). Choose its campaigns under Trainings.`
  }
  const open = (description: ProviderDescription, reconnecting: Connection | null = null) => {
    if (description.connect.kind === 'oauth') return void connectOAuth(description)
    starting('form')
    setAdding({ description, reconnecting })
  }
  const reconnect = (connection: Connection) => {
    const description = describeProvider(connection.provider)
    if (description) open(description, connection)
  }
  const runAll = () =>
    syncAll.run(async () => {
      starting('all')
      const runs = await ask('syncAll')
      await connections.reload()
      const labels = new Map(list.map((item) => [item.id, item.label]))
      const failed = runs.filter((run) => !run.ok)
      const sentences = runs.map((run) => syncSummary(run, labels.get(run.connectionId) ?? 'A connection'))
      if (failed.length > 0) throw new Error(sentences.join(' '))
      return runs.length === 0 ? 'There is nothing to sync yet.' : sentences.join(' ')
    })

  return (
    <div class="stack">
      {stuck.map((connection) => (
        <Notice tone="warn" key={connection.id} testId="needs-reauth">
          <strong>{connection.label} needs you to sign in again.</strong> {providerName(connection.provider)} stopped accepting trainproof's
          access, so its trainings aren't being updated.{' '}
          <button
            type="button"
            class="primary"
            disabled={readOnly}
            aria-label={`Reconnect ${connection.label}`}
            onClick={() => reconnect(connection)}
          >
            Reconnect
          </button>
        </Notice>
      ))}
      <OAuthOutcomeNotice outcome={signIn.busy || signIn.done || signIn.error ? null : oauth} />
      {connections.error && <Notice tone="error">{connections.error}</Notice>}
      {connections.loading && !connections.value && <p class="muted">Loading connections…</p>}
      {connections.value && list.length === 0 && <p class="muted">No provider is connected yet.</p>}
      <ul class="plain">
        {list.map((connection) => (
          <ConnectionCard
            key={connection.id}
            connection={connection}
            readOnly={readOnly}
            onSynced={() => void connections.reload()}
            epoch={epoch}
            onAction={() => starting('card')}
          />
        ))}
      </ul>
      {list.length > 0 && (
        <div class="stack">
          <button type="button" onClick={runAll} disabled={readOnly || syncAll.busy}>
            {syncAll.busy ? 'Syncing everything…' : 'Sync all connections'}
          </button>
          {syncAll.done && (
            <Notice tone="ok" testId="sync-all-result">
              {syncAll.done}
            </Notice>
          )}
          {syncAll.error && (
            <Notice tone="error" testId="sync-all-result">
              {syncAll.error}
            </Notice>
          )}
        </div>
      )}
      {!readOnly && !adding && (
        <div class="row">
          {providers.map((description) => {
            const waiting = description.connect.kind === 'oauth' && signIn.busy && signingIn?.id === description.id
            return (
              <button type="button" key={description.id} onClick={() => open(description)} disabled={waiting}>
                {waiting ? `Waiting for ${description.displayName}…` : `Connect ${description.displayName}`}
              </button>
            )
          })}
        </div>
      )}
      {choices && choosing && (
        <AccountChooser
          name={choosing.displayName}
          choices={choices}
          onConnected={(connection) =>
            void signIn.run(async () => {
              setSigningIn(choosing)
              setChoices(null)
              return connected(choosing, connection)
            })
          }
        />
      )}
      {signingIn && signIn.done && (
        <Notice tone="ok" testId={`${signingIn.id}-result`}>
          {signIn.done}
        </Notice>
      )}
      {signingIn && signIn.error && (
        <Notice tone="error" testId={`${signingIn.id}-result`}>
          {signIn.error}
        </Notice>
      )}
      {adding && (
        <ProviderForm
          key={`${adding.description.id}:${adding.reconnecting?.id ?? ''}`}
          description={adding.description}
          reconnecting={adding.reconnecting}
          onCancel={() => setAdding(null)}
          onConnected={() => {
            setAdding(null)
            void connections.reload()
          }}
        />
      )}
    </div>
  )
}
