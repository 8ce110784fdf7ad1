import { useEffect, useState } from 'preact/hooks'
import type { Campaign, Connection, TrainingConfig } from '../../shared/domain.ts'
import { campaignStatusLabel, syncSummary, trainingName } from '../utils/format.ts'
import { providerName } from '../utils/providers.ts'
import { ask } from '../utils/messages.ts'
import { useAction, useRequest } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

function CampaignBox({
  campaign,
  training,
  checked,
  readOnly,
  onToggle,
}: {
  campaign: Campaign
  training: TrainingConfig['id']
  checked: boolean
  readOnly: boolean
  onToggle: (on: boolean) => void
}) {
  const others = campaign.trainings.filter((id) => id !== training).map(trainingName)
  const why = campaign.importable ? null : (campaign.notImportableReason ?? 'This campaign cannot be imported.')
  const hintId = `hint-${training}-${campaign.id}`
  return (
    <li>
      <label class="row" style="align-items:flex-start;flex-wrap:nowrap">
        <input
          type="checkbox"
          checked={checked}
          disabled={readOnly || !campaign.importable}
          aria-describedby={hintId}
          data-campaign={campaign.name}
          onChange={(event) => onToggle(event.currentTarget.checked)}
        />
        <span>
          {campaign.name} <small>· {campaignStatusLabel(campaign.status)}</small>
          <br />
          <small id={hintId}>{why ?? (others.length > 0 ? `Also counts for ${others.join(', ')}.` : '')}</small>
        </span>
      </label>
    </li>
  )
}

/** One training: which connection serves it, and which of that connection's campaigns count. */
export function TrainingEditor({
  config,
  connections,
  readOnly,
  onSaved,
}: {
  config: TrainingConfig
  connections: Connection[]
  readOnly: boolean
  onSaved: (config: TrainingConfig) => void
}) {
  const [connectionId, setConnectionId] = useState<string | null>(config.connectionId)
  const [selected, setSelected] = useState<Set<string>>(new Set(config.campaignIds))
  useEffect(() => {
    setConnectionId(config.connectionId)
    setSelected(new Set(config.campaignIds))
  }, [config])
  const campaigns = useRequest(async () => (connectionId ? ask('campaigns', { connectionId }) : []), [connectionId])
  const save = useAction()
  const sync = useAction()
  const name = trainingName(config.id)
  const changed =
    connectionId !== config.connectionId ||
    selected.size !== config.campaignIds.length ||
    config.campaignIds.some((id) => !selected.has(id))

  const edited = () => {
    save.reset()
    sync.reset()
  }
  const choose = (value: string) => {
    edited()
    setConnectionId(value === '' ? null : value)
    setSelected(new Set(value === config.connectionId ? config.campaignIds : []))
  }
  const toggle = (id: string, on: boolean) => {
    edited()
    const next = new Set(selected)
    if (on) next.add(id)
    else next.delete(id)
    setSelected(next)
  }
  const submit = (event: Event) => {
    event.preventDefault()
    sync.reset()
    void save.run(async () => {
      const saved = await ask('putTraining', { training: config.id, body: { connectionId, campaignIds: [...selected] } })
      onSaved(saved)
      const count = saved.campaignIds.length
      return `Saved: ${count} campaign${count === 1 ? '' : 's'} count${count === 1 ? 's' : ''} for ${name}. The next sync applies it.`
    })
  }
  const savedConnection = connections.find((connection) => connection.id === config.connectionId) ?? null
  const syncNow = () =>
    sync.run(async () => {
      if (!savedConnection) return null
      const run = await ask('syncConnection', { connectionId: savedConnection.id })
      if (!run.ok) throw new Error(syncSummary(run, savedConnection.label))
      return syncSummary(run, savedConnection.label)
    })
  return (
    <form class="card stack" onSubmit={submit} data-training={config.id} aria-label={name}>
      <h3>{name}</h3>
      <label class="field">
        <span>Provider for {name}</span>
        <select value={connectionId ?? ''} disabled={readOnly} onChange={(event) => choose(event.currentTarget.value)}>
          <option value="">Not used</option>
          {connections.map((connection) => (
            <option key={connection.id} value={connection.id}>
              {providerName(connection.provider)} — {connection.label}
            </option>
          ))}
        </select>
      </label>
      {connectionId && (
        <fieldset style="border:none;padding:0;margin:0">
          <legend class="field" style="font-weight:600;font-size:0.85rem">
            Campaigns that count
          </legend>
          {campaigns.error && <Notice tone="error">{campaigns.error}</Notice>}
          {campaigns.value?.length === 0 && <p class="muted">This connection has no campaigns yet. Run a sync to fetch them.</p>}
          <ul class="plain">
            {(campaigns.value ?? []).map((campaign) => (
              <CampaignBox
                key={campaign.id}
                campaign={campaign}
                training={config.id}
                checked={selected.has(campaign.id)}
                readOnly={readOnly}
                onToggle={(on) => toggle(campaign.id, on)}
              />
            ))}
          </ul>
        </fieldset>
      )}
      {save.done && !changed && (
        <Notice tone="ok" testId="save-result">
          {save.done}{' '}
          {savedConnection && !readOnly && (
            <button type="button" onClick={() => void syncNow()} disabled={sync.busy}>
              {sync.busy ? 'Syncing…' : 'Sync now'}
            </button>
          )}
        </Notice>
      )}
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
      {save.error && <Notice tone="error">{save.error}</Notice>}
      {!readOnly && (
        <div>
          <button type="submit" class="primary" disabled={save.busy || !changed}>
            Save {name}
          </button>
        </div>
      )}
    </form>
  )
}
