import { browser } from '#imports'
import type { Me } from '../../shared/api.ts'
import { contactOf } from '../utils/summary.ts'
import { ask, type Overview } from '../utils/messages.ts'
import { useAction, useRequest } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

/**
 * The way in for someone who is not signed in: one "Sign in with your company account" button
 * when the daemon offers it, and the token fallback (options page) unless policy turned it off.
 */
export function SignInCard({ overview, onSignedIn }: { overview: Overview; onSignedIn: (me: Me) => void }) {
  const methods = useRequest(() => ask('authMethods'), [overview.daemonUrl])
  const action = useAction()
  const { settings } = overview
  const signIn = () =>
    action.run(async () => {
      onSignedIn(await ask('signIn'))
      return null
    })
  const openOptions = () => void browser.runtime.openOptionsPage()
  const oidc = methods.value?.oidc ?? null
  const failed = overview.signIn?.kind === 'failed' && !action.busy && !action.error ? overview.signIn.message : null
  return (
    <section class="card stack sign-in" aria-labelledby="sign-in-title" data-testid="sign-in-card">
      <h2 id="sign-in-title">Sign in to see your trainings</h2>
      {overview.signedOutReason && (
        <Notice tone="warn" testId="signed-out-reason">
          {overview.signedOutReason}
        </Notice>
      )}
      {methods.loading && !methods.value && <p class="muted">Asking trainproof how to sign in…</p>}
      {methods.error && (
        <Notice tone="error" testId="sign-in-unreachable">
          {methods.error} {settings.daemonUrlLocked ? `If it persists, contact ${contactOf(settings.supportContact)}.` : ''}
        </Notice>
      )}
      {oidc && (
        <>
          <p class="muted">trainproof uses your organisation's sign-in; no new password.</p>
          <button type="button" class="primary large" onClick={signIn} disabled={action.busy} data-testid="sign-in">
            {action.busy ? 'Waiting for the sign-in window…' : 'Sign in with your company account'}
          </button>
        </>
      )}
      {methods.value && !oidc && (
        <p>
          {settings.allowTokenPaste
            ? 'This trainproof has no company sign-in set up: paste the token your admin gave you in the options.'
            : `This trainproof has no company sign-in set up yet. Contact ${contactOf(settings.supportContact)}.`}
        </p>
      )}
      {(action.error ?? failed) && (
        <Notice tone="error" testId="sign-in-error">
          {action.error ?? failed}
        </Notice>
      )}
      {settings.allowTokenPaste && (
        <p>
          <button type="button" class="link" onClick={openOptions}>
            {oidc ? 'Use a token instead (automation)' : 'Open the options'}
          </button>
        </p>
      )}
    </section>
  )
}
