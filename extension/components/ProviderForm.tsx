import { useId, useState } from 'preact/hooks'
import type { ConnectField, ProviderDescription } from '../../shared/api.ts'
import type { Connection } from '../../shared/domain.ts'
import { ask } from '../utils/messages.ts'
import { connectFields, initialFields } from '../utils/providers.ts'
import { useAction } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

function Field({ field, value, onInput }: { field: ConnectField; value: string; onInput: (value: string) => void }) {
  const id = useId()
  return (
    <div class="field" style={field.advanced ? 'margin-top:0.5rem' : undefined}>
      <label for={id}>{field.label}</label>
      {field.type === 'select' ? (
        <select id={id} name={field.name} value={value} onChange={(event) => onInput(event.currentTarget.value)}>
          {(field.options ?? []).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={field.name}
          type={(field.type === 'secret' ? 'password' : field.type) as 'text'}
          autocomplete="off"
          spellcheck={false}
          {...(field.placeholder ? { placeholder: field.placeholder } : {})}
          value={value}
          onInput={(event) => onInput(event.currentTarget.value)}
        />
      )}
      {field.help && <small>{field.help}</small>}
    </div>
  )
}

/**
 * Connects a provider that takes typed-in credentials, with the fields its description lists;
 * the daemon checks them with the provider before saving. Renewing keeps the connection.
 */
export function ProviderForm({
  description,
  onConnected,
  onCancel,
  reconnecting = null,
}: {
  description: ProviderDescription
  onConnected: (connection: Connection) => void
  onCancel: () => void
  /** The connection whose credentials stopped working: the new ones renew that connection, in place. */
  reconnecting?: Connection | null
}) {
  const { id, displayName, connect } = description
  const [values, setValues] = useState(() => initialFields(description))
  const action = useAction()
  if (connect.kind !== 'token') return null
  const set = (name: string) => (value: string) => setValues((current) => ({ ...current, [name]: value }))
  const submit = (event: Event) => {
    event.preventDefault()
    void action.run(async () => {
      const fields = connectFields(description, values)
      const connection = await ask('connect', { provider: id, fields, ...(reconnecting ? { connectionId: reconnecting.id } : {}) })
      setValues(initialFields(description))
      onConnected(connection)
      return null
    })
  }
  const render = (field: ConnectField) => (
    <Field key={field.name} field={field} value={values[field.name] ?? ''} onInput={set(field.name)} />
  )
  const advanced = connect.fields.filter((field) => field.advanced)
  const verb = reconnecting ? 'Reconnect' : 'Connect'
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid={`${id}-form`}>
      <h3 id={`${id}-title`}>{reconnecting ? `Reconnect ${reconnecting.label}` : `Connect ${displayName}`}</h3>
      {reconnecting && connect.renewHelp && <p class="muted">{connect.renewHelp}</p>}
      {connect.fields.filter((field) => !field.advanced).map(render)}
      {advanced.length > 0 && (
        <details>
          <summary>Advanced</summary>
          {advanced.map(render)}
        </details>
      )}
      {action.error && (
        <Notice tone="error" testId={`${id}-error`}>
          {action.error}
        </Notice>
      )}
      <div class="row">
        <button class="primary" type="submit" disabled={action.busy}>
          {action.busy ? `Checking with ${displayName}…` : `${verb} ${displayName}`}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
