import { browser } from '#imports'
import { useEffect, useState } from 'preact/hooks'
import { ask } from '../utils/messages.ts'
import { DEFAULT_DAEMON_URL } from '../utils/storage.ts'
import { useAction } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?\/?$/

/** Pairing: the daemon's address and the personal token, checked against the daemon before saving. */
export function OptionsApp() {
  const [url, setUrl] = useState(DEFAULT_DAEMON_URL)
  const [token, setToken] = useState('')
  const [paired, setPaired] = useState<string | null>(null)
  const action = useAction()
  useEffect(() => {
    ask('overview').then((overview) => {
      setUrl(overview.daemonUrl)
      if (overview.identity) setPaired(describe(overview.identity.role, overview.identity.email))
    }, () => undefined)
  }, [])
  const submit = (event: Event) => {
    event.preventDefault()
    void action.run(async () => {
      if (!LOOPBACK.test(url.trim())) throw new Error('The daemon runs on this computer: use an address like http://127.0.0.1:7878.')
      if (token.trim() === '') throw new Error('Paste the token your admin gave you.')
      const me = await ask('pair', { daemonUrl: url.trim(), token: token.trim() })
      setToken('')
      setPaired(describe(me.role, me.email))
      return `Paired. ${describe(me.role, me.email)}`
    })
  }
  const unpair = () =>
    action.run(async () => {
      await ask('unpair')
      setPaired(null)
      return 'The token was removed from this browser.'
    })
  return (
    <main class="page">
      <header class="top">
        <div class="logo">train<span>proof</span></div>
      </header>
      <h1>Pair this browser</h1>
      <p class="muted">
        trainproof shows your training status from your organisation's trainproof daemon. Your admin gives you a personal
        token; it stays in this browser and is only ever sent to the daemon.
      </p>
      {paired && <Notice tone="ok" testId="paired-as">{paired}</Notice>}
      <form class="card stack" onSubmit={submit} style="margin-top:1rem">
        <label class="field">
          <span>Daemon address</span>
          <input name="daemonUrl" type="url" required value={url} onInput={(event) => setUrl(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Personal token</span>
          <input name="token" type="password" autocomplete="off" spellcheck={false} value={token} onInput={(event) => setToken(event.currentTarget.value)} />
          <small>Employees get one from their admin; admins and reviewers paste their staff token.</small>
        </label>
        {action.error && <Notice tone="error" testId="pair-error">{action.error}</Notice>}
        {action.done && !action.error && <Notice tone="ok" testId="pair-result">{action.done}</Notice>}
        <div class="row">
          <button type="submit" class="primary" disabled={action.busy}>
            {action.busy ? 'Checking…' : 'Save and check'}
          </button>
          {paired && (
            <button type="button" onClick={unpair} disabled={action.busy}>
              Forget token
            </button>
          )}
          <button type="button" class="link" onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') })}>
            Open my trainings
          </button>
        </div>
      </form>
    </main>
  )
}

function describe(role: string, email: string | null): string {
  const who = role === 'employee' ? `as ${email ?? 'an employee'}` : `with a ${role.replace(/_/g, ' ')} token`
  return `This browser is paired ${who}.`
}
