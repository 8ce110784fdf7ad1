import { useEffect, useState } from 'preact/hooks'
import type { Connection } from '../../shared/domain.ts'
import { PROVIDER_NAMES, syncSummary, timeAgo } from '../utils/format.ts'
import { ask, RequestError } from '../utils/messages.ts'
import type { AccountChoice, OAuthOutcome } from '../utils/storage.ts'
import { useAction, useRequest } from '../utils/use-request.ts'
import { AccountChooser } from './AccountChooser.tsx'
import { KnowBe4Form } from './KnowBe4Form.tsx'
import { Notice } from './Notice.tsx'
import { ConnectionPill } from './StatusPill.tsx'

const OAUTH_FRESH_MS = 10 * 60_000

/** What happened to a Huntress sign-in the popup may have missed because it closed meanwhile. */
const isFresh = (outcome: OAuthOutcome | null): outcome is OAuthOutcome =>
  outcome !== null && Date.now() - Date.parse(outcome.at) <= OAUTH_FRESH_MS

function OAuthOutcomeNotice({ outcome }: { outcome: OAuthOutcome | null }) {
  if (!isFresh(outcome) || outcome.kind === 'choose') return null
  if (outcome.kind === 'pending') return <Notice>A Huntress sign-in is in progress in another window.</Notice>
  if (outcome.kind === 'failed') return <Notice tone="error">{outcome.message}</Notice>
  return <Notice tone="ok">Huntress is connected ({outcome.connection.label}).</Notice>
}

function ConnectionCard({ connection, readOnly, onSynced, epoch, onAction }: {
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
          <strong>{connection.label}</strong> <small>{PROVIDER_NAMES[connection.provider]}</small>
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
      {sync.done && <Notice tone="ok" testId="sync-result">{sync.done}</Notice>}
      {sync.error && <Notice tone="error" testId="sync-result">{sync.error}</Notice>}
    </li>
  )
}

/** Connections and their status; connect KnowBe4 (token form) or Huntress (OAuth sign-in). */
export function ConnectionsPanel({ readOnly, oauth }: { readOnly: boolean; oauth: OAuthOutcome | null }) {
  const connections = useRequest(() => ask('connections'))
  // false: no form; true: a new KnowBe4 connection; a Connection: renewing that one's token.
  const [adding, setAdding] = useState<boolean | Connection>(false)
  const huntress = useAction()
  const [choices, setChoices] = useState<AccountChoice[] | null>(isFresh(oauth) && oauth.kind === 'choose' ? oauth.choices : null)
  const syncAll = useAction()
  const [epoch, setEpoch] = useState(0)
  /** A new action makes every earlier outcome on the panel stale. */
  const starting = (keep: 'card' | 'all' | 'huntress' | 'form') => {
    setEpoch((value) => value + 1)
    if (keep !== 'all') syncAll.reset()
    if (keep !== 'huntress') huntress.reset()
  }
  const list = connections.value ?? []
  const stuck = list.filter((connection) => connection.status === 'needs_reauth')

  const connectHuntress = () =>
    huntress.run(async () => {
      starting('huntress')
      setChoices(null)
      try {
        return await connected(await ask('connectHuntress'))
      } catch (error) {
        if (!(error instanceof RequestError && error.code === 'account_choice_required')) throw error
        const { oauth: outcome } = await ask('overview')
        if (outcome?.kind !== 'choose') throw error
        setChoices(outcome.choices)
        return null
      }
    })
  const connected = async (connection: Connection) => {
    await connections.reload()
    return `Huntress is connected (${connection.label}). Choose its assignments under Trainings.`
  }
  const reconnect = (connection: Connection) => (connection.provider === 'huntress' ? void connectHuntress() : setAdding(connection))
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
          <strong>{connection.label} needs you to sign in again.</strong> {PROVIDER_NAMES[connection.provider]} stopped accepting
          trainproof's access, so its trainings aren't being updated.{' '}
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
      <OAuthOutcomeNotice outcome={huntress.busy || huntress.done || huntress.error ? null : oauth} />
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
          {syncAll.done && <Notice tone="ok" testId="sync-all-result">{syncAll.done}</Notice>}
          {syncAll.error && <Notice tone="error" testId="sync-all-result">{syncAll.error}</Notice>}
        </div>
      )}
      {!readOnly && !adding && (
        <div class="row">
          <button type="button" onClick={() => { starting('form'); setAdding(true) }}>
            Connect KnowBe4
          </button>
          <button type="button" onClick={connectHuntress} disabled={huntress.busy}>
            {huntress.busy ? 'Waiting for Huntress…' : 'Connect Huntress'}
          </button>
        </div>
      )}
      {choices && (
        <AccountChooser
          choices={choices}
          onConnected={(connection) =>
            void huntress.run(async () => {
              setChoices(null)
              return connected(connection)
            })
          }
        />
      )}
      {huntress.done && <Notice tone="ok" testId="huntress-result">{huntress.done}</Notice>}
      {huntress.error && <Notice tone="error" testId="huntress-result">{huntress.error}</Notice>}
      {adding && (
        <KnowBe4Form
          reconnecting={typeof adding === 'object' ? adding : null}
          onCancel={() => setAdding(false)}
          onConnected={() => {
            setAdding(false)
            void connections.reload()
          }}
        />
      )}
    </div>
  )
}
