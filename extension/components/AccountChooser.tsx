import { useState } from 'preact/hooks'
import type { Connection } from '../../shared/domain.ts'
import { ask } from '../utils/messages.ts'
import type { AccountChoice } from '../utils/storage.ts'
import { useAction } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

/** A provider login that sees several accounts (a partner login): the admin picks the one to connect. */
export function AccountChooser({
  name,
  choices,
  onConnected,
}: {
  name: string
  choices: AccountChoice[]
  onConnected: (connection: Connection) => void
}) {
  const [picked, setPicked] = useState<string | null>(choices[0]?.id ?? null)
  const action = useAction()
  const submit = (event: Event) => {
    event.preventDefault()
    if (picked === null) return
    void action.run(async () => {
      onConnected(await ask('oauthChoose', { accountId: picked }))
      return null
    })
  }
  return (
    <form class="card stack" onSubmit={submit} data-testid="account-chooser">
      <fieldset style="border:none;padding:0;margin:0">
        <legend style="font-weight:600;margin-bottom:0.4rem">
          This {name} login can read several accounts. Which one should trainproof use?
        </legend>
        {choices.map((choice) => (
          <label class="row" key={choice.id}>
            <input type="radio" name="account" value={choice.id} checked={picked === choice.id} onChange={() => setPicked(choice.id)} />
            {choice.name}
          </label>
        ))}
      </fieldset>
      {action.error && <Notice tone="error">{action.error}</Notice>}
      <div>
        <button type="submit" class="primary" disabled={action.busy || picked === null}>
          Use this account
        </button>
      </div>
    </form>
  )
}
