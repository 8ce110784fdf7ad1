import { useEffect, useState } from 'preact/hooks'
import { ask, type Overview } from '../utils/messages.ts'
import { useAction } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'
import { SignedInAs } from './SignedInAs.tsx'
import { SignInCard } from './SignInCard.tsx'

/**
 * The daemon's address (locked when policy sets it), sign-in with the company account, and the
 * fallback for automation: a pasted token, checked against the daemon before it is kept.
 */
export function OptionsApp() {
  const [overview, setOverview] = useState<Overview | null>(null)
  const [url, setUrl] = useState('')
  const [token, setToken] = useState('')
  const action = useAction()
  const reload = () =>
    ask('overview').then(
      (next) => {
        setOverview(next)
        setUrl(next.daemonUrl)
      },
      () => undefined,
    )
  useEffect(() => void reload(), [])
  if (overview === null)
    return (
      <main class="page">
        <p class="muted">Loading…</p>
      </main>
    )
  const { settings } = overview
  const saveUrl = () =>
    action.run(async () => {
      await ask('setDaemonUrl', { daemonUrl: url })
      await reload()
      return 'Address saved.'
    })
  const paste = (event: Event) => {
    event.preventDefault()
    void action.run(async () => {
      if (token.trim() === '') throw new Error('Paste the token your admin gave you.')
      const me = await ask('pair', { daemonUrl: url.trim(), token: token.trim() })
      setToken('')
      await reload()
      return `Paired. This browser uses ${me.role === 'employee' ? `the token of ${me.email ?? 'an employee'}` : `a ${me.role.replace(/_/g, ' ')} token`}.`
    })
  }
  return (
    <main class="page stack">
      <header class="top">
        <div class="logo">
          train<span>proof</span>
        </div>
      </header>
      <h1>trainproof settings</h1>
      <section class="card stack" aria-labelledby="daemon-title">
        <h2 id="daemon-title">Your organisation's trainproof</h2>
        <label class="field">
          <span>Daemon address</span>
          <input
            name="daemonUrl"
            type="url"
            required
            value={url}
            readOnly={settings.daemonUrlLocked}
            aria-describedby="daemon-help"
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
          <small id="daemon-help" data-testid={settings.daemonUrlLocked ? 'locked' : undefined}>
            {settings.daemonUrlLocked
              ? '🔒 Set by your organisation.'
              : 'https:// for a daemon on another computer; http:// only for one on this computer.'}
          </small>
        </label>
        {!settings.daemonUrlLocked && url.trim() !== overview.daemonUrl && (
          <button type="button" onClick={saveUrl} disabled={action.busy}>
            Save address
          </button>
        )}
      </section>
      {overview.identity ? (
        <SignedInAs overview={overview} onSignedOut={() => void reload()} />
      ) : (
        <SignInCard overview={overview} onSignedIn={() => void reload()} />
      )}
      {settings.allowTokenPaste && (
        <form class="card stack" onSubmit={paste} aria-labelledby="token-title">
          <h2 id="token-title">Or paste a token</h2>
          <p class="muted">
            For automation and test browsers: a token an admin issued. It stays in this browser and only goes to the daemon.
          </p>
          <label class="field">
            <span>Personal token</span>
            <input
              name="token"
              type="password"
              autocomplete="off"
              spellcheck={false}
              value={token}
              onInput={(event) => setToken(event.currentTarget.value)}
            />
          </label>
          <div class="row">
            <button type="submit" disabled={action.busy}>
              {action.busy ? 'Checking…' : 'Save and check'}
            </button>
          </div>
        </form>
      )}
      {settings.managed && (
        <p class="muted" data-testid="managed-note">
          Some settings are managed by your organisation.
        </p>
      )}
      <details>
        <summary>For IT</summary>
        <p class="muted">
          Redirect URI to register with the identity provider's client for trainproof:{' '}
          <code data-testid="redirect-uri">{overview.redirectUri}</code>. Deployment policies: "Deploying the extension" in docs/deploy.md
          of the trainproof repository.
        </p>
      </details>
      {action.error && (
        <Notice tone="error" testId="pair-error">
          {action.error}
        </Notice>
      )}
      {action.done && !action.error && (
        <Notice tone="ok" testId="pair-result">
          {action.done}
        </Notice>
      )}
    </main>
  )
}
